"""TAP212: a name or identifier argument whose evaluated value AWS or the provider rejects."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from fixers.companions import instance_scopes
from fixers.config import RuleOptions
from fixers.edits import hcl_string, replace_value
from fixers.evaluate import UNKNOWN, traversals
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Attribute, Block
from fixers.module import Module

RULE = Rule(
    id="TAP212",
    name="aws-identifier-invalid",
    severity=Severity.HIGH,
    why="A name that breaks AWS naming rules fails plan or apply, often only in the environment with the longest name.",
    fix=Applicability.UNSAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

_REPLACES = "renaming replaces the {what} (ForceNew)"


@dataclass(frozen=True)
class NameSpec:
    """What AWS (or the provider, where it is stricter) accepts for one argument."""

    what: str  # how the message names the resource
    max_len: int
    min_len: int = 1
    chars: str = "0-9A-Za-z-"  # a regex character class body
    chars_text: str = "letters, digits and hyphens"
    first_letter: bool = False
    no_double_hyphen: bool = False
    no_leading: str = ""  # characters that may not start the value
    no_trailing: str = ""  # characters that may not end it
    bad_prefixes: tuple[str, ...] = ()
    bad_suffixes: tuple[str, ...] = ()
    bucket: bool = False  # S3's extra rules: no "..", not an IP address
    empty_means_unset: bool = False  # "" lets the provider generate a name
    rename: str = _REPLACES

    @property
    def lowercase_only(self) -> bool:
        return "A-Z" not in self.chars


_ID = {"first_letter": True, "no_double_hyphen": True, "no_trailing": "-"}
_LOWER = {"chars": "0-9a-z-", "chars_text": "lowercase letters, digits and hyphens"}
_ELB = {"no_leading": "-", "no_trailing": "-", "empty_means_unset": True}
_ELB_PREFIX = {"no_leading": "-", "empty_means_unset": True}

SPECS: dict[tuple[str, str], NameSpec] = {
    ("aws_elasticache_replication_group", "replication_group_id"): NameSpec("replication group", 40, **_ID),
    ("aws_elasticache_cluster", "cluster_id"): NameSpec("cache cluster", 50, **_ID, **_LOWER),
    ("aws_db_instance", "identifier"): NameSpec(
        "DB instance",
        63,
        **_ID,
        **_LOWER,
        empty_means_unset=True,
        rename="renaming an existing instance happens in place but changes its endpoint",
    ),
    ("aws_lb", "name"): NameSpec("load balancer", 32, bad_prefixes=("internal-",), **_ELB),
    ("aws_lb", "name_prefix"): NameSpec("load balancer", 6, **_ELB_PREFIX),
    ("aws_lb_target_group", "name"): NameSpec("target group", 32, **_ELB),
    ("aws_lb_target_group", "name_prefix"): NameSpec("target group", 6, **_ELB_PREFIX),
    ("aws_s3_bucket", "bucket"): NameSpec(
        "bucket",
        63,
        min_len=3,
        chars="0-9a-z.-",
        chars_text="lowercase letters, digits, dots and hyphens",
        no_leading=".-",
        no_trailing=".-",
        bad_prefixes=("xn--", "sthree-", "amzn-s3-demo-"),
        bad_suffixes=("-s3alias", "--ol-s3", ".mrap", "--x-s3"),
        bucket=True,
        empty_means_unset=True,
    ),
}

_IP_SHAPED = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


def _first_is_letter(value: str) -> bool:
    return value[0].isascii() and value[0].isalpha()


def problems(spec: NameSpec, value: str) -> list[str]:
    """Every rule `value` breaks, in words, empty when it is valid."""
    found: list[str] = []
    if len(value) > spec.max_len:
        found.append(f"{len(value)} characters, more than the limit of {spec.max_len}")
    elif len(value) < spec.min_len:
        found.append(f"{len(value)} characters, fewer than the minimum of {spec.min_len}")
    bad = "".join(sorted(set(re.sub(f"[{spec.chars}]", "", value))))
    if bad:
        what = "upper-case letters" if bad.isascii() and bad.isupper() and bad.isalpha() else _quoted(bad)
        found.append(f"contains {what} (only {spec.chars_text} are allowed)")
    if value and spec.first_letter and not _first_is_letter(value):
        found.append("does not start with a letter")
    if value and value[0] in spec.no_leading:
        found.append(f"starts with {_quoted(value[0])}")
    if value and value[-1] in spec.no_trailing:
        found.append(f"ends with {_quoted(value[-1])}")
    if spec.no_double_hyphen and "--" in value:
        found.append('contains "--"')
    if spec.bucket and ".." in value:
        found.append('contains ".."')
    if spec.bucket and _IP_SHAPED.match(value):
        found.append("is formatted as an IP address")
    found.extend(f"starts with the reserved {_quoted(p)}" for p in spec.bad_prefixes if value.startswith(p))
    found.extend(f"ends with the reserved {_quoted(s)}" for s in spec.bad_suffixes if value.endswith(s))
    return found


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _rewrite(spec: NameSpec, attr: Attribute, values: list[str]) -> tuple[str, list[str]] | str:
    """The new expression and the values it gives, or why no deterministic rewrite is valid."""
    if "\n" in attr.source:
        return "the expression spans several lines; rename it by hand"
    literal = not traversals(attr.expression) and all(v == values[0] for v in values)
    expr = attr.source
    new_values = list(values)
    if spec.lowercase_only and any(v != v.lower() for v in values):
        expr = f"lower({expr})"
        new_values = [v.lower() for v in new_values]
    if any(len(v) > spec.max_len for v in new_values):
        expr = f"substr({expr}, 0, {spec.max_len})"
        new_values = [v[: spec.max_len] for v in new_values]
        for end in spec.no_trailing:
            expr = f"trimsuffix({expr}, {hcl_string(end)})"
            new_values = [v[:-1] if v.endswith(end) else v for v in new_values]
    if new_values == values:
        return "shortening or lowering it cannot make it valid; it needs a new name"
    still = sorted({p for v in new_values for p in problems(spec, v)})
    if still:
        return f"shortening or lowering it is not enough (the result {still[0]}); it needs a new name"
    if len(set(new_values)) < len(new_values):
        return "shortening it would give two instances the same name"
    if literal:
        expr = hcl_string(new_values[0])
    return expr, new_values


def _instance_values(block: Block, attr: Attribute) -> list[tuple[str, str]] | None:
    """(instance suffix, value) for every instance, None unless all are known strings."""
    scopes = instance_scopes(block)
    if scopes is None:
        value = attr.value()
        return [("", value)] if isinstance(value, str) else None
    out = []
    for suffix, scope in scopes:
        value = attr.value(scope)
        if value is UNKNOWN or not isinstance(value, str):
            return None
        out.append((suffix, value))
    return out


def _check_argument(block: Block, name: str, spec: NameSpec, taken: _Taken) -> Finding | None:
    """The finding for one argument; `taken` maps names other resources of the type use (or
    will use once fixed) to their address, so a shortened name never collides with them."""
    attr = block.get(name)
    if attr is None:
        return None
    instances = _instance_values(block, attr)
    if not instances:
        return None
    if spec.empty_means_unset:
        instances = [(s, v) for s, v in instances if v != ""]
    broken = [(s, v, problems(spec, v)) for s, v in instances]
    broken = [b for b in broken if b[2]]
    if not broken:
        return None
    parts = [
        f"{name} of {block.address}{suffix} evaluates to {_quoted(value)}: {'; '.join(issues)}"
        for suffix, value, issues in broken[:3]
    ]
    if len(broken) > 3:
        parts.append(f"and {len(broken) - 3} more instances")
    consequence = spec.rename.format(what=spec.what)
    consequence = consequence[0].upper() + consequence[1:]
    rewrite = _rewrite(spec, attr, [v for _, v in instances])
    if not isinstance(rewrite, str):
        clash = next((taken[v.lower()] for v in rewrite[1] if v.lower() in taken), None)
        if clash is not None:
            rewrite = f"shortening it would give it the same name as {clash}"
    if isinstance(rewrite, str):
        return RULE.finding(attr, f"{'. '.join(parts)}. No fix: {rewrite}. {consequence}.", key=name)
    expr, new_values = rewrite
    taken.update({v.lower(): block.address for v in new_values})
    changed = [new for (_, old), new in zip(instances, new_values, strict=True) if new != old]
    shown = ", ".join(_quoted(v) for v in changed[:3]) + (", ..." if len(changed) > 3 else "")
    message = f"{'. '.join(parts)}. {consequence}; the fix makes it {shown}."
    fix = Fix.unsafe(f"Rewrite {name} so it evaluates to {shown}", replace_value(attr, expr))
    return RULE.finding(attr, message, key=name, fix=fix)


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for (resource_type, name), spec in SPECS.items():
        blocks = [b for b in module.resources(resource_type) if b.get(name) is not None]
        # AWS compares these names without regard to case (IDs are stored in lower case).
        used: dict[str, list[Block]] = {}  # name -> the blocks using it now, in module order
        for b in blocks:
            for _, v in _instance_values(b, b.get(name)) or []:
                used.setdefault(v.lower(), []).append(b)
        planned: dict[str, str] = {}  # names earlier fixes will give
        for block in blocks:
            taken = _Taken(used, block, planned)
            finding = _check_argument(block, name, spec, taken)
            planned.update({k: v for k, v in taken.added.items() if v == block.address})
            if finding is not None:
                yield finding


class _Taken:
    """The names other resources of the type use, or will use once fixed (`planned`), with the
    address of the last one using each: what a dict built afresh for every block held, which made
    large modules quadratic."""

    def __init__(self, used: dict[str, list[Block]], block: Block, planned: dict[str, str]) -> None:
        self._used, self._block = used, block
        self.added = dict(planned)

    def _other(self, key: str) -> Block | None:
        return next((b for b in reversed(self._used.get(key, ())) if b is not self._block), None)

    def __contains__(self, key: str) -> bool:
        return key in self.added or self._other(key) is not None

    def __getitem__(self, key: str) -> str:
        if key in self.added:
            return self.added[key]
        other = self._other(key)
        if other is None:
            raise KeyError(key)
        return other.address

    def update(self, names: dict[str, str]) -> None:
        self.added.update(names)
