"""What `terraform validate` rejects in a module, checked in process (the action's container has no
Terraform binary), so that no fix is offered that would leave invalid Terraform behind:

- every name declared once per kind: variables, locals, outputs, module calls, resources and data
  sources per type, provider configurations (name and alias);
- every reference resolves: `var.`, `local.`, `module.`, `data.` and resource addresses, an instance
  key exactly where the resource has `count` or `for_each`, the attribute after it in the provider
  schema, `count.`/`each.` only in blocks that set `count`/`for_each`, provider aliases declared;
- every argument and nested block of an AWS resource, data source or provider configuration exists in
  the provider schema (fixers/aws_schema.json, made by scripts/extract_provider_schema.py) with the
  right nesting, is settable, and every required argument and block is there.

A module's problems are keyed by what they are about (never by file or offset), so that verification
can tell the problems an edit brings from those the module already had: a fix is not blamed for the
user's own mistakes, and a block moved or re-parsed elsewhere keeps its keys. (Dependency cycles are
`ReferenceGraph.cycle`.)
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lark import Tree

from fixers.evaluate import Index, heredoc_template, traversals
from fixers.model import Attribute, Block
from fixers.module import Module

PROVIDER_PREFIX = "aws_"

# Roots of references that are not resources; `path.` and `terraform.` always resolve, `self.` only
# inside provisioners and conditions, `ephemeral.` names ephemeral resources (neither is checked).
_SPECIAL_ROOTS = {"var", "local", "module", "data", "count", "each", "self", "path", "terraform", "ephemeral"}
_RESOURCE_META = {"count", "for_each", "provider", "depends_on"}
_RESOURCE_META_BLOCKS = {"lifecycle", "provisioner", "connection"}
_PROVIDER_META = {"alias", "version"}


@functools.cache
def schema() -> dict[str, Any]:
    """The provider schema extract (see scripts/extract_provider_schema.py)."""
    data = json.loads(Path(__file__).with_name("aws_schema.json").read_text(encoding="utf-8"))
    data["resource_type_names"] = frozenset(data["resource_type_names"])
    data["data_source_type_names"] = frozenset(data["data_source_type_names"])
    return data


def covered(kind: str, type_name: str) -> bool:
    """Does the extract hold the arguments and blocks of this resource ("resource") or data source
    ("data") type?"""
    return type_name in schema()["resources" if kind == "resource" else "data_sources"]


def new_problem(before: Module, after: Module) -> str | None:
    """The first problem `after` has that `before` did not (in a stable order), or None."""
    old = before.memo("terraform problems", lambda: problems(before))
    fresh = after.memo("terraform problems", lambda: problems(after))
    for key in sorted(fresh.keys() - old.keys()):
        return fresh[key]
    return None


def problems(module: Module) -> dict[tuple, str]:
    """Every problem of `module` that `terraform validate` reports: key -> message."""
    found: dict[tuple, str] = {}
    for key, message in _duplicates(module):
        found.setdefault(key, message)
    for key, message in _unresolved(module):
        found.setdefault(key, message)
    for key, message in _schema_problems(module):
        found.setdefault(key, message)
    return found


# --- names declared once ------------------------------------------------------------------------


def _where(node: Block | Attribute) -> str:
    return f"{node.path}:{node.line}"


def _declarations(module: Module) -> Iterator[tuple[str, str, Block | Attribute]]:
    """(kind, name, declaring node) for every name the module declares."""
    for block in module.blocks:
        if block.type == "variable":
            yield "variable", block.labels[0], block
        elif block.type == "output":
            yield "output", block.labels[0], block
        elif block.type == "module":
            yield "module call", block.labels[0], block
        elif block.type == "resource":
            yield "resource", block.address, block
        elif block.type == "data":
            yield "data source", block.address, block
        elif block.type == "locals":
            for attr in block.attribute_list:
                yield "local value", attr.name, attr
        elif block.type == "provider":
            alias = _alias(block)
            if alias is not False:
                yield "provider configuration", block.labels[0] + (f".{alias}" if alias else ""), block


def _alias(provider: Block) -> str | bool | None:
    """The provider block's alias, None without one, False when it is not a literal."""
    attr = provider.get("alias")
    if attr is None:
        return None
    value = attr.value()
    return value if isinstance(value, str) else False


