"""Putting text the user (or a pull request's author) controls into GitHub Markdown safely.

Everything tapfix echoes from a repository (paths, attribute values, resource names, messages that
quote them) goes through one of these functions, so nothing can format text, open a link, ping a
user (`@someone`), reference an issue (`#123`), inject HTML, forge a hidden `<!-- tapfix ... -->`
marker, or break out of a code block.

`escape` is minimal: a character gets a backslash only where GitHub Flavored Markdown would give it
a meaning, so `aws_s3_bucket.logs`, `modules/net/main.tf` and `10.0.0.0/16` stay as they are in the
raw comment (what a quote-reply, an edit box, the API and plain-text e-mail show).

Control, bidirectional and zero-width characters (U+202E, U+2066, U+200D, ...) are shown as escapes
(`\\u202e`, bot/terminal_text.py), as GitHub's diff view warns about them: a resource label must not
read differently from what it is. `fence` keeps its content exact (a suggestion is committed as
written); `shown_lines` escapes content that is only read.
"""

from __future__ import annotations

import re

from bot.terminal_text import visible

# GitHub finds mentions, issue references and URLs in the text *after* rendering, when escapes and
# entities are decoded again (`&#64;name` is `@name` by then, and pings), so escaping cannot stop
# them. A zero-width space right after the trigger breaks each pattern and changes nothing a reader
# sees. After `@`: a mention, a team, `owner/repo@sha`, and an e-mail autolink (cmark-gfm links
# `a@-b.com` too). `www.` is linked after `_` as well, so no word boundary there, and a
# trailing `www` gets one too, as the caller may write a `.` next.
_ZERO_WIDTH_SPACE = "\u200b"
_LINK_TRIGGERS = re.compile(
    r"(?<=@)(?![\s\u200b])|(?<=#)(?=\d)|(?<=[Gg][Hh]-)(?=\d)|(?<=:)(?=//)|(?<=[Ww]{3})(?=\.|$)"
)

_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ALWAYS = frozenset("`*~|")  # code spans, emphasis (also inside words), strikethrough, table cells
_LINE_START = frozenset("#>+-=:")  # headings, quotes, list items, setext underlines, breaks, table rows
_ORDERED_ITEM = re.compile(r"\d{1,9}(?=[.)](?:[ \t]|$))")  # `1. ` or `1)` starts an ordered list


def unlinked(text: str) -> str:
    """`text` with a zero-width space wherever GitHub would make a mention (`@name`), an issue
    reference (`#12`, `GH-12`, `owner/repo#12`, which also closes issues after "fixes"), or a link
    (`https://`, `www.`, an e-mail address). For plain text such as a commit message; `escape` does
    this too."""
    return _LINK_TRIGGERS.sub(_ZERO_WIDTH_SPACE, text)


def _one_line(text: str) -> str:
    """Line breaks as spaces (prose wraps), tabs kept, every other hidden character escaped."""
    return "\t".join(visible(part) for part in text.replace("\r", " ").replace("\n", " ").split("\t"))


def escape(text: str) -> str:
    """Inline text (a sentence, a table cell, link text, a list item): shown exactly as it is, on
    one line, with no formatting, links, mentions, references or HTML.

    The result may be put anywhere on a line, so it is escaped as if it started one (a leading `#`,
    `>`, `-`, `+`, `=`, `:` of a table's `:-` delimiter row, `[` or `1.`) and as if anything could
    follow it (a trailing `\\`, `!`, `]`).
    Leading and trailing whitespace is dropped: Markdown would drop it or make code or a line break of it.
    """
    text = unlinked(_one_line(text).strip())
    kept = _kept_brackets(text)
    # GitHub renders `$...$` as math (a `\$` is not a delimiter). One `$`, as in `"${var.x}"`, has
    # nothing in this text to pair with.
    math = text.count("$") >= 2
    out: list[str] = []
    last = len(text) - 1
    for i, char in enumerate(text):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i < last else ""
        if char in _ALWAYS:
            needed = True
        elif char == "\\":
            needed = after == "" or after in _ASCII_PUNCTUATION  # an escape, or a hard line break
        elif char == "_":
            # GFM never opens or closes `_` emphasis between two letters or digits.
            needed = not (_ascii_alnum(before) and _ascii_alnum(after))
        elif char in "[]":
            needed = i not in kept
        elif char == "<":
            # A tag, comment or autolink needs `<` + a non-space. `&lt;`, not `\<`: a forged
            # `<!-- tapfix:v1 ... -->` must not appear in the raw body either, where a search for
            # tapfix's markers would find it.
            needed = after not in (" ", "\t")
        elif char == "&":
            needed = after == "#" or _ascii_letter(after)  # an entity reference
        elif char == "$":
            needed = math
        elif char == "!":
            needed = after == ""  # `!` + a link the caller writes next would be an image
        else:
            needed = i == 0 and char in _LINE_START
        out.append(("&lt;" if char == "<" else "\\" + char) if needed else char)
    ordered = _ORDERED_ITEM.match(text)
    if ordered:  # `2024. ` at the start: escape the `.`, which sits right after the digits
        at = ordered.end()
        out[at] = "\\" + out[at]
    return "".join(out)


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _kept_brackets(text: str) -> set[int]:
    """Positions of `[` and `]` that may stay unescaped: pairs that match the way cmark-gfm matches
    them (each `]` with the nearest open `[`), so `x[0]` reads as it is, inside link text too.
    Not a `]` followed by `(` or ending the text (either could make a link with what follows), and
    not a `[` that starts the text (a link reference definition or a task-list box)."""
    kept: set[int] = set()
    opened: list[int] = []
    for i, char in enumerate(text):
        if char == "[" and i > 0:
            opened.append(i)
        elif char == "]" and opened and i + 1 < len(text) and text[i + 1] != "(":
            kept.update((opened.pop(), i))
    return kept


def html_text(text: str) -> str:
    """Text inside raw HTML (a `<summary>` line, which Markdown leaves alone, so a backslash would
    show): one line, `&`, `<` and `>` as entities, nothing GitHub would link or mention."""
    return unlinked(_one_line(text).strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def code(text: str) -> str:
    """An inline code span that cannot be closed early by backticks in `text`."""
    text = _one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    # cmark drops one space from each end when both ends have one (so `` `x` `` can hold a backtick
    # at its edge): pad then, so the spaces that were there survive, unless all of it is spaces.
    edges = text[:1] + text[-1:]
    pad = " " if text.strip(" ") and ("`" in edges or edges == "  ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(content: str, info: str = "") -> str:
    """A fenced block one backtick longer than the longest backtick run in `content` (at least 3),
    so file content holding ``` cannot end it."""
    longest = max((len(run) for run in re.findall(r"`{3,}", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{ticks}{info}\n{body}{ticks}"


def shown_lines(content: str) -> str:
    """File content for reading (a ```diff block): line breaks and tabs kept, every other hidden
    character escaped. Not for a ```suggestion, which is committed as written."""
    return "\n".join(_one_line(line) for line in content.split("\n"))


def cell_code(text: str) -> str:
    """An inline code span for a table cell: `code` plus the one escape GitHub honours inside a code
    span in a table, `\\|`, so a pipe in `text` cannot end the cell."""
    return code(text).replace("|", "\\|")
