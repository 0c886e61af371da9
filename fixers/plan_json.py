"""Plan JSON (`terraform show -json PLAN`) -> the same model the rules read.

A plan knows what a scan of the code often cannot: every variable, `tfvars` file and data source has
been resolved. Each module of the plan's `planned_values` becomes a module of plain HCL that declares
its resource instances with their planned values (and the data sources read while planning), parsed
like any `.tf` file, so every rule runs unchanged. A value the plan does not know yet (an ID of a
resource still to be created) is written as the configuration's reference when the plan's
`configuration` section gives one (`bucket = aws_s3_bucket.logs.id`), so rules still see which
resource points at which; otherwise it is left out, and rules treat it as unknown.

Findings then point back at the code: the plan carries addresses, not lines, so when the `.tf` files of
a module sit next to the plan (the root module in the plan's folder, local module calls by their
`source`), a finding is located at its resource's block (or the attribute it is about) there; else at
line 1 of the plan file, with the instance's address. Plans get no fixes: a fix edits code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixers.findings import ErrorKind, Finding, ScanError

# Rules about how the code is written, not about what is deployed: in a plan every value is a literal
# (a zone name, `deletion_protection = true`, a user-data script), so these would report the plan's
# nature, not a problem. Module-level rules (README, version constraints) have no module to look at.
CODE_ONLY_RULES = {
    "TAP224": "a secret's variable is not marked sensitive: the plan holds values, not variable declarations",
    "TAP404": "deletion_protection hard-coded: every planned value is a literal",
    "TAP501": "availability zones hard-coded: every planned value is a literal",
    "TAP502": "version constraints of the module's code",
    "TAP503": "variable validation in the module's code",
    "TAP504": "output descriptions in the module's code",
    "TAP505": "the module's README",
    "TAP507": "user data inline in HCL: a plan always holds the rendered script",
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# A reference the configuration gives for a value the plan does not know yet, written as HCL.
_REFERENCE = re.compile(r"^(?:data\.)?[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\]]+\])+$")


class NotAPlan(Exception):
    pass


def looks_like_plan(data: bytes) -> bool:
    """A JSON document from `terraform show -json` of a plan (not of a state)."""
    head = data[:4096].lstrip()
    if not head.startswith(b"{") or b'"format_version"' not in data[:4096]:
        return False
    return b'"planned_values"' in data or b'"resource_changes"' in data


def read_plan(data: bytes) -> dict[str, Any]:
    try:
        plan = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAPlan(f"not JSON: {exc}") from None
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise NotAPlan("not the JSON of a plan (`terraform show -json PLAN` has format_version)")
    if "planned_values" not in plan:
        raise NotAPlan("a plan without planned_values (an errored plan, or the JSON of a state?)")
    return plan


# --- HCL text of planned values -----------------------------------------------------------------


def _string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "$${")
        .replace("%{", "%%{")
    )
    return '"' + "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped) + '"'


def _value(value: Any, indent: str) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v, indent) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        rows = [f"{inner}{_string(str(k))} = {_value(v, inner)}" for k, v in value.items()]
        return "{\n" + "\n".join(rows) + f"\n{indent}}}"
    return "null"


def _is_blocks(value: Any) -> bool:
    """Nested blocks appear in planned values as lists of objects; maps (tags) stay attributes."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _reference(expression: Any) -> str | None:
    """The configuration's reference for a value the plan does not know (`aws_s3_bucket.logs.id`)."""
    if not isinstance(expression, dict):
        return None
    for reference in expression.get("references") or []:
        if isinstance(reference, str) and _REFERENCE.match(reference) and not reference.startswith("count."):
            return reference
    return None


def _body(values: dict[str, Any], expressions: Any, indent: str) -> list[str]:
    expressions = expressions if isinstance(expressions, dict) else {}
    lines: list[str] = []
    for name, value in values.items():
        if not _IDENTIFIER.match(name) or value is None or value == [] or value == {}:
            continue
        if _is_blocks(value):
            nested = expressions.get(name)
            nested = nested if isinstance(nested, list) and len(nested) == len(value) else [None] * len(value)
            for item, item_expressions in zip(value, nested, strict=True):
                lines.append(f"{indent}{name} {{")
                lines += _body(item, item_expressions, indent + "  ")
                lines.append(f"{indent}}}")
        else:
            lines.append(f"{indent}{name} = {_value(value, indent)}")
    for name, expression in expressions.items():
        if (name in values and values[name] is not None) or not _IDENTIFIER.match(name):
            continue
        reference = _reference(expression)
        if reference is not None:
            lines.append(f"{indent}{name} = {reference}")
    return lines


