"""Putting text a repository controls (paths, labels, values, file content) on a terminal or into a
GitHub Actions log safely.

- `visible`: control characters (C0, DEL, C1: ESC starts ANSI CSI/OSC sequences that recolour,
  retitle or rewrite a terminal; a newline starts a new line of the log), bidirectional and
  zero-width format characters (U+202E, U+2066, U+200D: they make text read differently from what
  it is, "Trojan Source") and line/paragraph separators are shown as escapes (`\\n`, `\\x1b`,
  `\\u202e`). Everything else, including non-ASCII letters, stays as it is.
- `emit`: writes text to a stream; when that stream is the log of a GitHub Actions step, any line
  the runner would take for a workflow command (`::name ...::` at the start of a line after
  whitespace, or `##[name]` anywhere in it, the runner's older syntax) is fenced by
  `::stop-commands::<random token>` ... `::<token>::`, so the runner prints it and runs nothing.
  Output redirected to a file is written unchanged, as it is not read by the runner.
- `command_data`: the documented escaping of a workflow command's data (`%`, `\\r`, `\\n`), for the
  commands tapfix writes itself (`::error ...::`).
- `json_text`: serialized JSON with the same value but nothing hidden in it: each hidden character
  above ASCII (json.dumps already escapes the C0 ones) as a `\\uXXXX` escape, and each `##[` as
  `#\\u0023[`, which is not an old-style workflow command when the JSON is printed to the log.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from typing import TextIO

# C0 controls, DEL and C1 controls; soft hyphen; Arabic letter mark; Mongolian vowel separator;
# zero-width space/non-joiner/joiner, LRM, RLM; line and paragraph separators; the bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069) with the other invisible operators of
# U+2060-U+206F; the byte order mark; interlinear annotation controls; tag characters.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    "\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every control, bidi and zero-width character shown as an escape, on one line."""
    return _HIDDEN.sub(_escaped, text)


def has_hidden(text: str) -> bool:
    """Whether `text` holds a character `visible` would escape (other than newlines and tabs)."""
    return _HIDDEN.search(text.replace("\n", "").replace("\t", "")) is not None


# --- the Actions log ------------------------------------------------------------------------------


def starts_command(line: str) -> bool:
    """Whether the Actions runner would read `line` as a workflow command: `::` after leading
    whitespace (its current syntax) or `##[` anywhere (its older one)."""
    return line.lstrip().startswith("::") or "##[" in line


def fenced(text: str) -> str:
    """`text` between `::stop-commands::<token>` and `::<token>::` when any of its lines would be a
    workflow command; the token is random, so the text cannot end the fence itself."""
    if not any(starts_command(line) for line in re.split(r"\r\n|\r|\n", text)):
        return text
    import secrets  # only when needed: `tapfix scan` starts fast

    token = f"tapfix-{secrets.token_hex(16)}"
    end = "" if text.endswith("\n") else "\n"
    return f"::stop-commands::{token}\n{text}{end}::{token}::\n"


def in_actions_log(stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Whether `stream` is read by the Actions runner: a step of a workflow (GITHUB_ACTIONS) whose
    output is not redirected to a regular file."""
    env = os.environ if env is None else env
    if env.get("GITHUB_ACTIONS") != "true":
        return False
    try:
        return not stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return True  # not a real file descriptor: assume the log, the safe side


def emit(text: str, stream: TextIO, env: Mapping[str, str] | None = None) -> None:
    """Write `text` (a newline is added if missing), fenced when it goes to the Actions log."""
    if text and not text.endswith("\n"):
        text += "\n"
    stream.write(fenced(text) if in_actions_log(stream, env) else text)


def command_data(text: str) -> str:
    """The data part of a workflow command (`::error title=x::<data>`): on one line, control
    characters shown as escapes (so no `\\r` or `\\n` is left to encode), and `%` encoded as GitHub
    documents, so the runner's decoding gives back exactly that text."""
    return visible(text).replace("%", "%25")


_HIDDEN_NON_ASCII = re.compile(_HIDDEN.pattern.replace("\x00-\x1f\x7f-\x9f", "\x7f-\x9f"))


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(text: str) -> str:
    """Serialized JSON (from json.dumps) with hidden characters and `##[` escaped; same value."""
    return _HIDDEN_NON_ASCII.sub(_json_escape, text).replace("##[", "#\\u0023[")