def _duplicates(module: Module) -> Iterator[tuple[tuple, str]]:
    first: dict[tuple[str, str], Block | Attribute] = {}
    for kind, name, node in _declarations(module):
        if (kind, name) not in first:
            first[kind, name] = node
            continue
        yield (
            ("duplicate", kind, name),
            f"Duplicate {kind}: {name} is declared at {_where(first[kind, name])} and again at {_where(node)}",
        )


# --- references ---------------------------------------------------------------------------------


def _bound_names(expr: Tree) -> set[str]:
    """Names a `for` expression or template `for` directive binds inside `expr`."""
    names: set[str] = set()
    stack: list[Any] = [expr]
    while stack:
        node = stack.pop()
        if not isinstance(node, Tree):
            continue
        if node.data in ("for_intro", "template_for_start"):
            for child in node.children:
                if isinstance(child, Tree) and child.data == "identifier":
                    names.add(str(child.children[0]))
        elif node.data in ("heredoc_template", "heredoc_template_trim") and node.children:
            inner = heredoc_template(str(node.children[0]), node.data == "heredoc_template_trim")
            if inner is not None:
                stack.append(inner)
            continue
        stack.extend(node.children)
    return names


def _iterator_names(block: Block) -> set[str]:
    """The iterators of the `dynamic` blocks `block` sits in (`ingress.value`)."""
    names: set[str] = set()
    node: Block | None = block
    while node is not None:
        if node.type == "dynamic" and node.labels:
            iterator = node.get("iterator")
            names.add(iterator.source.strip() if iterator is not None else node.labels[0])
        node = node.parent
    return names


def _checked_attributes(block: Block) -> Iterator[tuple[Block, Attribute]]:
    """(nested block, attribute) for every attribute of a top-level block whose references are
    Terraform expressions. Left out: a variable's `type`, `lifecycle.ignore_changes` (paths inside
    the resource), the addresses of `moved`/`import`/`removed`, and provider references (checked
    on their own)."""
    if block.type in ("terraform", "moved", "import", "removed"):
        return
    for inner in block.walk():
        for attr in inner.attribute_list:
            if (
                inner is block
                and attr.name in ("provider", "providers")
                and block.type
                in (
                    "resource",
                    "data",
                    "module",
                )
            ):
                continue
            if inner is block and block.type == "variable" and attr.name == "type":
                continue
            if inner.type == "lifecycle" and attr.name == "ignore_changes":
                continue
            yield inner, attr


# Verification checks many versions of one module, which differ in a few blocks: the references of
# an expression are kept by its text (the same text parses to the same references).
_REFERENCES: dict[str, list[tuple[tuple, frozenset[str]]]] = {}
_REFERENCES_KEPT = 20_000


def _references(attr: Attribute) -> list[tuple[tuple, frozenset[str]]]:
    """(traversal, names bound where it is) for each traversal of two or more steps in `attr`."""
    text = attr.source
    found = _REFERENCES.get(text)
    if found is None:
        parts = [p for p in traversals(attr.expr) if len(p) >= 2 and isinstance(p[0], str)]
        bound = frozenset(_bound_names(attr.expr)) if parts else frozenset()
        found = [(p, bound) for p in parts]
        if len(_REFERENCES) >= _REFERENCES_KEPT:
            _REFERENCES.clear()
        _REFERENCES[text] = found
    return found


def _unresolved(module: Module) -> Iterator[tuple[tuple, str]]:
    variables = set(module.variables)
    locals_ = set(module.locals)
    modules = {b.labels[0] for b in module.of_type("module")}
    for block in module.blocks:
        top_meta = {name for name in ("count", "for_each") if block.has(name)}
        source = block.address
        for inner, attr in _checked_attributes(block):
            where = f"local.{attr.name}" if block.type == "locals" else source
            iterators: set[str] | None = None
            for parts, bound in _references(attr):
                root = parts[0]
                if root in bound:
                    continue
                if iterators is None:
                    iterators = _iterator_names(inner)
                if root in iterators:
                    continue
                problem = _reference_problem(module, parts, top_meta, variables, locals_, modules)
                if problem is not None:
                    target, message = problem
                    yield ("reference", where, target), f"{where} ({_where(attr)}): {message}"
    for key, message in _provider_references(module):
        yield key, message