def _default_tags(modules: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The provider's default tags as the plan applied them: what every planned resource's `tags_all`
    holds beyond its own `tags` (the configuration gives only the expression, `var.environment`)."""
    common: dict[str, Any] | None = None
    for module in modules:
        for resource in module.get("resources") or []:
            values = resource.get("values") or {}
            every = values.get("tags_all")
            if not isinstance(every, dict):
                continue
            own = values.get("tags") if isinstance(values.get("tags"), dict) else {}
            extra = {k: v for k, v in every.items() if k not in own}
            common = extra if common is None else {k: v for k, v in common.items() if extra.get(k) == v}
    return common


def _provider_body(expressions: dict[str, Any], indent: str, tags: dict[str, Any] | None) -> list[str]:
    """A provider block from the configuration's constant expressions (region, default_tags), with
    `tags`, the default tags the plan applied, where the configuration computes them."""
    lines: list[str] = []
    for name, expression in expressions.items():
        if not _IDENTIFIER.match(name):
            continue
        if isinstance(expression, list):
            for item in expression:
                if isinstance(item, dict):
                    inner = _provider_body(item, indent + "  ", None)
                    if (
                        name == "default_tags"
                        and tags
                        and not any(" tags = " in f" {x.strip()}" for x in inner)
                    ):
                        inner.append(f"{indent}  tags = {_value(tags, indent + '  ')}")
                    lines += [f"{indent}{name} {{", *inner, f"{indent}}}"]
        elif isinstance(expression, dict) and "constant_value" in expression:
            lines.append(f"{indent}{name} = {_value(expression['constant_value'], indent)}")
    return lines


# --- one module of the plan ----------------------------------------------------------------------


@dataclass
class PlanModule:
    """The HCL text of one module of a plan, and where each synthetic name came from."""

    address: str  # "" for the root module, else module.a.module.b
    text: str
    real: dict[str, str] = field(default_factory=dict)  # synthetic address -> the instance's address
    config_dir: Path | None = None  # the module's .tf files, when they sit next to the plan


def _synthetic_name(name: str, index: Any, taken: set[str]) -> str:
    if index is None:
        base = name
    else:
        base = f"{name}__{re.sub(r'[^A-Za-z0-9_]', '_', str(index))}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


def _config_module(configuration: dict[str, Any], address: str) -> dict[str, Any]:
    """The `configuration` section's module for a planned module address (module.a["x"].module.b)."""
    module = configuration.get("root_module") or {}
    for call in re.findall(r"module\.([\w-]+)(?:\[[^\]]*\])?", address):
        module = ((module.get("module_calls") or {}).get(call) or {}).get("module") or {}
    return module


def _config_dir(configuration: dict[str, Any], address: str, plan_dir: Path) -> Path | None:
    """The folder of the module's code, when its calls are local paths from the plan's folder."""
    folder = plan_dir
    module = configuration.get("root_module") or {}
    for call in re.findall(r"module\.([\w-]+)(?:\[[^\]]*\])?", address):
        entry = (module.get("module_calls") or {}).get(call) or {}
        source = entry.get("source")
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            return None
        folder = folder / source
        module = entry.get("module") or {}
    return folder if folder.is_dir() else None


def _walk(module: dict[str, Any]) -> list[dict[str, Any]]:
    out = [module]
    for child in module.get("child_modules") or []:
        out += _walk(child)
    return out


def plan_modules(plan: dict[str, Any], plan_dir: Path) -> list[PlanModule]:
    configuration = plan.get("configuration") or {}
    data_by_module: dict[str, list[dict[str, Any]]] = {}
    prior = ((plan.get("prior_state") or {}).get("values") or {}).get("root_module") or {}
    for module in _walk(prior):
        for resource in module.get("resources") or []:
            if resource.get("mode") == "data":
                data_by_module.setdefault(module.get("address", ""), []).append(resource)
    providers = configuration.get("provider_config") or {}
    out = []
    planned = _walk((plan.get("planned_values") or {}).get("root_module") or {})
    for module in planned:
        address = module.get("address", "")
        config_resources = {
            r.get("address"): r.get("expressions")
            for r in (_config_module(configuration, address).get("resources") or [])
        }
        lines: list[str] = []
        real: dict[str, str] = {}
        taken: dict[str, set[str]] = {}
        for key, provider in sorted(providers.items()):
            if provider.get("module_address", "") == address and "." not in key.split(":")[-1]:
                expressions = provider.get("expressions") or {}
                tags = _default_tags(planned) if "default_tags" in expressions else None
                body = _provider_body(expressions, "  ", tags)
                lines += [f'provider "{provider.get("name", key)}" {{', *body, "}", ""]
        for resource in [*data_by_module.get(address, []), *(module.get("resources") or [])]:
            kind, name, mode = resource.get("type"), resource.get("name"), resource.get("mode")
            if not (isinstance(kind, str) and isinstance(name, str) and _IDENTIFIER.match(kind)):
                continue
            synthetic = _synthetic_name(
                name, resource.get("index"), taken.setdefault(f"{mode}.{kind}", set())
            )
            prefix = "data." if mode == "data" else ""
            local = f"{prefix}{kind}.{name}"
            real[f"{prefix}{kind}.{synthetic}"] = _strip_module(resource.get("address", local), address)
            block = "data" if mode == "data" else "resource"
            body = _body(resource.get("values") or {}, config_resources.get(local), "  ")
            lines += [f'{block} "{kind}" "{synthetic}" {{', *body, "}", ""]
        out.append(PlanModule(address, "\n".join(lines), real, _config_dir(configuration, address, plan_dir)))
    return out


def _strip_module(address: str, module_address: str) -> str:
    prefix = module_address + "." if module_address else ""
    return address[len(prefix) :] if address.startswith(prefix) else address


def config_address(instance: str) -> str:
    """`aws_s3_bucket.logs["a"]` -> `aws_s3_bucket.logs`: the block that declares the instance."""
    return re.sub(r"\[[^\]]*\]$", "", instance)


# --- findings back to the code --------------------------------------------------------------------


def relocate(finding: Finding, module: PlanModule, plan_path: str, config: Any) -> Finding:
    """The finding with the instance's real address, pointed at the code when it is next to the plan
    (`config`: the Module read from `module.config_dir`, paths relative to the scan root), else at the
    plan file's first line. Never with a fix."""
    synthetic = finding.resource or ""
    instance = module.real.get(synthetic, synthetic)
    message = finding.message
    for fake, actual in sorted(module.real.items(), key=lambda kv: -len(kv[0])):
        full = f"{module.address}.{actual}" if module.address else actual
        if fake != full:
            pattern = rf"(?<![\w.\]-]){re.escape(fake)}(?![\w\[-])"
            message = re.sub(pattern, full.replace("\\", "\\\\"), message)
    shown = f"{module.address}.{instance}" if module.address else instance
    update: dict[str, Any] = {
        "resource": shown,
        "message": message,
        "fix": None,
        "fix_rejected": None,
        "module": module.address or ".",
        "path": plan_path,
        "line": 1,
        "column": 1,
        "end_line": 1,
        "end_column": 1,
    }
    block = config.find(config_address(instance)) if config is not None else None
    if block is not None:
        target: Any = block
        attribute = _attribute_at(finding, module)
        if attribute is not None and block.get(attribute) is not None:
            target = block.get(attribute)
        line, column = target.file.line_col(target.start)
        end_line, end_column = target.file.line_col(max(target.end, target.start))
        update.update(
            path=target.file.path, line=line, column=column, end_line=end_line, end_column=end_column
        )
    return finding.model_copy(update=update)


def _attribute_at(finding: Finding, module: PlanModule) -> str | None:
    """The top-level attribute of its resource that a finding points at in the plan's HCL, if any."""
    lines = module.text.split("\n")
    if not 1 <= finding.line <= len(lines):
        return None
    match = re.match(r"^  ([A-Za-z_][\w-]*) = ", lines[finding.line - 1])
    return match.group(1) if match else None


def plan_error(plan_path: str, message: str) -> ScanError:
    return ScanError(kind=ErrorKind.PLAN, path=plan_path, message=message)
