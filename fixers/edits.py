"""The edit toolkit: minimal `TextEdit`s that keep comments and layout, formatted the way
`terraform fmt` formats them (two-space indents, "=" aligned across adjacent one-line
attributes, a blank line between top-level blocks).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fixers.findings import TextEdit
from fixers.hcl.source import SourceText
from fixers.model import Attribute, Block
from fixers.semantic.expressions import Expr, Template

INDENT = "  "


# --- writing HCL -----------------------------------------------------------------------------


def hcl_string(value: str) -> str:
    """A quoted HCL string literal; "${" and "%{" are escaped so nothing is interpolated."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("${", "$${").replace("%{", "%%{")


def hcl_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


@dataclass
class HclBlock:
    """A block to render: `header` is e.g. `resource "aws_s3_bucket_versioning" "logs"`.
    `items` are (name, value source) attributes, nested HclBlocks, or None for a blank line."""

    header: str
    items: list[tuple[str, str] | HclBlock | None] = field(default_factory=list)

    def render(self, indent: str = "") -> str:
        lines = [f"{indent}{self.header} {{"]
        lines.extend(_render_items(self.items, indent + INDENT))
        lines.append(f"{indent}}}")
        return "\n".join(lines)


def hcl_object(items: list[tuple[str, str] | None]) -> str:
    """An object constructor laid out as terraform fmt does, its lines relative to column 0."""
    rendered = HclBlock("_", list(items)).render()
    return "{" + rendered[len("_ {") :]


def hcl_tuple(values: list[str]) -> str:
    """A list laid out one element per line (multi-line elements, e.g. policy statements)."""
    if len(values) == 1:
        return f"[{values[0]}]"
    return "[\n" + "".join(f"  {indent_continuation(v, '  ')},\n" for v in values) + "]"


def indent_continuation(text: str, indent: str) -> str:
    """`text` with every line but the first (and but the empty ones) indented by `indent`: a
    multi-line value placed after text already indented."""
    first, *rest = text.split("\n")
    return "\n".join([first, *((indent + line) if line else "" for line in rest)])


def _render_items(items: Sequence[tuple[str, str] | HclBlock | None], indent: str) -> list[str]:
    out: list[str] = []
    chain: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(n) for n, v in chain if "\n" not in v), default=0)
        for name, value in chain:
            if "\n" in value:
                first, *rest = value.split("\n")
                out.append(f"{indent}{name} = {first}")
                out.extend(f"{indent}{line}" if line else "" for line in rest)
            else:
                out.append(f"{indent}{name.ljust(width)} = {value}")
        chain.clear()

    for item in items:
        if isinstance(item, tuple):
            _name, value = item
            if "\n" in value and not value.startswith("<<"):
                flush()
                chain.append(item)
                flush()
            else:
                chain.append(item)
        else:
            flush()
            if item is None:
                out.append("")
            else:
                out.append(item.render(indent))
    flush()
    return out


def string_with(attr: Attribute | None, prefix: str = "", suffix: str = "", fallback: str = "") -> str:
    """An HCL string `prefix + <attr's value> + suffix`, written from the attribute's source so the
    new resource gets no dependency on the one it copies from (which could form a cycle)."""
    literal_prefix, literal_suffix = _template_text(prefix), _template_text(suffix)
    if attr is None:
        return f'"{literal_prefix}{_template_text(fallback)}{literal_suffix}"'
    source = attr.source
    value = attr.expression
    if isinstance(value, Template) and not value.heredoc and "\n" not in source:
        return f'"{literal_prefix}{source[1:-1]}{literal_suffix}"'
    return f'"{literal_prefix}${{{source}}}{literal_suffix}"'


def _template_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${").replace("%{", "%%{")


def reusable_source(written: Attribute | Expr) -> bool:
    """True when an attribute's (or an expression's) source means the same thing copied into another
    resource: it names no `count`, `each` or `self` of the block it is written in."""
    from fixers.evaluate import traversals

    found = traversals(written.expr if isinstance(written, Attribute) else written)
    return not any(parts[:1] in (("count",), ("each",), ("self",)) for parts in found)


# --- positions ---------------------------------------------------------------------------------


def edit(file: SourceText, start: int, end: int, new_text: str) -> TextEdit:
    line, column = file.line_col(start)
    end_line, end_column = file.line_col(end)
    return TextEdit(
        path=file.path,
        start=start,
        end=end,
        new_text=new_text,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
    )


def new_file(path: str, text: str) -> TextEdit:
    return TextEdit(path=path, start=0, end=0, new_text=text, line=1, column=1, end_line=1, end_column=1)


# --- edits on blocks ---------------------------------------------------------------------------


def insert_after(block: Block, text: str) -> TextEdit:
    """Insert top-level block text after `block`, separated by one blank line."""
    return edit(block.file, block.end, block.end, "\n\n" + text.rstrip("\n"))


def insert_nested_block(block: Block, nested: HclBlock) -> TextEdit:
    """Append a nested block at the end of `block`'s body."""
    file = block.file
    text = nested.render(block.body_indent)
    close_line_start = file.line_start(file.line_col(block.body_end)[0])
    if file.text[close_line_start : block.body_end].strip():
        # `resource "x" "y" {}` on one line: open it up.
        return edit(file, block.body_end, block.body_end, "\n" + text + "\n" + block.indent)
    return edit(file, close_line_start, close_line_start, text + "\n")


def append_to_heredoc(heredoc: Template, lines: list[str]) -> TextEdit | None:
    """Add lines at the end of a heredoc's body, indented like the body (a `<<-` heredoc's common
    indentation). None for a quoted string, or a heredoc not written in a file."""
    if not heredoc.heredoc or heredoc.file is None:
        return None
    raw = heredoc.raw
    body_end = raw.rstrip("\r\n")
    marker_start = heredoc.start + body_end.rfind("\n") + 1
    body = raw[raw.index("\n") + 1 : body_end.rfind("\n") + 1]
    indent = ""
    if heredoc.trim:
        widths = [len(line) - len(line.lstrip(" ")) for line in body.split("\n") if line.strip()]
        indent = " " * min(widths, default=0)
    text = "\n" + "".join(f"{indent}{line}\n" if line else "\n" for line in lines)
    return edit(heredoc.file, marker_start, marker_start, text)


def replace_value(attr: Attribute, value_src: str) -> TextEdit:
    return edit(attr.file, attr.value_start, attr.value_end, value_src)


def remove_attribute(attr: Attribute) -> list[TextEdit]:
    """Delete the attribute's lines, and realign the "=" of the lines it was aligned with."""
    file = attr.file
    start = file.line_start(attr.line)
    end_line = attr.end_line
    end = file.line_start(end_line + 1) if end_line < file.line_count else len(file.text)
    edits = [edit(file, start, end, "")]
    block = attr.block
    if block is not None:
        chain = next((c for c in alignment_chains(block) if attr in c), [])
        rest = [a for a in chain if a is not attr]
        edits += _realign(rest, max((len(a.name) for a in rest), default=0))
    return edits


def set_attribute(block: Block, name: str, value_src: str, *, after: str | None = None) -> list[TextEdit]:
    """Set `name = value_src` in `block`: replace the value if the attribute exists, else insert
    a line (after the attribute `after`, or after the block's last plain attribute) and realign
    "=" across the one-line attributes it joins, as terraform fmt does."""
    existing = block.get(name)
    if existing is not None:
        return [replace_value(existing, value_src)]
    file = block.file
    anchor = block.get(after) if after else None
    if anchor is None:
        plain = [a for a in block.attribute_list if a.name not in ("depends_on",)]
        anchor = plain[-1] if plain else None
    indent = block.body_indent
    if anchor is None:
        # An empty body, or one with nested blocks only: insert as the first line.
        open_line = file.line_col(block.body_start)[0]
        close_line = file.line_col(block.body_end)[0]
        if open_line == close_line:
            return [
                edit(
                    file, block.body_start, block.body_end, f"\n{indent}{name} = {value_src}\n{block.indent}"
                )
            ]
        at = file.line_start(open_line + 1)
        first = min((i.line for i in block.items()), default=close_line)
        blank = "\n" if first <= close_line and block.items() else ""
        return [edit(file, at, at, f"{indent}{name} = {value_src}\n{blank}")]
    chains = alignment_chains(block)
    chain = next((c for c in chains if anchor in c), [])
    joins = anchor.single_line and "\n" not in value_src
    below = _next_item(block, anchor)
    if joins and isinstance(below, Attribute) and below.single_line and below.line == anchor.end_line + 1:
        chain = chain + next((c for c in chains if below in c and c is not chain), [])
    if not joins:
        chain = []
    width = max([len(name), *(len(a.name) for a in chain)]) if joins else len(name)
    at = file.line_end(anchor.end_line)
    value_lines = value_src.split("\n")
    rendered = value_lines[0] + "".join(f"\n{indent}{line}" if line else "\n" for line in value_lines[1:])
    edits = [edit(file, at, at, f"\n{indent}{name.ljust(width)} = {rendered}")]
    return _realign(chain, width) + edits


def _next_item(block: Block, item: Attribute) -> Attribute | Block | None:
    items = block.items()
    i = items.index(item)
    return items[i + 1] if i + 1 < len(items) else None


def alignment_chains(block: Block) -> list[list[Attribute]]:
    """Runs of adjacent one-line attributes whose "=" terraform fmt aligns."""
    chains: list[list[Attribute]] = []
    current: list[Attribute] = []
    previous: Attribute | Block | None = None
    for item in block.items():
        if isinstance(item, Attribute) and item.single_line:
            adjacent = (
                isinstance(previous, Attribute)
                and previous.single_line
                and item.line == previous.end_line + 1
            )
            if not adjacent and current:
                chains.append(current)
                current = []
            current.append(item)
        elif current:
            chains.append(current)
            current = []
        previous = item
    if current:
        chains.append(current)
    return chains


def _realign(chain: list[Attribute], width: int) -> list[TextEdit]:
    edits = []
    for attr in chain:
        file = attr.file
        eq = file.text.index("=", attr.eq_start)
        name_end = attr.eq_start
        wanted = " " * (width - len(attr.name) + 1)
        if file.text[name_end:eq] != wanted:
            edits.append(edit(file, name_end, eq, wanted))
    return edits


# --- applying ---------------------------------------------------------------------------------


class OverlappingEdits(ValueError):
    pass


def apply_edits(text: str, edits: Iterable[TextEdit], newline: str = "\n") -> str:
    """Apply edits of one file. Overlapping edits are an error; inserts at one offset keep order."""
    ordered = sorted(enumerate(edits), key=lambda p: (p[1].start, p[1].end, p[0]))
    out: list[str] = []
    pos = 0
    for _, e in ordered:
        if e.start < pos:
            raise OverlappingEdits(f"edits overlap at offset {e.start} of {e.path}")
        if e.end > len(text) or e.start > e.end:
            raise OverlappingEdits(f"edit out of range in {e.path}")
        out.append(text[pos : e.start])
        new_text = e.new_text.replace("\n", newline) if newline != "\n" else e.new_text
        out.append(new_text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def edits_overlap(a: Iterable[TextEdit], b: Iterable[TextEdit]) -> bool:
    """True when two fixes touch the same text (or insert at the same place) in one file."""
    for x in a:
        for y in b:
            if x.path != y.path:
                continue
            if x.start == x.end == y.start == y.end:
                return True
            if x.start < y.end and y.start < x.end:
                return True
            if x.start == x.end and y.start <= x.start <= y.end and y.start != y.end:
                return True
            if y.start == y.end and x.start <= y.start <= x.end and x.start != x.end:
                return True
    return False


# --- several changes in one block ------------------------------------------------------------


@dataclass
class _Line:
    """An item of a block body as it will be after an `update_attributes` edit."""

    name: str
    single_line: bool
    attr: Attribute | None = None  # the existing attribute, None for a new one
    value: str | None = None  # the new value source, None to keep the existing one
    rename: bool = False
    adjacent_above: bool = False  # no blank/comment line between it and the item above


def update_attributes(
    block: Block,
    set_values: Sequence[tuple[str, str]] = (),
    *,
    remove: Iterable[str] = (),
    rename: dict[str, tuple[str, str]] | None = None,
    after: Attribute | None = None,
) -> list[TextEdit]:
    """Several attribute changes in one block, realigned together as terraform fmt would.

    `set_values` replaces existing values or inserts new attributes (after `after`, else after
    the block's last plain attribute, in the given order); `remove` deletes attributes; `rename` replaces an
    attribute, name and value, where it stands. Calling set_attribute/remove_attribute once per
    change would realign the same lines more than once, and those edits would conflict."""
    rename = rename or {}
    removed = set(remove)
    wanted = dict(set_values)
    file = block.file
    items = block.items()
    existing = {a.name for a in block.attribute_list}
    new_names = [n for n, _ in set_values if n not in existing and n not in removed]
    kept_plain = [a for a in block.attribute_list if a.name not in removed and a.name not in ("depends_on",)]
    anchor = (
        after if after is not None and after.name not in removed else (kept_plain[-1] if kept_plain else None)
    )
    if anchor is None and new_names:
        edits = [e for a in block.attribute_list if a.name in removed for e in _delete_lines(a)]
        return edits + _insert_first(block, [(n, wanted[n]) for n in new_names])

    lines: list[_Line | None] = []  # None stands for a nested block
    previous: Attribute | Block | None = None
    # Whether the lines from the last kept item down to `previous` (removed ones) touch.
    touching = False
    for item in items:
        adjacent = touching and previous is not None and item.line == previous.end_line + 1
        if isinstance(item, Block):
            lines.append(None)
            previous, touching = item, True
            continue
        if item.name in removed:
            previous, touching = item, adjacent
            continue
        if item.name in rename:
            new_name, src = rename[item.name]
            line = _Line(new_name, "\n" not in src, item, src, rename=True)
        elif item.name in wanted:
            src = wanted[item.name]
            line = _Line(item.name, "\n" not in src or src.startswith("<<"), item, src)
        else:
            line = _Line(item.name, item.single_line, item)
        line.adjacent_above = adjacent
        lines.append(line)
        previous, touching = item, True
        if item is anchor:
            for n in new_names:
                value = wanted[n]
                lines.append(_Line(n, "\n" not in value, None, value, adjacent_above=True))

    widths = _chain_widths(lines)
    indent = block.body_indent
    edits: list[TextEdit] = []
    for a in block.attribute_list:
        if a.name in removed:
            edits.extend(_delete_lines(a))
    inserted: list[str] = []
    for line, width in zip(lines, widths, strict=True):
        if line is None:
            continue
        pad = line.name.ljust(width) if width else line.name
        if line.attr is None:
            inserted.append(f"\n{indent}{pad} = {_indent_value(line.value, indent)}")
        elif line.rename:
            edits.append(
                edit(
                    file, line.attr.start, line.attr.value_end, f"{pad} = {_indent_value(line.value, indent)}"
                )
            )
        else:
            if line.value is not None:
                edits.append(replace_value(line.attr, _indent_value(line.value, indent)))
            if line.single_line:
                edits.extend(_realign([line.attr], width or len(line.name)))
            elif line.value is not None:
                # A value that now spans lines leaves the "=" chain: one space, as terraform fmt writes it.
                edits.extend(_realign([line.attr], len(line.name)))
    if inserted:
        at = file.line_end(anchor.end_line)
        edits.append(edit(file, at, at, "".join(inserted)))
    return edits


def _chain_widths(lines: list[_Line | None]) -> list[int]:
    """For each line, the name width its "=" is aligned to (0 for multi-line values/blocks)."""
    widths = [0] * len(lines)
    chain: list[int] = []

    def flush() -> None:
        width = max((len(lines[i].name) for i in chain), default=0)
        for i in chain:
            widths[i] = width
        chain.clear()

    for i, line in enumerate(lines):
        if line is None or not line.single_line:
            flush()
            continue
        if chain and not line.adjacent_above:
            flush()
        chain.append(i)
    flush()
    return widths


def _indent_value(value: str, indent: str) -> str:
    first, *rest = value.split("\n")
    return first + "".join(f"\n{indent}{line}" if line else "\n" for line in rest)


def _delete_lines(attr: Attribute) -> list[TextEdit]:
    file = attr.file
    start = file.line_start(attr.line)
    end = file.line_start(attr.end_line + 1) if attr.end_line < file.line_count else len(file.text)
    return [edit(file, start, end, "")]


def _insert_first(block: Block, values: list[tuple[str, str]]) -> list[TextEdit]:
    file = block.file
    indent = block.body_indent
    width = max((len(n) for n, v in values if "\n" not in v), default=0)
    text = ""
    for name, value in values:
        padded = name if "\n" in value else name.ljust(width)
        text += f"{indent}{padded} = {_indent_value(value, indent)}\n"
    open_line = file.line_col(block.body_start)[0]
    close_line = file.line_col(block.body_end)[0]
    if open_line == close_line:
        return [edit(file, block.body_start, block.body_end, "\n" + text + block.indent)]
    at = file.line_start(open_line + 1)
    blank = "\n" if block.blocks else ""
    return [edit(file, at, at, text + blank)]


def remove_block(block: Block) -> TextEdit:
    """Delete a block with the comment lines directly above it, and one of the blank lines that
    separated it from its neighbours."""
    file = block.file
    first = block.line
    while first > 1 and file.line_text(first - 1).strip().startswith(("#", "//")):
        first -= 1
    last = block.end_line
    if file.line_text(last)[file.line_col(block.end)[1] - 1 :].strip():
        # Something else follows the closing brace on its line: delete the block's text only.
        return edit(file, block.start, block.end, "")
    # The last "line" of a file that ends with a newline is empty and is no separator.
    at_eof = last + 1 >= file.line_count and not file.line_text(file.line_count)
    if last < file.line_count and not at_eof and not file.line_text(last + 1).strip():
        last += 1
    elif first > 1 and not file.line_text(first - 1).strip():
        first -= 1
    start = file.line_start(first)
    end = file.line_start(last + 1) if last < file.line_count else len(file.text)
    return edit(file, start, end, "")


def replace_block_with_attribute(block: Block, name: str, value_src: str) -> list[TextEdit]:
    """Replace a nested block by the one-line attribute `name = value_src` where the block
    stands, realigning "=" with the one-line attributes directly above and below, as terraform
    fmt does (e.g. an `egress { ... }` block becoming `egress = []`)."""
    file = block.file
    parent = block.parent
    chain: list[Attribute] = []
    if parent is not None:
        chains = alignment_chains(parent)
        for attr in parent.attribute_list:
            touches = attr.end_line == block.line - 1 or attr.line == block.end_line + 1
            if attr.single_line and touches:
                chain += next((c for c in chains if attr in c and c[0] not in chain), [])
    width = max([len(name), *(len(a.name) for a in chain)])
    start = file.line_start(block.line)
    end = file.line_end(block.end_line)
    text = f"{block.indent}{name.ljust(width)} = {value_src}"
    return [*_realign(chain, width), edit(file, start, end, text)]


def add_depends_on(block: Block, address: str) -> list[TextEdit]:
    """Make `block` depend on `address`: append it to `depends_on`, or add the argument as a
    paragraph of its own at the end of the body."""
    file = block.file
    existing = block.get("depends_on")
    if existing is not None:
        source = existing.source
        if re.search(rf"(?<![\w.-]){re.escape(address)}(?![\w-])", source):
            return []  # already there (not merely a longer name that starts like it)
        inner = source[1:-1].strip().rstrip(",").strip()
        if "\n" not in source:
            return [replace_value(existing, f"[{inner}, {address}]" if inner else f"[{address}]")]
        close = existing.value_end - 1
        last = len(file.text[:close].rstrip()) - 1
        edits = []
        if file.text[last] not in ",[":
            edits.append(edit(file, last + 1, last + 1, ","))
        line_start = file.line_start(file.line_col(close)[0])
        return [*edits, edit(file, line_start, line_start, f"{block.body_indent}  {address},\n")]
    items = block.items()
    if not items:
        return []
    at = file.line_end(items[-1].end_line)
    return [edit(file, at, at, f"\n\n{block.body_indent}depends_on = [{address}]")]


def insert_before(block: Block, text: str) -> TextEdit:
    """Insert top-level block text before `block` and the comment lines directly above it
    (they belong to `block`), separated by one blank line."""
    file = block.file
    first = block.line
    while first > 1 and file.line_text(first - 1).strip().startswith(("#", "//")):
        first -= 1
    at = file.line_start(first)
    return edit(file, at, at, text.rstrip("\n") + "\n\n")


def insert_first_attribute(block: Block, name: str, value_src: str) -> list[TextEdit]:
    """Insert `name = value_src` as the first line of `block`'s body, realigning "=" across the
    run of one-line attributes it joins, as terraform fmt does."""
    file = block.file
    indent = block.body_indent
    open_line = file.line_col(block.body_start)[0]
    close_line = file.line_col(block.body_end)[0]
    if open_line == close_line:
        inner = file.text[block.body_start : block.body_end].strip()
        if inner:
            return []  # `x { a = 1 }` on one line: not a layout terraform fmt produces for blocks
        return [
            edit(file, block.body_start, block.body_end, f"\n{indent}{name} = {value_src}\n{block.indent}")
        ]
    items = block.items()
    first = items[0] if items else None
    joins = (
        "\n" not in value_src
        and isinstance(first, Attribute)
        and first.single_line
        and first.line == open_line + 1
    )
    chain = next((c for c in alignment_chains(block) if first in c), []) if joins else []
    width = max([len(name), *(len(a.name) for a in chain)])
    at = file.line_start(open_line + 1)
    line = f"{indent}{name.ljust(width) if joins else name} = {_indent_value(value_src, indent)}\n"
    return [*_realign(chain, width), edit(file, at, at, line)]
