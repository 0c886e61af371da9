"""TAP506: a provider configuration whose default_tags lack the required cost-allocation keys.

Which keys are required: the `required-tags` of `.tapfix.yml` when it states a tag policy. Without
one, a tag policy is the organisation's choice, not tapfix's: the rule then requires only the keys
the module's own resources show as its convention (set on their own by at least two, and by most,
of the taggable resources that use the provider) and that some of them forget.

One finding per `provider "aws"` block (its identity is the provider and its alias), never one
per resource: the keys belong in `default_tags`, which reaches every taggable resource using that
provider configuration, including those of child modules and those a later change adds. A
module without a `provider "aws"` block inherits its caller's configuration, whose default_tags
cannot be seen from here, so it gets no finding.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit, hcl_string, replace_value
from fixers.evaluate import UNKNOWN, evaluate, traversals
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import Object, ObjectItem
from fixers.variables import add_variables, variable_block

RULE = Rule(
    id="TAP506",
    name="cost-tags-missing",
    severity=Severity.LOW,
    why="Spend without the cost-allocation tags lands in a bucket nobody answers for.",
    fix=(Applicability.SAFE, Applicability.UNSAFE),
    fix_availability=FixAvailability.SOMETIMES,
    default=False,  # precision on public code: see its docs page
)

# Other names under which modules commonly hold a tag's value.
_SYNONYMS = {
    "environment": ("env", "stage"),
    "owner": ("team",),
    "cost_center": ("costcenter", "cost_centre"),
    "project": ("project_name",),
}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@functools.cache
def taggable_types() -> frozenset[str]:
    """aws_* resource types that have `tags_all`, i.e. that default_tags reaches (5.100.0)."""
    data = json.loads((Path(__file__).with_name("taggable_resources.json")).read_text(encoding="utf-8"))
    return frozenset(
        f"aws_{head}" + ("" if rest == "-" else f"_{rest}")
        for head, rests in data["types"].items()
        for rest in rests.split()
    )


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for provider in module.of_type("provider"):
        if provider.labels[:1] != ["aws"] or provider.dynamic("default_tags"):
            continue
        alias = provider.value("alias", None)
        if alias is not None and not isinstance(alias, str):
            continue
        default_tags = provider.nested("default_tags")
        tags_attr = default_tags[0].get("tags") if default_tags else None
        keys = _keys(module, tags_attr)
        if keys is None:
            continue  # the tags come from somewhere we cannot read: nothing to say
        if options.tag_policy:
            required = list(options.required_tags)
            why = f"required: {', '.join(required)}"
        else:
            required = _conventional_keys(module, alias)
            why = "the module's own convention: " + ", ".join(
                f"{n} of {total} resources set {k} themselves" for k, (n, total) in required.items()
            )
        missing = [k for k in required if k not in keys]
        if not missing:
            continue
        lacking, total = _resources_lacking(module, alias, missing)
        calls = _served_calls(module, alias)
        if total == 0 and not calls:
            continue  # a configuration nothing uses (an alias kept for later): it tags nothing
        where = 'provider "aws"' + (f" (alias {alias})" if alias else "")
        them = "it" if len(missing) == 1 else "them"
        if total == 0:
            shown = ", ".join(c.address for c in calls[:3]) + (", ..." if len(calls) > 3 else "")
            served = f"it serves the resources of {len(calls)} module call{'s' if len(calls) > 1 else ''} ({shown})"
            message = f"{where} has no {', '.join(missing)} in default_tags ({why}): {served}, which get none"
        else:
            message = (
                f"{where} has no {', '.join(missing)} in default_tags ({why}): "
                f"{lacking} of {total} taggable resources using it do not set {them}"
                " either, and resources added later get none"
            )
        variants = {k: v for k in missing if (v := _case_variant(k, keys))}
        if variants:
            shown = ", ".join(f"{v}, not {k}" for k, v in variants.items())
            message += f" (it has {shown}: tag keys are case-sensitive in cost reports)"
        fix = None if variants else _fix(module, provider, default_tags, tags_attr, missing)
        yield RULE.finding(
            default_tags[0] if default_tags else provider,
            message,
            resource=provider.address,
            key=alias or "",
            fix=fix,
        )


def _case_variant(key: str, keys: set[str]) -> str | None:
    return next((k for k in keys if k.lower() == key.lower() and k != key), None)


def _keys(module: Module, attr: Attribute | None) -> set[str] | None:
    """The keys of a tags map whose values may be unknown; None when the keys are unknown."""
    if attr is None:
        return set()
    value = evaluate(module, attr.expression)
    if isinstance(value, dict):
        return set(value)
    return None


def _uses(block: Block, alias: str | None) -> bool:
    provider = block.get("provider")
    if provider is None:
        return alias is None
    found = traversals(provider.expression)
    return bool(found) and found[0][:1] == ("aws",) and (found[0][1:2] or (None,))[0] == alias


def _served_calls(module: Module, alias: str | None) -> list[Block]:
    """The module calls whose resources this provider configuration serves: without an alias, the
    calls that pass no `providers` map (they inherit the default configuration); with one, the
    calls whose `providers` map hands it on (`aws = aws.<alias>`)."""
    calls = []
    for call in module.of_type("module"):
        providers = call.get("providers")
        if providers is None:
            if alias is None:
                calls.append(call)
            continue
        handed = [parts for parts in traversals(providers.expression) if parts[:1] == ("aws",)]
        if any((parts[1:2] or (None,))[0] == alias for parts in handed):
            calls.append(call)
    return calls


def _written_tags(module: Module, alias: str | None) -> list[dict[str, str]]:
    """For each taggable resource using this provider configuration whose own tags can be read:
    the keys written as items of a `tags = { ... }` constructor -> their value's source text. Keys
    that come through a shared map (`tags = local.tags`) are the module's own tagging mechanism,
    not a convention default_tags should take over, and are left out."""
    found = []
    for resource in module.resources():
        if resource.resource_type not in taggable_types() or not _uses(resource, alias):
            continue
        attr = resource.get("tags")
        if _keys(module, attr) is None:
            continue
        written: dict[str, str] = {}
        expr = attr.expression if attr is not None else None
        if isinstance(expr, Object):
            text = attr.file.text
            for item in expr.items:
                key = text[item.start : item.key_end].strip().strip('"')
                written[key] = text[item.value_start : item.end].strip()
        found.append(written)
    return found


def _conventional_keys(module: Module, alias: str | None) -> dict[str, tuple[int, int]]:
    """Tag keys most of the provider's taggable resources write themselves, with one same value (at
    least two of them), while some do not: key -> (resources setting it, resources whose tags can be
    read). A key whose value differs per resource (Name) is no default_tags material."""
    tagged = _written_tags(module, alias)
    values: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for written in tagged:
        for key, value in written.items():
            counts[key] = counts.get(key, 0) + 1
            values.setdefault(key, set()).add(value)
    total = len(tagged)
    return {
        k: (n, total)
        for k, n in sorted(counts.items())
        if n >= 2 and 2 * n > total and n < total and len(values[k]) == 1
    }


def _resources_lacking(module: Module, alias: str | None, missing: list[str]) -> tuple[int, int]:
    """(taggable resources of this provider whose own tags lack a missing key, all of them);
    resources whose tags cannot be read count in neither."""
    lacking = total = 0
    taggable = taggable_types()
    for resource in module.resources():
        if resource.resource_type not in taggable or not _uses(resource, alias):
            continue
        own = _keys(module, resource.get("tags"))
        if own is None:
            continue
        total += 1
        if any(k not in own for k in missing):
            lacking += 1
    return lacking, total


# --- the fix -------------------------------------------------------------------------------------


def snake(key: str) -> str:
    """`CostCenter` -> cost_center, `cost-center` -> cost_center."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return text if text and not text[0].isdigit() else f"tag_{text}"


