"""TAP504: an output without a description."""

from __future__ import annotations

from collections.abc import Iterator

from fixers.config import RuleOptions
from fixers.edits import edit, hcl_string, insert_first_attribute, replace_value
from fixers.evaluate import Index, traversals
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.model import Block
from fixers.module import Module
from fixers.semantic.expressions import Access, For, Reference, Splat

RULE = Rule(
    id="TAP504",
    name="output-description-missing",
    severity=Severity.LOW,
    why="Outputs are the module's interface; without a description callers guess what a value is.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.ALWAYS,
    default=False,  # precision on public code: see its docs page
)

# Words written in capitals in descriptions (attribute and output names are snake_case).
_ACRONYMS = {
    "acl", "acm", "alb", "ami", "arn", "arns", "az", "azs", "cidr", "cidrs", "db", "dns", "ebs", "ec2",
    "ecr", "ecs", "efs", "eip", "eks", "elb", "iam", "id", "ids", "ip", "ips", "ipv4", "ipv6", "kms",
    "lb", "nat", "nlb", "rds", "sg", "sns", "sqs", "ssm", "tls", "uri", "url", "urls", "vpc", "waf",
}  # fmt: skip
_NOT_RESOURCES = {"var", "local", "module", "data", "count", "each", "self", "path", "terraform"}


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    for output in module.of_type("output"):
        if not output.labels:
            continue
        current = output.get("description")
        if current is not None and current.value() != "":
            continue  # any description, even one we cannot evaluate, is the author's
        text = hcl_string(describe(module, output))
        if current is not None:
            edits = [replace_value(current, text)]
        else:
            edits = insert_first_attribute(output, "description", text) or _open_up(output, text)
        detail = "an empty description" if current is not None else "no description"
        yield RULE.finding(
            output,
            f"{output.address} has {detail}: callers of the module cannot tell what it holds",
            fix=Fix.safe("Add a description written from the output's value", *edits),
        )


def _open_up(output: Block, text: str) -> list:
    """`output "x" { value = y }` on one line: write the block out with the description first."""
    if len(output.attribute_list) != 1 or output.blocks:
        return []
    only = output.attribute_list[0]
    width = max(len("description"), len(only.name))
    indent = output.indent + "  "
    body = (
        f"\n{indent}{'description'.ljust(width)} = {text}\n"
        f"{indent}{only.name.ljust(width)} = {only.source}\n{output.indent}"
    )
    return [edit(output.file, output.body_start, output.body_end, body)]


def words(name: str) -> str:
    """`web_acl_arn` -> "web ACL ARN"."""
    return " ".join(w.upper() if w in _ACRONYMS else w for w in name.split("_") if w)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _address(parts: tuple) -> tuple[str, list[str]] | None:
    """("aws_lb", "app", "dns_name") -> ("aws_lb.app", ["dns_name"]); indexes with known keys stay
    on the address (`aws_subnet.private[0]`)."""
    if len(parts) < 2 or not isinstance(parts[0], str) or not isinstance(parts[1], str):
        return None
    root = parts[0]
    if root == "data":
        if len(parts) < 3 or not isinstance(parts[2], str):
            return None
        address, rest = f"data.{parts[1]}.{parts[2]}", list(parts[3:])
    elif root in ("var", "local", "module"):
        address, rest = f"{root}.{parts[1]}", list(parts[2:])
    elif root in _NOT_RESOURCES:
        return None
    else:
        address, rest = f"{root}.{parts[1]}", list(parts[2:])
    while rest and isinstance(rest[0], Index):
        key = rest.pop(0).key
        address += f"[{key}]" if isinstance(key, int) else f'["{key}"]' if isinstance(key, str) else "[*]"
    if any(not isinstance(p, str) for p in rest):
        rest = [p for p in rest if isinstance(p, str)]
    return address, rest


def describe(module: Module, output: Block) -> str:
    """A first description of an output, written from its value expression."""
    value = output.get("value")
    title = _capitalised(words(output.labels[0]))
    if value is None:
        return f"{title}."
    expr = value.expression
    found = traversals(expr)
    if isinstance(expr, (Reference, Access)) and len(found) == 1:
        return _of_reference(found[0], each=False) or f"{title}."
    described = _splat(expr) if isinstance(expr, Splat) else _for(expr) if isinstance(expr, For) else None
    if described:
        return described
    references = []
    for parts in found:
        addressed = _address(parts)
        if addressed is None:
            continue
        text = ".".join([addressed[0], *addressed[1]])
        if text not in references:
            references.append(text)
    if references:
        listed = ", ".join(references[:3]) + (" and others" if len(references) > 3 else "")
        return f"{title}, built from {listed}."
    return f"{title}."


def _of_reference(parts: tuple, *, each: bool) -> str | None:
    addressed = _address(parts)
    if addressed is None:
        return None
    address, rest = addressed
    subject = f"each instance of {address}" if each else address
    if address.startswith(("var.", "local.")):
        if each and rest:
            return f"The {' '.join(words(r) for r in rest)} of each element of {address}."
        return f"The value of {'.'.join([address, *rest])}."
    if address.startswith("module."):
        if not rest:
            return f"All outputs of {address}."
        return f"The {words(rest[0])} output of {address}."
    if not rest:
        return f"All attributes of {subject}."
    return f"The {' '.join(words(r) for r in rest)} of {subject}."


def _splat(splat: Splat) -> str | None:
    base = traversals(splat.base)
    names = tuple(s for s in splat.steps if isinstance(s, str))
    if len(base) != 1 or not names:
        return None
    return _of_reference((*base[0], *names), each=True)


def _for(loop: For) -> str | None:
    source = traversals(loop.collection)
    produced = traversals(loop.value)
    if len(source) != 1 or len(produced) != 1 or produced[0][:1] != (loop.value_var,):
        return None
    described = _of_reference((*source[0], *produced[0][1:]), each=True)
    if described and loop.is_object:
        described = described[:-1] + ", by key."
    return described
