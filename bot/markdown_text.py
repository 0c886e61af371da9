"""Putting text the user (or a pull request's author) controls into GitHub Markdown safely.

Everything tapfix echoes from a repository — paths, attribute values, resource names, messages
that quote them — goes through one of these functions, so nothing can open a link, ping a user
(`@someone`), reference an issue (`#123`), inject HTML, forge a hidden `<!-- tapfix ... -->`
marker, or break out of a code block.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~@:&\"']")
_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "@": "&#64;", "#": "&#35;", "|": "&#124;", '"': "&quot;"}


def escape(text: str) -> str:
    """Inline text (a table cell, a sentence): no formatting, links, mentions, references or HTML."""
    text = text.replace("\r", " ").replace("\n", " ")
    return _SPECIAL.sub(lambda m: _ENTITY.get(m.group(0), "\\" + m.group(0)), text)


def code(text: str) -> str:
    """An inline code span that cannot be closed early by backticks in `text`."""
    text = text.replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(content: str, info: str = "") -> str:
    """A fenced block one backtick longer than the longest backtick run in `content` (at least 3),
    so file content holding ``` cannot end it."""
    longest = max((len(run) for run in re.findall(r"`{3,}", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = content if content.endswith("\n") or not content else content + "\n"
    return f"{ticks}{info}\n{body}{ticks}"


def cell_code(text: str) -> str:
    """An inline code span for a table cell: `code` plus the one escape GitHub honours inside a code
    span in a table, `\\|`, so a pipe in `text` cannot end the cell."""
    return code(text).replace("|", "\\|")
