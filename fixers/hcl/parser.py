"""python-hcl2's Lark parser, with located, readable errors.

`hcl2.parses_to_tree` keeps positions on every node. We call the
same Lark parser it builds, but never let a read-only install, a deep nesting or a grammar error
escape as a traceback.
"""

from __future__ import annotations

import functools
import gc
import re
import sys

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternRE

from fixers.hcl.positions import use_fast_positions
from fixers.limits import PARSE_SECONDS, Budget

# Parse memory grows with the token count, not the byte count: ~750 bytes per token whatever the text
# (measured: a 4 MiB file of `1,` is 2M tokens and 2.5 GB; a realistic 4 MiB module is ~800k). This
# bounds one file's parse to ~750 MB and ~20 s of CPU.
MAX_FILE_TOKENS = 1_000_000

# python-hcl2's heredoc terminals follow a lazy body that may end at any newline with `\s*`, which also
# spans newlines: a heredoc holding k blank lines followed by anything but its closing marker costs
# O(k²) to match (8,000 blank lines took 1.1 s, 4 MiB would take days). These match the same spans
# (checked against the originals in tests/hardening) line by line, in linear time.
_LINEAR_HEREDOCS = {
    "HEREDOC_TEMPLATE": r"<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:[^\n]*\n)*?[^\S\n]*(?P=heredoc)\r?\n",
    "HEREDOC_TEMPLATE_TRIM": (
        r"<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:[^\n]*\n)*?[^\S\n]*(?P=heredoc_trim)\r?\n"
    ),
}

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
        parser = hcl2.parser.parser()
    except OSError:
        # A read-only install cannot write python-hcl2's grammar cache: build it in memory instead.
        from hcl2.postlexer import PostLexer

        parser = Lark.open(
            "hcl2.lark",
            parser="lalr",
            rel_to=hcl2.parser.__file__,
            propagate_positions=True,
            postlex=PostLexer(),
        )
    _linear_heredocs(parser)
    use_fast_positions(parser)
    return parser


def prepare_parser() -> None:
    """Load the grammar now: before worker processes are forked, so that they share one copy."""
    _parser()


def _linear_heredocs(parser: Lark) -> None:
    """Swap in the linear heredoc patterns. The cached grammar cannot be edited before loading
    (`edit_terminals` is not part of the cache key) and rebuilding it costs ~10 s, so the loaded
    terminals are edited; every lexer shares these objects and compiles them on first use."""
    for term in parser.terminals:
        if term.name in _LINEAR_HEREDOCS:
            term.pattern = PatternRE(_LINEAR_HEREDOCS[term.name], term.pattern.flags)
    contextual = getattr(parser.parser.lexer, "lexer", parser.parser.lexer)
    for lexer in [*getattr(contextual, "lexers", {}).values(), getattr(contextual, "root_lexer", None)]:
        if lexer is not None and hasattr(lexer, "_scanner"):
            lexer._scanner = None  # compiled before the edit (another user of hcl2's parser)


class _TooManyTokens(Exception):
    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column


class _Progress:
    """Where the parser got to, for the error when it runs out of time."""

    line = 1
    column = 1


def _parse_bounded(text: str, progress: _Progress) -> Tree:
    interactive = _parser().parse_interactive(text)
    token = None
    for count, token in enumerate(interactive.iter_parse(), 1):
        progress.line, progress.column = token.line, token.column
        if count > MAX_FILE_TOKENS:
            raise _TooManyTokens(token.line, token.column)
    return interactive.feed_eof(token)


_BARE_CR = re.compile(r"\r(?!\n)")


def _no_bare_carriage_return(text: str, tree: Tree) -> None:
    """Terraform reads LF and CRLF line ends, and a carriage return alone only inside a comment
    ("Invalid character" elsewhere). python-hcl2 skips it as a space, so a file with old Mac line
    ends became one line, and rules asking for the next line indexed past the end of the file."""
    from hcl2.postlexer import OPERATOR_TYPES

    bare = [m.start() for m in _BARE_CR.finditer(text)]
    if not bare:
        return
    # Tokens that may hold a comment: comments, and operators the post-lexer merged with the new
    # lines and comments before them.
    bearing = {"NL_OR_COMMENT", *OPERATOR_TYPES}
    comments = [
        (t.start_pos, t.end_pos)
        for t in tree.scan_values(lambda v: isinstance(v, Token) and v.type in bearing)
    ]
    for position in bare:
        if not any(start <= position < end for start, end in comments):
            line = text.count("\n", 0, position) + 1
            column = position - text.rfind("\n", 0, position)
            raise HclSyntaxError(
                "a carriage return without a line feed (old Mac line ends): Terraform reads LF or CRLF",
                line,
                column,
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
    # Lark allocates millions of objects and no garbage cycles while parsing: the cyclic collector's
    # repeated passes over them nearly doubled the parse time of large files.
    collecting = gc.isenabled()
    gc.disable()
    progress = _Progress()
    try:
        with Budget(PARSE_SECONDS):
            tree = _parse_bounded(text + "\n", progress)
            if "\r" in text:
                _no_bare_carriage_return(text, tree)
            return tree
        raise HclSyntaxError(
            f"parsing stopped after {PARSE_SECONDS:g} s of CPU time (tapfix's limit per file)",
            progress.line,
            progress.column,
        )
    except _TooManyTokens as exc:
        raise HclSyntaxError(
            f"file has more than {MAX_FILE_TOKENS:,} tokens; tapfix parses files up to that size "
            "(generated files should not be scanned)",
            exc.line,
            exc.column,
        ) from None
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
        if collecting:
            gc.enable()
