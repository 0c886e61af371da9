"""A Terraform module (one directory): its files, blocks, values and references."""

from __future__ import annotations

import contextlib
import contextvars
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lark import Tree

from fixers.findings import ErrorKind, ScanError
from fixers.hcl.parser import HclSyntaxError, parse
from fixers.hcl.source import SourceText
from fixers.limits import REGEX_MODULE_SECONDS
from fixers.model import Attribute, Block, blocks_of_file
from fixers.semantic.references import Reference, ReferenceGraph


@dataclass
class ParsedFile:
    source: SourceText
    tree: Tree | None
    error: ScanError | None = None


# The modules built since the innermost `released_afterwards()` began (weakly: a module that is
# dropped early is freed as usual).
_built_here: contextvars.ContextVar[weakref.WeakSet | None] = contextvars.ContextVar(
    "tapfix_modules_built_here", default=None
)


@contextlib.contextmanager
def released_afterwards() -> Iterator[None]:
    """Every `Module` built inside the block (the scanned module, and each one fix verification
    builds) is `release`d when the block ends. For a unit of work whose result holds no model
    object, such as scanning or fixing one module (findings and errors are plain data). Also
    usable as a decorator."""
    built: weakref.WeakSet = weakref.WeakSet()
    token = _built_here.set(built)
    try:
        yield
    finally:
        _built_here.reset(token)
        for module in list(built):
            module.release()


# Blocks inside blocks, as deep as any configuration goes and then some: the model is built (and
# walked) recursively, so a file nesting 1,000 blocks would otherwise end in a RecursionError.
MAX_BLOCK_DEPTH = 100


def parse_file(source: SourceText) -> ParsedFile:
    try:
        tree = parse(source.text)
    except HclSyntaxError as exc:
        return ParsedFile(
            source,
            None,
            ScanError(
                kind=ErrorKind.PARSE, path=source.path, line=exc.line, column=exc.column, message=exc.message
            ),
        )
    too_deep = _block_deeper_than(tree, MAX_BLOCK_DEPTH)
    if too_deep is not None:
        line, column = too_deep.meta.line, too_deep.meta.column
        message = f"blocks nested more than {MAX_BLOCK_DEPTH} deep; tapfix reads up to that depth"
        return ParsedFile(
            source,
            None,
            ScanError(kind=ErrorKind.PARSE, path=source.path, line=line, column=column, message=message),
        )
    return ParsedFile(source, tree)