def _existing_value(module: Module, name: str) -> str | None:
    """A variable or local already holding the value for a tag named like `name`."""
    for candidate in (name, *_SYNONYMS.get(name, ())):
        variable = module.variables.get(candidate)
        if variable is not None:
            declared = "".join(variable.get("type").source.split()) if variable.has("type") else "string"
            if declared == "string":
                return f"var.{candidate}"
        if candidate in module.locals and isinstance(module.locals[candidate].value(), (str, type(UNKNOWN))):
            return f"local.{candidate}"
    return None


def _key_source(key: str) -> str:
    return key if _IDENTIFIER.fullmatch(key) else hcl_string(key)


def _fix(
    module: Module,
    provider: Block,
    default_tags: list[Block],
    tags_attr: Attribute | None,
    missing: list[str],
) -> Fix | None:
    values: list[tuple[str, str]] = []
    new_variables: list[HclBlock] = []
    taken = set(module.variables)
    for key in missing:
        name = snake(key)
        existing = _existing_value(module, name)
        if existing is None:
            while name in taken:
                name += "_tag"
            taken.add(name)
            new_variables.append(
                variable_block(
                    name,
                    f"The {key} tag of every resource this configuration creates (provider default_tags).",
                    "string",
                )
            )
            existing = f"var.{name}"
        values.append((_key_source(key), existing))
    if tags_attr is not None:
        edits = _add_to_map(tags_attr, values)
    elif default_tags:
        block = default_tags[0]
        edits = [_append_block_item(block, f"tags = {_object(values, block.body_indent)}")]
    else:
        nested = HclBlock("default_tags", [("tags", _object(values, ""))])
        edits = [_append_block_item(provider, nested.render(provider.body_indent).lstrip(" "))]
    if edits is None:
        return None
    edits = list(edits)
    if new_variables:
        edits += add_variables(module, new_variables, near=provider)
    keys = ", ".join(k for k in missing)
    if new_variables:
        names = ", ".join("var." + b.header.split('"')[1] for b in new_variables)
        return Fix.unsafe(
            f"Add {keys} to default_tags from new variables without default ({names}): "
            "plans then ask for their values",
            *edits,
        )
    return Fix.safe(f"Add {keys} to default_tags", *edits)


