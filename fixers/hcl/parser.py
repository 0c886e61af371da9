"""python-hcl2's Lark parser, with located, readable errors.

`hcl2.parses_to_tree` keeps positions on every node (see shared/docs/parsing.md). We call the
same Lark parser it builds, but never let a read-only install, a deep nesting or a grammar error
escape as a traceback.
"""

from __future__ import annotations

import functools
import sys

from lark import Lark, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

_TOKEN_NAMES = {
    "DBLQUOTE": '"',
    "LBRACE": "{",
    "RBRACE": "}",
    "LSQB": "[",
    "RSQB": "]",
    "LPAR": "(",
    "RPAR": ")",
    "COMMA": ",",
    "EQ": "=",
    "COLON": ":",
    "NAME": "a name",
    "NL_OR_COMMENT": "a new line",
    "STRING_CHARS": "text",
    "INT_LITERAL": "a number",
    "FLOAT_LITERAL": "a number",
    "$END": "end of file",
    "INTERP_START": "${",
    "DIRECTIVE_START": "%{",
}
_EXPRESSION_STARTS = {"DBLQUOTE", "INT_LITERAL", "LSQB", "LBRACE", "NAME", "HEREDOC_TEMPLATE"}


class HclSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message, self.line, self.column = message, line, column


@functools.cache
def _parser() -> Lark:
    import hcl2.parser

    try:
        return hcl2.parser.parser()
    except OSError:
        # A read-only install cannot write python-hcl2's grammar cache: build it in memory instead.
        from hcl2.postlexer import PostLexer

        return Lark.open(
            "hcl2.lark",
            parser="lalr",
            rel_to=hcl2.parser.__file__,
            propagate_positions=True,
            postlex=PostLexer(),
        )


def _describe_expected(expected: set[str]) -> str:
    if "EQ" in expected and "LBRACE" in expected:
        return "'=' (an attribute) or '{' (a block)"
    if expected & _EXPRESSION_STARTS and len(expected) > 4:
        return "an expression"
    names = sorted({_TOKEN_NAMES.get(t, t.lower().replace("_", " ")) for t in expected})
    if len(names) > 6:
        names = [*names[:6], "…"]
    return " or ".join(f"'{n}'" if len(n) <= 3 else n for n in names)


def _describe_token(token) -> str:
    if token is None or token.type == "$END":
        return "end of file"
    value = str(token).split("\n", 1)[0].strip()
    if not value:
        return "line break" if "\n" in str(token) else "whitespace"
    return repr(value[:30])


def parse(text: str) -> Tree:
    """Parse HCL text into python-hcl2's positioned Lark tree, or raise `HclSyntaxError`."""
    limit = sys.getrecursionlimit()
    try:
        return _parser().parse(text + "\n")
    except UnexpectedToken as exc:
        got = _describe_token(exc.token)
        first = str(exc.token)[:1] if exc.token is not None else ""
        if first and ord(first) > 127:
            raise HclSyntaxError(
                f"unexpected character {first!r}: python-hcl2 reads only ASCII identifiers",
                exc.line,
                exc.column,
            ) from None
        raise HclSyntaxError(
            f"unexpected {got}, expected {_describe_expected(set(exc.expected))}", exc.line, exc.column
        ) from None
    except UnexpectedCharacters as exc:
        char = text[exc.pos_in_stream : exc.pos_in_stream + 1] if exc.pos_in_stream < len(text) else ""
        what = f"character {char!r}" if char.isprintable() else f"character U+{ord(char):04X}"
        hint = " (HCL identifiers are ASCII)" if char and ord(char) > 127 else ""
        raise HclSyntaxError(f"unexpected {what}{hint}", exc.line, exc.column) from None
    except UnexpectedEOF as exc:
        lines = text.count("\n") + 1
        raise HclSyntaxError(
            f"unexpected end of file, expected {_describe_expected(set(exc.expected))}", lines, 1
        ) from None
    except UnexpectedInput as exc:
        raise HclSyntaxError(
            str(exc).split("\n", 1)[0], getattr(exc, "line", 1), getattr(exc, "column", 1)
        ) from None
    except RecursionError:
        raise HclSyntaxError("expression nested too deeply to analyse", 1, 1) from None
    except LarkError as exc:
        raise HclSyntaxError(str(exc).split("\n", 1)[0], 1, 1) from None
    finally:
        sys.setrecursionlimit(limit)
