"""TAP507: a long user data script written inline in HCL.

The fix moves the script into a file next to the module and renders it with `templatefile()`:
the file holds the script exactly as Terraform evaluated it before (a `<<-` heredoc's
indentation removed by HCL's own rule), each reference in an interpolation or directive becomes
a template variable, and escapes (`$${`, `%%{`) stay as they are because a template file reads
them the same way. A script without interpolations moves to a plain file read with `file()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fixers.config import RuleOptions
from fixers.edits import new_file, update_attributes
from fixers.evaluate import UNKNOWN, evaluate, heredoc_body
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.hcl.template_text import sequence_end, sequences
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.rules._module_level import module_prefix
from fixers.semantic.expressions import (
    Expr,
    For,
    Object,
    Reference,
    Template,
    call_of,
    parse_expression,
    template_of,
)

RULE = Rule(
    id="TAP507",
    name="user-data-inline",
    severity=Severity.LOW,
    why="A long script inside HCL gets no shell tooling, and every $ in it is a possible interpolation.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

MAX_LINES = 20
COMPUTE = ("aws_instance", "aws_launch_template", "aws_launch_configuration", "aws_spot_instance_request")
WRAPPERS = ("base64encode", "base64gzip")
# Roots of references that are never variables of a template's own for-loops.
_REFERENCE_ROOTS = {"var", "local", "data", "module", "path", "terraform", "count", "each"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    flagged = []
    for block in module.resources(*COMPUTE):
        for name in ("user_data", "user_data_base64"):
            attr = block.get(name)
            script = _script(attr) if attr is not None else None
            if script is not None and _line_count(script.text) > MAX_LINES:
                flagged.append((block, attr, script))
    labels = [b.name for b, _, _ in flagged]
    for block, attr, script in flagged:
        stem = (
            block.name
            if labels.count(block.name) == 1
            else f"{block.resource_type.removeprefix('aws_')}-{block.name}"
        )
        lines = _line_count(script.text)
        yield RULE.finding(
            attr,
            f"{block.address} has a {lines}-line user data script inline in {attr.name} (more than "
            f"{MAX_LINES} lines): it gets no shell tooling, and every $ in it must be read as a possible "
            "Terraform interpolation",
            key=attr.name,
            fix=_fix(module, block, attr, script, stem.replace("_", "-")),
        )


@dataclass
class Script:
    """A literal script: `text` is its source as a template (escapes kept, a heredoc's common
    indentation removed), `expr` its heredoc or quoted string, `wrapper` the base64 function
    around it (or None)."""

    text: str
    expr: Template
    wrapper: str | None
    exact: bool = True  # False when the text may differ from what HCL makes of the script


def _flush(body: str) -> str | None:
    """The text of a `<<-` heredoc body as HCL renders it, kept as template source.

    HCL removes the common indentation token by token, after applying strip markers: a line
    that follows a sequence ending in `~}` has lost its line break, so it is not a line start and
    keeps its indentation (and does not count towards the common one). A `{~` strips the
    indentation of its own line before the common one is measured, which a template file cannot
    reproduce line by line: None then."""
    spans = sequences(body)
    if spans is None:
        return None
    if any(body[start + 2 : start + 3] == "~" for start, _ in spans):
        return None
    lines = body.split("\n")
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    stripped_ends = {end for start, end in spans if body[end - 2 : end] == "~}"}
    follows_strip = [False]
    for i in range(1, len(lines)):
        previous_end = starts[i] - 1  # the newline that ends the previous line
        tail_start = starts[i - 1] + len(lines[i - 1].rstrip())
        follows_strip.append(tail_start in stripped_ends and tail_start <= previous_end)
    widths = [
        len(line) - len(line.lstrip())
        for line, kept in zip(lines, follows_strip, strict=True)
        if line.strip() and not kept
    ]
    cut = min(widths, default=0)
    return "\n".join(
        line[cut:] if line.strip() and not kept else line
        for line, kept in zip(lines, follows_strip, strict=True)
    )


def _script(attr: Attribute) -> Script | None:
    expr: Expr = attr.expression
    wrapper = None
    call = call_of(expr, *WRAPPERS)
    if call is not None:
        args = call.args
        if len(args) != 1:
            return None
        expr, wrapper = args[0], call.name
    if not isinstance(expr, Template):
        return None
    if expr.heredoc:
        if not expr.trim:
            return Script(expr.body, expr, wrapper)
        text = _flush(heredoc_body(expr.raw, False))
        return Script(text if text is not None else expr.body, expr, wrapper, text is not None)
    text = _unquote(expr.body)
    return Script(text, expr, wrapper) if text is not None else None


def _line_count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _unquote(inner: str) -> str | None:
    """A quoted string's content as template text: backslash escapes resolved in the literal
    parts, interpolations and directives kept as written."""
    out: list[str] = []
    i = 0
    while i < len(inner):
        if inner.startswith(("$${", "%%{"), i):
            out.append(inner[i : i + 3])
            i += 3
        elif inner.startswith(("${", "%{"), i):
            end = sequence_end(inner, i + 2)
            if end is None:
                return None
            out.append(inner[i:end])
            i = end
        elif inner[i] == "\\" and i + 1 < len(inner):
            code = inner[i + 1]
            if code in _ESCAPES:
                out.append(_ESCAPES[code])
                i += 2
            elif code in "uU":
                digits = inner[i + 2 : i + (6 if code == "u" else 10)]
                if not re.fullmatch(r"[0-9A-Fa-f]{4}|[0-9A-Fa-f]{8}", digits):
                    return None
                out.append(chr(int(digits, 16)))
                i += 2 + len(digits)
            else:
                return None
        else:
            out.append(inner[i])
            i += 1
    return "".join(out)


# --- rewriting references as template variables --------------------------------------------------


@dataclass
class TemplateFile:
    text: str
    variables: dict[str, str] = field(default_factory=dict)  # template variable -> expression source
    markers: dict[str, str] = field(default_factory=dict)  # expression source -> marker value


_DIRECTIVE = re.compile(r"\s*(if|for|else|endif|endfor)\b")
_FOR = re.compile(r"\s*for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s")


def _expression_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the expression of a `${...}`/`%{if ...}`/`%{for ... in ...}` lies; None for
    `%{else}`-like directives without one."""
    inner_start, inner_end = start + 2, end - 1
    if text[inner_start : inner_start + 1] == "~":
        inner_start += 1
    if text[inner_end - 1 : inner_end] == "~":
        inner_end -= 1
    if text[start] == "$":
        return inner_start, inner_end
    keyword = _DIRECTIVE.match(text, inner_start)
    if keyword is None:
        return None
    if keyword.group(1) == "if":
        return keyword.end(), inner_end
    if keyword.group(1) == "for":
        loop = _FOR.match(text, inner_start)
        return (loop.end(), inner_end) if loop else None
    return inner_start, inner_start  # else/endif/endfor: nothing to rename


