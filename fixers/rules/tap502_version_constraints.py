"""TAP502: a module that does not say which Terraform and provider versions it needs."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.config import RuleOptions
from fixers.edits import HclBlock, edit, hcl_string, insert_before, new_file, set_attribute
from fixers.evaluate import traversals
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Block
from fixers.module import Module
from fixers.rules._module_level import first_line, module_finding, module_prefix
from fixers.semantic.expressions import Call, Expr, Object, Template, call_of

RULE = Rule(
    id="TAP502",
    name="version-constraints-missing",
    severity=Severity.LOW,
    why="Without constraints whoever runs init first picks the Terraform and provider versions.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

# The floor community modules adopted with AWS provider v6 (aws-rules.md TAP502).
TERRAFORM_FLOOR = (1, 5, 7)

# Providers whose source and a constraint admitting their current major version tapfix knows.
# A module using any other provider gets no entry written for it: its source is not guessable.
KNOWN_PROVIDERS = {
    "aws": ("hashicorp/aws", ">= 5.0, < 7.0"),
    "random": ("hashicorp/random", ">= 3.0"),
    "tls": ("hashicorp/tls", ">= 4.0"),
    "null": ("hashicorp/null", ">= 3.0"),
    "archive": ("hashicorp/archive", ">= 2.0"),
    "local": ("hashicorp/local", ">= 2.0"),
    "time": ("hashicorp/time", ">= 0.9"),
    "http": ("hashicorp/http", ">= 3.0"),
    "external": ("hashicorp/external", ">= 2.0"),
    "cloudinit": ("hashicorp/cloudinit", ">= 2.0"),
}


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    blocks = module.of_type("terraform")
    has_version = any(b.has("required_version") for b in blocks)
    declared = [rp for b in blocks for rp in b.nested("required_providers")]
    used = providers_used(module)
    missing: list[str] = [] if has_version else ["required_version"]
    if used and not declared:
        missing.append("required_providers")
    unconstrained = [p for p in used if not (declared and _constrained(declared, p))]
    if declared:
        missing += [f"version constraint for {p}" for p in unconstrained]
    if not missing:
        return
    if not blocks:
        where = "The module has no terraform block:"
    else:
        where = f"The terraform block ({blocks[0].path}:{blocks[0].line}) has"
    message = (
        f"{where} {_join(['no ' + m for m in missing])}, so `terraform init` takes whatever Terraform"
        + (f" and {', '.join(used)} provider" if used else "")
        + " versions happen to be installed"
    )
    fix = None
    fixable = all(p in KNOWN_PROVIDERS for p in unconstrained)
    refused = _refused_by_constraints(module, has_version, unconstrained)
    if refused:
        message += f"; no fix: {refused}"
    if not module.errors and fixable and not refused:
        floor = terraform_floor(module)
        edits = _fix(module, blocks, declared, has_version, unconstrained, floor)
        added = ([f"required_version >= {_dotted(floor)}"] if not has_version else []) + [
            f"{p} {KNOWN_PROVIDERS[p][1]}" for p in unconstrained
        ]
        fix = Fix.safe(f"Declare {', '.join(added)}", *edits) if edits else None
    at = None
    if not blocks and fix is not None and fix.edits[0].path in module.files:
        # Point at the file the new terraform block goes into.
        at = first_line(module.files[fix.edits[0].path].source)
    finding = module_finding(RULE, module, message, resource="terraform", fix=fix, at=at)
    if finding is not None:
        yield finding


def _refused_by_constraints(module: Module, has_version: bool, unconstrained: list[str]) -> str | None:
    """Why the constraints the fix would write refuse the code as written, or None. The fix writes
    Terraform >= 1.5.7 and aws >= 5.0, < 7.0; code written for older versions must not be pinned
    to versions that reject it."""
    if not has_version:
        for variable in module.of_type("variable"):
            declared = variable.get("type")
            if declared is not None and _quoted_string(declared.expression):
                return (
                    f"{variable.address} has a quoted type ({declared.source.strip()}), which Terraform "
                    "rejects since 0.15: pinning a current Terraform would refuse the code as written"
                )
    if "aws" in unconstrained:
        from fixers.terraform_check import problems

        for key, problem in sorted(problems(module).items()):
            if key[0] == "schema":
                return (
                    f"the code does not fit the AWS provider {KNOWN_PROVIDERS['aws'][1]} "
                    f"({problem}): it was written for another major version"
                )
    return None


def _quoted_string(expr: Expr) -> bool:
    return isinstance(expr, Template) and not expr.heredoc and expr.text_value is not None


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _constrained(declared: list[Block], provider: str) -> bool:
    for rp in declared:
        entry = rp.get(provider)
        if entry is None:
            continue
        value = entry.value()
        if isinstance(value, str) or (isinstance(value, dict) and "version" in value):
            return True  # `aws = "~> 5.0"` (legacy) or `{ source, version }`
        if not isinstance(value, dict) and "version" in entry.source:
            return True  # unknown value: trust what is written
    return False


def providers_used(module: Module) -> list[str]:
    """Local names of the providers the module's resources, data sources and provider blocks
    use (`aws_s3_bucket` -> aws; `provider = aws.east` -> aws), in a stable order."""
    found: set[str] = set()
    for block in module.blocks:
        if block.type in ("resource", "data") and block.labels:
            provider = block.get("provider")
            references = traversals(provider.expression) if provider is not None else []
            if references:
                found.add(str(references[0][0]))
            else:
                found.add(block.labels[0].split("_", 1)[0])
        elif block.type == "provider" and block.labels:
            found.add(block.labels[0])
    found.discard("terraform")  # terraform_data and terraform_remote_state are built in
    return sorted(found, key=lambda p: (p != "aws", p))


# --- Terraform features that need a newer Terraform than the floor -------------------------------


def terraform_floor(module: Module) -> tuple[int, ...]:
    """The lowest Terraform version that understands everything the module uses."""
    floor = TERRAFORM_FLOOR
    for block in module.blocks:
        if block.type == "removed":
            floor = max(floor, (1, 7, 0))
        elif block.type == "ephemeral" or (
            block.type == "variable" and block.value("ephemeral", False) is True
        ):
            floor = max(floor, (1, 10, 0))
        for inner in block.walk():
            for attr in inner.attribute_list:
                if attr.name.endswith("_wo") and inner.type == "resource":
                    floor = max(floor, (1, 11, 0))
                if "::" in attr.source and _calls_provider_function(attr):
                    floor = max(floor, (1, 8, 0))
                if call_of(attr.expression, "templatestring") is not None:
                    floor = max(floor, (1, 9, 0))
        if block.type == "variable":
            for validation in block.nested("validation"):
                condition = validation.get("condition")
                if condition is not None and _refers_beyond(
                    condition, block.labels[0] if block.labels else ""
                ):
                    floor = max(floor, (1, 9, 0))
    return floor


def _calls_provider_function(attr) -> bool:
    return any(isinstance(e, Call) and "::" in e.name for e in attr.expression.walk())


def _refers_beyond(condition, own: str) -> bool:
    """A validation that reads anything but its own variable needs Terraform 1.9."""
    for parts in traversals(condition.expression):
        root = parts[0]
        if root == "var" and len(parts) > 1 and parts[1] != own:
            return True
        if root in ("local", "data") or (isinstance(root, str) and "_" in root and len(parts) > 2):
            return True
    return False


# --- the fix -------------------------------------------------------------------------------------


def _version_text(floor: tuple[int, ...]) -> str:
    return hcl_string(">= " + _dotted(floor))


def _entry(provider: str) -> str:
    source, version = KNOWN_PROVIDERS[provider]
    return "{\n" + f"  source  = {hcl_string(source)}\n  version = {hcl_string(version)}\n" + "}"


def _required_providers(providers: list[str]) -> HclBlock:
    return HclBlock("required_providers", [(p, _entry(p)) for p in providers])


def _fix(
    module: Module,
    blocks: list[Block],
    declared: list[Block],
    has_version: bool,
    unconstrained: list[str],
    floor: tuple[int, ...],
) -> list[TextEdit]:
    version = ("required_version", _version_text(floor))
    if not blocks:
        items: list = [version]
        if unconstrained:
            items += [None, _required_providers(unconstrained)]
        return [_new_block(module, HclBlock("terraform", items).render())]
    if not declared:
        nested = _required_providers(unconstrained) if unconstrained else None
        return [_top_of_body(blocks[0], [] if has_version else [version], nested)]
    required = declared[0]
    edits: list[TextEdit] = []
    for provider in unconstrained:
        entry = required.get(provider)
        if entry is None:
            edits += set_attribute(required, provider, _entry(provider))
            continue
        fixed = _with_version(entry, provider)
        if fixed is None:
            return []
        edits.append(fixed)
    if not has_version:
        edits += set_attribute(required.parent, "required_version", version[1])
    return edits


def _dotted(floor: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in floor)


def _with_version(entry, provider: str) -> TextEdit | None:
    """`aws = { source = "hashicorp/aws" }` gains a version."""
    if not isinstance(entry.expression, Object):
        return None
    _source, version = KNOWN_PROVIDERS[provider]
    text = entry.source
    body = text[1:-1].strip()
    if "\n" not in text:
        return edit(
            entry.file,
            entry.value_start,
            entry.value_end,
            "{ " + body + f", version = {hcl_string(version)} }}",
        )
    indent = entry.file.text[entry.file.line_start(entry.line) : entry.start] + "  "
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    lines.append(f"version = {hcl_string(version)}")
    # terraform fmt aligns "=" over runs of attribute lines; a comment line (kept as written, even
    # when it holds "=") ends a run.
    pairs = [None if line.startswith(("#", "//", "/*", "*")) else line.split("=", 1) for line in lines]
    runs: list[list[int]] = [[]]
    for i, pair in enumerate(pairs):
        if pair is None or len(pair) != 2:
            runs.append([])
        else:
            runs[-1].append(i)
    width = {i: max(len(pairs[j][0].strip()) for j in run) for run in runs for i in run}
    rebuilt = [
        f"{indent}{line}"
        if i not in width
        else f"{indent}{pairs[i][0].strip().ljust(width[i])} = {pairs[i][1].strip()}"
        for i, line in enumerate(lines)
    ]
    closing = indent[:-2]
    return edit(entry.file, entry.value_start, entry.value_end, "{\n" + "\n".join(rebuilt) + f"\n{closing}}}")


def _top_of_body(block: Block, items: list[tuple[str, str]], nested: HclBlock | None) -> TextEdit:
    """Insert attributes (and a nested block) at the top of a `terraform` block: after its own
    attributes when it has some, else first, each group separated by a blank line."""
    file = block.file
    indent = block.body_indent
    parts = []
    if items:
        width = max(len(n) for n, _ in items)
        parts.append("\n".join(f"{indent}{n.ljust(width)} = {v}" for n, v in items))
    if nested is not None:
        parts.append(nested.render(indent))
    text = "\n\n".join(parts)
    open_line, close_line = file.line_col(block.body_start)[0], file.line_col(block.body_end)[0]
    if open_line == close_line:
        return edit(file, block.body_start, block.body_end, "\n" + text + "\n" + block.indent)
    if block.attribute_list and items == []:
        last = block.attribute_list[-1]
        at = file.line_end(last.end_line)
        return edit(file, at, at, "\n\n" + text)
    at = file.line_start(open_line + 1)
    return edit(file, at, at, text + ("\n\n" if block.items() else "\n"))


def _new_block(module: Module, text: str) -> TextEdit:
    """A new `terraform` block at the top of the file holding the provider configuration, else
    of versions.tf or main.tf, else in a new versions.tf."""
    prefix = module_prefix(module)
    providers = module.of_type("provider")
    candidates = [providers[0].path] if providers else []
    candidates += [prefix + "versions.tf", prefix + "main.tf"]
    for path in candidates:
        in_file = [b for b in module.blocks if b.path == path]
        if in_file:
            return insert_before(min(in_file, key=lambda b: b.start), text)
    return new_file(prefix + "versions.tf", text + "\n")