def _block_deeper_than(tree: Tree, limit: int) -> Tree | None:
    """The first block nested deeper than `limit`, found without recursion (blocks sit in bodies)."""
    stack: list[tuple[Tree, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "block":
                if depth + 1 > limit:
                    return child
                stack.append((child, depth + 1))
            elif child.data in ("body", "start"):
                stack.append((child, depth))
    return None


@dataclass(eq=False)
class Module:
    path: str  # the directory, relative to the scan root ("." for the root)
    files: dict[str, ParsedFile]
    tfvars: dict[str, ParsedFile] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    # The problems of its files (unreadable, not parsing, blocks Terraform rejects), found while it
    # was built: TAP000 reports them. What goes wrong while rules run is returned by `run_rules`.
    errors: list[ScanError] = field(default_factory=list)
    neighbours: set[str] = field(default_factory=set)  # names of the directory's other files
    # Where `file()`/`templatefile()` read the module's own files (fixers.module_files), and the
    # files fixes being verified would create or rewrite (path from the scan root -> text).
    file_source: Any = None
    created: dict[str, str] = field(default_factory=dict)
    _by_address: dict[str, Block] = field(default_factory=dict)
    _locals: dict[str, Attribute] = field(default_factory=dict)
    _tfvar_values: dict[str, Attribute] = field(default_factory=dict)
    # The values a module call gives (name -> value, UNKNOWN where the caller cannot know it), or None
    # for a module scanned on its own (tfvars, TF_VAR_* and defaults give them).
    inputs: dict[str, Any] | None = None
    # name -> the module a `module "name"` call reads, with the call's inputs, or None when the call
    # is not followed (set by the engine; None here: module outputs are unknown).
    called: Callable[[str], Module | None] | None = None
    # `TF_VAR_name` values (name -> text), below every tfvars file in precedence, as in Terraform.
    environment: dict[str, str] = field(default_factory=dict)
    _environment_values: dict[str, Attribute | None] = field(default_factory=dict)
    _eval_cache: dict[Any, Any] = field(default_factory=dict)
    _memo: dict[Any, Any] = field(default_factory=dict)
    _evaluating: set[str] = field(default_factory=set)
    _claimed: set[str] = field(default_factory=set)  # addresses fixes of this scan already chose
    # CPU seconds left for the regular expressions of all the evaluations of this module's values.
    regex_seconds_left: list[float] = field(default_factory=lambda: [REGEX_MODULE_SECONDS])

    @classmethod
    def build(cls, path: str, files: Iterable[ParsedFile], tfvars: Iterable[ParsedFile] = ()) -> Module:
        module = cls(
            path=path, files={f.source.path: f for f in files}, tfvars={f.source.path: f for f in tfvars}
        )
        for parsed in module.files.values():
            if parsed.error is not None:
                module.errors.append(parsed.error)
                continue
            for block in blocks_of_file(parsed.source, parsed.tree):
                problem = _label_problem(block)
                if problem is not None:
                    module.errors.append(problem)
                    continue
                module.blocks.append(block)
        for block in module.blocks:
            for inner in block.walk():
                inner.module = module
            module._by_address.setdefault(block.address, block)
            if block.type == "locals":
                for attr in block.attribute_list:
                    module._locals[attr.name] = attr
        built = _built_here.get()
        if built is not None:
            built.add(module)
        for parsed in module.tfvars.values():
            if parsed.tree is None:
                continue
            holder = Block(
                "tfvars", [], parsed.source, 0, len(parsed.source.text), 0, len(parsed.source.text)
            )
            holder.module = module
            from fixers.model import build_body

            attrs, _ = build_body(parsed.source, parsed.tree.children[0], holder)
            for attr in attrs:
                module._tfvar_values[attr.name] = attr
        return module

    def release(self) -> None:
        """Break the model's reference cycles (blocks point back at their module and parent block,
        attributes at their block), so that reference counting frees the module, its blocks and its
        parse trees as soon as the last reference to the module goes. Left to the cyclic collector,
        finding them took a sixth of a corpus scan's CPU time, and the trees of finished modules
        waited in memory until it ran. The module is empty afterwards."""
        for block in self.blocks:
            for inner in block.walk():
                inner.module = inner.parent = None
                for attr in inner.attribute_list:
                    attr.block = None
        for attr in self._tfvar_values.values():
            attr.block = None
        for attr in self._environment_values.values():
            if attr is not None:
                attr.block = None
        self.blocks, self._by_address, self._locals, self._tfvar_values = [], {}, {}, {}
        self._environment_values = {}
        self._eval_cache, self._memo = {}, {}
        self.called = None  # its closure holds the module

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()`, once per module and key (and per block count, as blocks can be added).
        For what rules derive from the whole module and ask again per block they check; the
        answers live and die with the module."""
        full = (key, len(self.blocks))
        if full not in self._memo:
            self._memo[full] = compute()
        return self._memo[full]

    # -- lookups ----------------------------------------------------------------------------
    def resources(self, *types: str) -> list[Block]:
        if len(types) == 1:
            return list(self._resources_of(types[0]))
        if not types:
            return list(self._of_kind("resource"))
        position = self._index()[2]
        return sorted((b for t in set(types) for b in self._resources_of(t)), key=lambda b: position[id(b)])

    def _index(self) -> tuple[dict[str, list[Block]], dict[str, list[Block]], dict[int, int]]:
        # Rules ask for one kind or type per block they check: scanning every block each time made
        # large modules quadratic.
        return self.memo("block index", self._build_index)

    def _build_index(self) -> tuple[dict[str, list[Block]], dict[str, list[Block]], dict[int, int]]:
        by_kind: dict[str, list[Block]] = defaultdict(list)
        by_type: dict[str, list[Block]] = defaultdict(list)
        position: dict[int, int] = {}
        for i, block in enumerate(self.blocks):
            by_kind[block.type].append(block)
            position[id(block)] = i
            if block.type == "resource" and block.labels:
                by_type[block.labels[0]].append(block)
        return by_kind, by_type, position

    def in_order(self, blocks: Iterable[Block], resource_type: str) -> list[Block]:
        """The resources of `resource_type` among `blocks` (top-level blocks of this module), once
        each, in module order."""
        position = self._index()[2]
        chosen = {id(b): b for b in blocks if b.type == "resource" and b.labels[:1] == [resource_type]}
        return sorted(chosen.values(), key=lambda b: position.get(id(b), -1))

    def _resources_of(self, resource_type: str) -> list[Block]:
        return self._index()[1].get(resource_type, [])

    def _of_kind(self, block_type: str) -> list[Block]:
        return self._index()[0].get(block_type, [])

    def data_sources(self, *types: str) -> list[Block]:
        return [b for b in self._of_kind("data") if not types or b.labels[0] in types]

    def of_type(self, block_type: str) -> list[Block]:
        return list(self._of_kind(block_type))

    @property
    def variables(self) -> dict[str, Block]:
        return {b.labels[0]: b for b in self._of_kind("variable") if b.labels}

    @property
    def locals(self) -> dict[str, Attribute]:
        return self._locals

    def find(self, address: str) -> Block | None:
        return self._by_address.get(address)

    def claim_name(self, prefix: str, *wanted: str, taken: Iterable[str] = ()) -> str:
        """A name for something a fix declares (`prefix` "var", "local", "output", "module", a
        resource type or "data.<type>"): the first of `wanted` that the module does not declare and
        no other fix of this scan has claimed (nor `taken`), else the last one with a number. The claim
        makes the fixes of one scan, which `tapfix fix` applies together, declare distinct names."""
        taken = set(taken)

        def free(name: str) -> bool:
            address = f"{prefix}.{name}"
            if name in taken:
                return False
            declared = name in self._locals if prefix == "local" else self.find(address) is not None
            return not declared and address not in self._claimed

        name = next((n for n in wanted if free(n)), None)
        n = 2
        while name is None:
            name = f"{wanted[-1]}_{n}" if free(f"{wanted[-1]}_{n}") else None
            n += 1
        self._claimed.add(f"{prefix}.{name}")
        return name

    def file(self, path: str) -> SourceText | None:
        parsed = self.files.get(path)
        return parsed.source if parsed else None

    @property
    def sources(self) -> dict[str, SourceText]:
        return {p: f.source for p, f in self.files.items()}

    def read_file(self, relative: str) -> bytes | None:
        """A file of the module's folder (`relative` to it, already checked to stay inside), as a fix
        would leave it or as it is; None when it cannot be read."""
        from fixers.module_files import scan_path

        path = scan_path(self.path, relative)
        if path in self.created:
            return self.created[path].encode("utf-8")
        return self.file_source.read_in_module(self.path, relative) if self.file_source is not None else None

    def variable_value_attribute(self, name: str) -> Attribute | None:
        """Where `var.name`'s value comes from: a tfvars assignment (the last file in Terraform's
        order), else a `TF_VAR_name` environment variable, else the default."""
        if name in self._tfvar_values:
            return self._tfvar_values[name]
        variable = self.variables.get(name)
        if variable is None:
            return None
        if name in self.environment:
            if name not in self._environment_values:
                self._environment_values[name] = self._environment_value(name, variable)
            if self._environment_values[name] is not None:
                return self._environment_values[name]
        return variable.get("default")

    def _environment_value(self, name: str, variable: Block) -> Attribute | None:
        """`TF_VAR_name` as Terraform reads it: the text itself for a variable of a primitive (or no)
        type, an HCL expression for a collection or structural type; None when it does not parse."""
        from fixers.model import build_body

        text = self.environment[name]
        declared = variable.get("type")
        kind = declared.source.strip() if declared is not None else ""
        if kind in ("", "string", "number", "bool", "any"):
            escaped = "".join(_HCL_ESCAPES.get(c, c if c >= " " else f"\\u{ord(c):04x}") for c in text)
            escaped = escaped.replace("${", "$${").replace("%{", "%%{")
            line = f'value = "{escaped}"\n'
        else:
            line = f"value = {text}\n"
        source = SourceText(path=f"TF_VAR_{name}", text=line)
        try:
            tree = parse(source.text)
        except HclSyntaxError:
            return None
        holder = Block("tfvars", [], source, 0, len(line), 0, len(line))
        holder.module = self
        attrs, _ = build_body(source, tree.children[0], holder)
        return attrs[0] if len(attrs) == 1 else None

    # -- references -------------------------------------------------------------------------
    def reference_graph(self) -> ReferenceGraph:
        """Who refers to what in this module (fixers.semantic.references), built once."""
        return self.memo("reference graph", lambda: ReferenceGraph(self))

    def references_to(self, address: str) -> list[Reference]:
        """Every place in the module that mentions `address` (e.g. "aws_security_group.app")."""
        return self.reference_graph().references_to(address)

    def referrers(self, block: Block, *types: str) -> list[Block]:
        """Top-level blocks (optionally of the given resource types) that mention `block`."""
        return self.reference_graph().referrers(block, *types)

    def iter_attributes(self) -> Iterator[Attribute]:
        for block in self.blocks:
            for inner in block.walk():
                yield from inner.attribute_list


_HCL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}

# The labels each top-level block type takes. Terraform rejects other counts ("Missing name for
# resource"), and rules read labels by position, so such a block is reported instead of modelled.
_LABELS = {
    "resource": ("type", "name"),
    "data": ("type", "name"),
    "ephemeral": ("type", "name"),
    "variable": ("name",),
    "output": ("name",),
    "module": ("name",),
    "provider": ("name",),
    "check": ("name",),
    "locals": (),
    "terraform": (),
    "moved": (),
    "import": (),
    "removed": (),
}


def _label_problem(block: Block) -> ScanError | None:
    for inner in block.walk():
        if inner.parent is None:
            wanted = _LABELS.get(inner.type)
        else:
            wanted = ("block type",) if inner.type == "dynamic" else None
        if wanted is None or len(inner.labels) == len(wanted):
            continue
        line, column = inner.file.line_col(inner.start)
        takes = (
            f"{len(wanted)} label{'s' if len(wanted) != 1 else ''} ({', '.join(wanted)})"
            if wanted
            else "no label"
        )
        return ScanError(
            kind=ErrorKind.PARSE,
            path=inner.path,
            line=line,
            column=column,
            message=f"a {inner.type} block takes {takes}, this one has {len(inner.labels)}; Terraform rejects it",
        )
    return None