def _reference_problem(
    module: Module,
    parts: tuple,
    top_meta: set[str],
    variables: set[str],
    locals_: set[str],
    modules: set[str],
) -> tuple[str, str] | None:
    root, name = parts[0], parts[1]
    if not isinstance(name, str):
        return None
    if root == "var":
        return (
            None
            if name in variables
            else (f"var.{name}", f"reference to undeclared input variable var.{name}")
        )
    if root == "local":
        return (
            None
            if name in locals_
            else (f"local.{name}", f"reference to undeclared local value local.{name}")
        )
    if root == "module":
        return (
            None if name in modules else (f"module.{name}", f"reference to undeclared module module.{name}")
        )
    if root == "count":
        return (
            None if "count" in top_meta else ("count", f'reference to "count.{name}" where count is not set')
        )
    if root == "each":
        return (
            None
            if "for_each" in top_meta
            else ("each", f'reference to "each.{name}" where for_each is not set')
        )
    if root in _SPECIAL_ROOTS - {"data"}:
        return None
    if root == "data":
        if len(parts) < 3 or not isinstance(parts[2], str):
            return None
        address, kind, type_name, rest = f"data.{name}.{parts[2]}", "data", name, parts[3:]
    else:
        address, kind, type_name, rest = f"{root}.{name}", "resource", root, parts[2:]
    target = module.find(address) or (_scoped_data(module).get(address) if kind == "data" else None)
    if target is None or target.type != kind:
        what = "data source" if kind == "data" else "resource"
        return address, f"reference to undeclared {what} {address}"
    return _instance_problem(target, kind, type_name, address, rest)


def _scoped_data(module: Module) -> dict[str, Block]:
    """The data sources declared inside `check` blocks (referenced as `data.<type>.<name>` too)."""

    def collect() -> dict[str, Block]:
        found = {}
        for check in module.of_type("check"):
            for inner in check.nested("data"):
                if len(inner.labels) == 2:
                    found[f"data.{inner.labels[0]}.{inner.labels[1]}"] = inner
        return found

    return module.memo("check-scoped data sources", collect)


def _instance_problem(
    target: Block, kind: str, type_name: str, address: str, rest: tuple
) -> tuple[str, str] | None:
    """An instance key where the block has no `count`/`for_each`, none where it has one, or an
    attribute its type does not have."""
    repeated = target.has("count") or target.has("for_each")
    keyed = bool(rest) and isinstance(rest[0], Index)
    if keyed and not repeated:
        return address, f"{address} has no count or for_each, so it takes no instance key"
    if repeated and not keyed and rest:
        return address, f"{address} has count or for_each: its attributes need an instance key"
    steps = rest[1:] if keyed else rest
    if not steps or not isinstance(steps[0], str) or not covered(kind, type_name):
        return None
    body = schema()["resources" if kind == "resource" else "data_sources"][type_name]
    attribute = steps[0]
    if attribute in body["attributes"] or attribute in body.get("blocks", {}):
        return None
    return f"{address}.{attribute}", f"{address} has no attribute {attribute!r} (hashicorp/aws schema)"


def _declared_aliases(module: Module) -> set[str]:
    """`aws.west` for every provider configuration and configuration alias the module declares."""
    declared = set()
    for provider in module.of_type("provider"):
        alias = _alias(provider)
        if isinstance(alias, str):
            declared.add(f"{provider.labels[0]}.{alias}")
    for terraform in module.of_type("terraform"):
        for required in terraform.nested("required_providers"):
            for attr in required.attribute_list:
                declared |= {".".join(p) for p in traversals(attr.expr) if len(p) == 2}
    return declared


def _provider_values(expr: Tree) -> list[tuple]:
    """The provider configurations `provider = aws.west` or `providers = { aws.east = aws.west }`
    names: in a `providers` map only the values (the keys are the child module's names)."""
    elements = [n for n in expr.iter_subtrees_topdown() if n.data == "object_elem"]
    if not elements:
        return traversals(expr)
    return [parts for element in elements for parts in traversals(element.children[-1])]