def _object(values: list[tuple[str, str]], indent: str) -> str:
    width = max(len(k) for k, _ in values)
    lines = "".join(f"{indent}  {k.ljust(width)} = {v}\n" for k, v in values)
    return "{\n" + lines + indent + "}"


def _append_block_item(block: Block, text: str) -> TextEdit:
    """Add an attribute or nested block (already indented after its first line) at the end of
    `block`'s body, after a blank line when the body has content."""
    file = block.file
    indent = block.body_indent
    open_line, close_line = file.line_col(block.body_start)[0], file.line_col(block.body_end)[0]
    if open_line == close_line:
        return edit(file, block.body_start, block.body_end, f"\n{indent}{text}\n{block.indent}")
    at = file.line_start(close_line)
    return edit(file, at, at, ("\n" if block.items() else "") + f"{indent}{text}\n")


def _add_to_map(attr: Attribute, values: list[tuple[str, str]]) -> list[TextEdit] | None:
    """Add `key = value` items to the map `attr` holds: into its object constructor when it is
    one, else by merging an object into the existing expression."""
    file = attr.file
    indent = file.text[file.line_start(attr.line) : attr.start]
    expr = attr.expression
    if not isinstance(expr, Object):
        return [replace_value(attr, f"merge({attr.source}, {_object(values, indent)})")]
    elements = expr.items
    if "\n" not in attr.source:
        if not elements:
            return [replace_value(attr, _object(values, indent))]
        added = ", ".join(f"{k} = {v}" for k, v in values)
        close = attr.value_start + attr.source.rindex("}")
        before = file.text[:close].rstrip()
        at = len(before)
        return [edit(file, at, close, ("" if before.endswith(",") else ",") + f" {added} ")]
    if not elements:
        return [replace_value(attr, _object(values, indent))]
    element_indent = indent + "  "
    chain = _last_chain(file, elements)
    width = max([*(len(k) for k, _ in values), *(len(key) for key, _, _ in chain)])
    edits = []
    for key, key_end, eq in chain:
        wanted = " " * (width - len(key) + 1)
        if file.text[key_end:eq] != wanted:
            edits.append(edit(file, key_end, eq, wanted))
    last_end = file.line_end(file.line_col(elements[-1].end - 1)[0])
    text = "".join(f"\n{element_indent}{k.ljust(width)} = {v}" for k, v in values)
    edits.append(edit(file, last_end, last_end, text))
    return edits


def _last_chain(file: Any, elements: list[ObjectItem]) -> list[tuple[str, int, int]]:
    """(key text, end of key, offset of "=") for the run of one-line elements ending with the last
    element, which terraform fmt aligns with the lines appended after it."""
    chain: list[tuple[str, int, int]] = []
    previous_line = None
    for element in reversed(elements):
        start_line = file.line_col(element.start)[0]
        end_line = file.line_col(element.end - 1)[0]
        if start_line != end_line or (previous_line is not None and end_line != previous_line - 1):
            break
        key_end = element.key_end
        eq = key_end + len(file.text[key_end:]) - len(file.text[key_end:].lstrip(" \t"))
        if file.text[eq : eq + 1] != "=":
            break  # `key: value`: terraform fmt aligns only "="
        chain.append((file.text[element.start : key_end], key_end, eq))
        previous_line = start_line
    return chain