def _bound_names(text: str, spans: list[tuple[int, int]]) -> set[str]:
    names = set()
    for start, _end in spans:
        loop = _FOR.match(text, start + 2 + (text[start + 2 : start + 3] == "~"))
        if text[start] == "%" and loop:
            names.update(n for n in loop.groups() if n)
    return names


def _chains(expr: Expr, bound: set[str]) -> Iterator[tuple[int, int, tuple]]:
    """(start, end, parts) of each reference to rename, outermost first; for-expression names,
    template loop variables and object keys are left alone (index expressions and computed keys
    are still searched)."""
    stack: list[tuple[Expr, set[str]]] = [(expr, bound)]
    while stack:
        node, names = stack.pop()
        if isinstance(node, For):
            names = names | set(node.names)
        if isinstance(node, Reference):
            parts = node.parts
            root = parts[0]
            if root not in names and (root in _REFERENCE_ROOTS or len(parts) >= 2):
                yield node.start, node.end, parts
                continue
        if isinstance(node, Object):
            inside = [
                e
                for item in node.items
                for e in ((item.value,) if item.name is not None else (item.key, item.value))
            ]
        else:
            inside = node.children()
        stack.extend((c, names) for c in reversed(inside))


def _variable_name(parts: tuple) -> str:
    words = [p for p in parts if isinstance(p, str)]
    if words[:1] in (["var"], ["local"], ["data"], ["module"]) and len(words) > 1:
        words = words[1:]
    return "_".join(w.replace("-", "_") for w in words)