def _provider_references(module: Module) -> Iterator[tuple[tuple, str]]:
    declared: set[str] | None = None
    for block in module.blocks:
        if block.type not in ("resource", "data", "module"):
            continue
        for name in ("provider", "providers"):
            attr = block.get(name)
            if attr is None:
                continue
            for parts in _provider_values(attr.expr):
                if len(parts) != 2 or not all(isinstance(p, str) for p in parts):
                    continue
                if declared is None:
                    declared = _declared_aliases(module)
                reference = ".".join(parts)
                if reference not in declared:
                    yield (
                        ("reference", block.address, f"provider.{reference}"),
                        f"{block.address} ({_where(attr)}): reference to undeclared provider configuration "
                        f"{reference}",
                    )


# --- the provider schema ------------------------------------------------------------------------


def _schema_problems(module: Module) -> Iterator[tuple[tuple, str]]:
    data = schema()
    for block in module.blocks:
        if block.type == "provider" and block.labels[:1] == ["aws"]:
            yield from _body_problems(block, data["provider_config"], block.address, _PROVIDER_META, set())
            continue
        if block.type not in ("resource", "data") or not block.resource_type.startswith(PROVIDER_PREFIX):
            continue
        kind, type_name = block.type, block.resource_type
        names = data["resource_type_names" if kind == "resource" else "data_source_type_names"]
        if type_name not in names:
            what = "resource" if kind == "resource" else "data source"
            yield (
                ("schema", block.address, "type"),
                f"{block.address} ({_where(block)}): the provider hashicorp/aws {data['provider_version']} "
                f"has no {what} type {type_name}",
            )
            continue
        if not covered(kind, type_name):
            continue
        body = data["resources" if kind == "resource" else "data_sources"][type_name]
        meta_blocks = _RESOURCE_META_BLOCKS if kind == "resource" else {"lifecycle"}
        yield from _body_problems(block, body, block.address, _RESOURCE_META, meta_blocks)


def _body_problems(
    block: Block, body: dict[str, Any], path: str, meta: set[str], meta_blocks: set[str]
) -> Iterator[tuple[tuple, str]]:
    attributes: dict[str, str] = body["attributes"]
    nested: dict[str, dict[str, Any]] = body.get("blocks", {})
    for attr in block.attribute_list:
        if attr.name in meta:
            continue
        kind = attributes.get(attr.name)
        if kind is None:
            hint = f"; {attr.name} is a block, not an argument" if attr.name in nested else ""
            yield (
                ("schema", path, "argument", attr.name),
                f"{path} ({_where(attr)}): unsupported argument {attr.name!r}{hint}",
            )
        elif kind == "computed":
            yield (
                ("schema", path, "computed", attr.name),
                f"{path} ({_where(attr)}): {attr.name!r} is set by AWS and cannot be configured",
            )
    counts: dict[str, int] = defaultdict(int)
    dynamic: set[str] = set()
    for inner in block.blocks:
        if inner.type in meta_blocks:
            continue
        name = inner.labels[0] if inner.type == "dynamic" and inner.labels else inner.type
        schema_block = nested.get(name)
        if schema_block is None and attributes.get(name, "").endswith("-blocks"):
            counts[name] += 1  # a list of objects written as blocks: Terraform accepts both forms
            continue
        if schema_block is None:
            hint = f"; {name} is an argument, not a block" if name in attributes else ""
            yield (
                ("schema", path, "block", name),
                f"{path} ({_where(inner)}): unsupported block type {name!r}{hint}",
            )
            continue
        if inner.type == "dynamic":
            dynamic.add(name)
            for content in inner.nested("content"):
                yield from _body_problems(content, schema_block, f"{path}.{name}", set(), set())
            continue
        counts[name] += 1
        yield from _body_problems(inner, schema_block, f"{path}.{name}", set(), set())
    present = set(block.attributes) | {name for name, n in counts.items() if n} | dynamic
    for name, kind in attributes.items():
        if kind.startswith("required") and name not in present:
            yield (
                ("schema", path, "required", name),
                f"{path} ({_where(block)}): the required argument {name!r} is missing",
            )
    for name, schema_block in nested.items():
        if name in dynamic:
            continue
        least, most = schema_block.get("min", 0), schema_block.get("max", 0)
        if counts[name] < least:
            yield (
                ("schema", path, "blocks", name),
                f"{path} ({_where(block)}): at least {least} {name!r} block(s) required, found {counts[name]}",
            )
        if most and counts[name] > most:
            yield (
                ("schema", path, "blocks", name),
                f"{path} ({_where(block)}): at most {most} {name!r} block(s) allowed, found {counts[name]}",
            )
