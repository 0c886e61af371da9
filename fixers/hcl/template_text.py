"""Reading HCL template text (`"...${x}..."`, heredocs, templatefile() sources) as text: where a
`${...}` or `%{...}` sequence ends, and where each sequence of a text lies. The parser gives no positions inside a template's literal parts,
so the evaluator, the model and TAP507 find sequences in the text themselves."""

from __future__ import annotations


def sequence_end(text: str, body: int, stop: int | None = None) -> int | None:
    """Just after the `}` that closes the sequence whose body starts at `body` (just past its `${` or
    `%{`), skipping quoted strings and nested braces; None when it does not close before `stop`."""
    stop = len(text) if stop is None else stop
    depth, quoted, i = 1, False, body
    while i < stop:
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def sequences(text: str) -> list[tuple[int, int]] | None:
    """The (start, end) of each `${...}` and `%{...}` sequence of a template's text, in order; escaped
    `$${` and `%%{` are text. None when a sequence does not close."""
    found = []
    i = 0
    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            i += 3
        elif text.startswith(("${", "%{"), i):
            end = sequence_end(text, i + 2)
            if end is None:
                return None
            found.append((i, end))
            i = end
        else:
            i += 1
    return found