def _template(module: Module, text: str) -> TemplateFile | None:
    spans = sequences(text)
    if spans is None:
        return None
    bound = _bound_names(text, spans)
    template = TemplateFile(text="")
    taken: dict[str, str] = {}  # template variable -> source
    by_source: dict[str, str] = {}
    out, position = [], 0
    for start, end in spans:
        if "\n" in text[start:end]:
            return None  # a sequence spanning lines: the heredoc's indentation rule would apply inside
        span = _expression_span(text, start, end)
        if span is None:
            return None
        expr_start, expr_end = span
        if expr_start == expr_end:
            continue
        expression = text[expr_start:expr_end]
        parsed = parse_expression(expression.strip())
        if parsed is None:
            return None
        offset = expr_start + (len(expression) - len(expression.lstrip()))
        for chain_start, chain_end, parts in sorted(_chains(parsed, bound)):
            source = text[offset + chain_start : offset + chain_end]
            if source not in by_source:
                name = _variable_name(parts)
                if not name:
                    return None
                unique, n = name, 2
                while unique in taken or unique in bound:
                    unique = f"{name}_{n}"
                    n += 1
                taken[unique] = source
                by_source[source] = unique
            out.append(text[position : offset + chain_start])
            out.append(by_source[source])
            position = offset + chain_end
    out.append(text[position:])
    template.text = "".join(out)
    template.variables = taken
    return template


# --- the fix -------------------------------------------------------------------------------------


def _extension(text: str) -> str:
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("#cloud-config"):
        return ".yaml"
    if first.lower().startswith(("<powershell>", "<script>")):
        return ".ps1"
    return ".sh"


def _same_rendering(module: Module, script: Script, template: TemplateFile) -> bool | None:
    """Whether the template renders to what the inline script evaluates to, with every
    reference standing for a distinct marker; None when either cannot be evaluated."""
    markers = {source: f"\x00{i}\x00" for i, source in enumerate(template.variables.values())}
    scope: dict[str, Any] = {}
    for source, marker in markers.items():
        parts = source.split(".")
        if any(not re.fullmatch(r"[A-Za-z_][\w-]*", p) for p in parts):
            return None  # an indexed reference: the evaluator's scope cannot stand in for it
        node = scope
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                return None
        node[parts[-1]] = marker
    before = evaluate(module, script.expr, scope)
    rendered = template_of(template.text)
    if rendered is None:
        return None
    after = evaluate(module, rendered, {name: markers[source] for name, source in template.variables.items()})
    if before is UNKNOWN or after is UNKNOWN:
        return None
    return before == after


def _fix(module: Module, block: Block, attr: Attribute, script: Script, stem: str) -> Fix | None:
    if not script.exact:
        return None
    template = _template(module, script.text)
    if template is None or _same_rendering(module, script, template) is False:
        return None
    prefix = module_prefix(module)
    extension = _extension(script.text)
    if template.variables:
        relative = f"templates/{stem}-user-data{extension}.tftpl"
        width = max(len(n) for n in template.variables)
        items = "".join(f"  {n.ljust(width)} = {s}\n" for n, s in template.variables.items())
        call = f'templatefile("${{path.module}}/{relative}", {{\n{items}}})'
        content = template.text
    else:
        relative = f"templates/{stem}-user-data{extension}"
        call = f'file("${{path.module}}/{relative}")'
        content = script.text.replace("$${", "${").replace("%%{", "%{")
    value = f"{script.wrapper}({call})" if script.wrapper else call
    edits = [*update_attributes(block, [(attr.name, value)]), new_file(prefix + relative, content)]
    how = "templatefile()" if template.variables else "file()"
    return Fix.safe(
        f"Move the script to {prefix}{relative} and read it with {how}"
        + (f" ({_count(len(template.variables))})" if template.variables else ""),
        *edits,
    )


def _count(n: int) -> str:
    return f"{n} template variable" + ("" if n == 1 else "s")
