"""TAP204: an ALB access-log bucket whose policy does not (reliably) let ELB write the logs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fixers.aws.iam import (
    DOCUMENT,
    JSON_TEXT,
    Document,
    Principal,
    Span,
    read_policy,
)
from fixers.companions import (
    companions,
    free_name,
    instance_ref,
    meta_arguments,
    passed_to_module,
    refers_to,
    uncopyable_meta,
)
from fixers.config import RuleOptions
from fixers.edits import HclBlock, add_depends_on, edit, hcl_string, insert_after
from fixers.evaluate import UNKNOWN
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity, TextEdit
from fixers.model import Block
from fixers.module import Module

RULE = Rule(
    id="TAP204",
    name="lb-log-bucket-policy-invalid",
    severity=Severity.HIGH,
    why="ELB writes access logs only where the bucket policy admits the region's log writer.",
    fix=Applicability.SAFE,
    fix_availability=FixAvailability.SOMETIMES,
)

# The ELB account per region: the provider's data source knows exactly these
# (internal/service/elb/service_account_data_source.go; me-central-1 is not in it).
ELB_ACCOUNTS = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-gov-east-1": "190560391635",
    "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
}
_REGION_OF_ACCOUNT = {account: region for region, account in ELB_ACCOUNTS.items()}
LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"
_GOOD_SERVICES = {LOG_DELIVERY, "logdelivery.elb.amazonaws.com"}
_PLACEHOLDER = re.compile(
    r"elb[-_]?account[-_]?id|account[-_]?id|123456789012|<[^>]*>|x{12}|0{12}|replace[-_]?me|changeme",
    re.IGNORECASE,
)
_ACCOUNT = re.compile(r"^(?:arn:aws(?:-cn|-us-gov)?:iam::)?(\d{12})(?::root)?$")
_WRITE_ACTIONS = {"s3:putobject", "s3:put*", "s3:*", "*"}
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


def check(module: Module, options: RuleOptions) -> Iterator[Finding]:
    served: dict[str, tuple[Block, list[Block]]] = {}
    for lb in module.resources("aws_lb", "aws_alb"):
        if lb.value("load_balancer_type", "application") != "application" or lb.dynamic("access_logs"):
            continue
        for logs in lb.nested("access_logs"):
            if logs.value("enabled", False) is not True:
                continue
            bucket = _bucket(module, logs)
            if bucket is not None and not passed_to_module(module, bucket):
                served.setdefault(bucket.address, (bucket, []))[1].append(lb)
    for bucket, lbs in served.values():
        yield from _check_bucket(module, bucket, lbs)


def _bucket(module: Module, logs: Block) -> Block | None:
    attr = logs.get("bucket")
    if attr is None:
        return None
    buckets = module.resources("aws_s3_bucket")
    for bucket in buckets:
        if refers_to(module, attr, bucket.address):
            return bucket
    name = attr.value()
    if isinstance(name, str):
        return next((b for b in buckets if b.value("bucket") == name), None)
    return None


def _check_bucket(module: Module, bucket: Block, lbs: list[Block]) -> Iterator[Finding]:
    lb = lbs[0]
    policies = [(p, p.get("policy")) for p in companions(module, bucket, "aws_s3_bucket_policy")]
    if bucket.has("policy"):
        policies.append((bucket, bucket.get("policy")))
    policies = [(holder, attr) for holder, attr in policies if attr is not None]
    region = _region(module, lb)
    if not policies:
        yield _missing_policy(module, bucket, lbs, region)
        return
    documents = [(holder, read_policy(module, attr)) for holder, attr in policies]
    if any(doc is None for _, doc in documents):
        return  # a policy we cannot read may well admit ELB
    verdicts = [(holder, p, _verdict(p)) for holder, doc in documents for p in _writers(doc)]
    bad = [(holder, p, why) for holder, p, why in verdicts if why not in ("ok", "unknown", "other")]
    for holder, principal, why in bad:
        yield _bad_principal(module, bucket, lb, holder, principal, why, region)
    if bad or any(why in ("ok", "unknown") for _, _, why in verdicts):
        return
    if all(doc.complete for _, doc in documents):
        holder, attr = policies[0]
        yield RULE.finding(
            attr,
            f"{holder.address} does not let Elastic Load Balancing write the access logs of {lb.address} "
            f"to {bucket.address} (no statement allows s3:PutObject to the ELB account or "
            f"{LOG_DELIVERY}): logging fails when it is enabled",
            resource=holder.address,
        )


def _writers(document: Document) -> list[Principal]:
    """The principals of the document's statements that may allow writing objects."""
    out = []
    for statement in document.statements:
        if statement.effect not in ("Allow", UNKNOWN):
            continue
        actions = statement.actions
        known = isinstance(actions, list) and all(isinstance(a, str) for a in actions)
        if known and not any(a.lower() in _WRITE_ACTIONS for a in actions):
            continue
        out.extend(statement.principals)
    return out


def _verdict(principal: Principal) -> str:
    """ "ok", "unknown", "other" (not ELB), "placeholder" or "hard-coded:<account>"."""
    value = principal.value
    if principal.kind == "*" or value == "*":
        return "ok"
    if value is UNKNOWN or not isinstance(value, str):
        return "unknown"
    if principal.kind == "Service":
        return "ok" if value in _GOOD_SERVICES else "other"
    if principal.kind != "AWS":
        return "unknown" if principal.kind == "?" else "other"
    if "data.aws_elb_service_account." in value:
        return "ok"
    if _PLACEHOLDER.search(value.replace("${", "").replace("}", "")) and not _only_computed(value):
        return "placeholder"
    match = _ACCOUNT.match(value)
    if match and match.group(1) in _REGION_OF_ACCOUNT:
        return f"hard-coded:{match.group(1)}"
    if "${" in value:
        return "unknown"
    return "other"


def _only_computed(value: str) -> bool:
    """`arn:aws:iam::${data.aws_caller_identity.current.account_id}:root` names a real account."""
    literal = re.sub(r"\$\{[^}]*\}", "", value)
    return not _PLACEHOLDER.search(literal) and "${" in value


# --- the region --------------------------------------------------------------------------------


def _region(module: Module, lb: Block) -> Any:
    """The load balancer's region: its own `region`, else its provider's; UNKNOWN when not known."""
    own = lb.value("region", None)
    if isinstance(own, str):
        return own
    alias = None
    provider_attr = lb.get("provider")
    if provider_attr is not None:
        parts = provider_attr.source.strip().split(".")
        alias = parts[1] if len(parts) == 2 else UNKNOWN
    for provider in module.of_type("provider"):
        if provider.labels[:1] != ["aws"]:
            continue
        if (provider.value("alias", None) if provider.has("alias") else None) == alias:
            region = provider.value("region", UNKNOWN)
            return region if isinstance(region, str) and _REGION.match(region) else UNKNOWN
    return UNKNOWN


def _uses_account(region: Any) -> bool:
    """Regions in the ELB account list use the account; newer ones the log-delivery service.
    An unknown region is taken as an account region: the data source then fails loudly at plan
    ("unsupported AWS Region") in a newer region, where a wrong principal would fail silently."""
    return region is UNKNOWN or region in ELB_ACCOUNTS


def _region_note(region: Any) -> str:
    if region is UNKNOWN:
        return "the provider region cannot be evaluated"
    if region in ELB_ACCOUNTS:
        return f"the provider region is {region}"
    return f"the provider region {region} has no ELB account (it needs the {LOG_DELIVERY} service principal)"


# --- findings ----------------------------------------------------------------------------------


def _bad_principal(
    module: Module, bucket: Block, lb: Block, holder: Block, principal: Principal, why: str, region: Any
) -> Finding:
    written = principal.span.file.text[principal.span.start : principal.span.end] if principal.span else ""
    shown = principal.value
    if why == "placeholder":
        problem = f'the placeholder "{shown}"'
        effect = "ELB cannot write access logs there, and enabling logging fails"
    else:
        account = why.split(":", 1)[1]
        home = _REGION_OF_ACCOUNT[account]
        via = f" ({written.strip()})" if written and account not in written else ""
        problem = f"the hard-coded account {account}{via}, the ELB account of {home}"
        if region is UNKNOWN or region == home:
            effect = f"{_region_note(region)}; the policy breaks in any other region"
        else:
            effect = f"{_region_note(region)}, so ELB cannot write the logs"
    message = f"{holder.address} names the log writer of {lb.address} as {problem}: {effect}"
    fix = _principal_fix(module, lb, holder, principal, region)
    at = principal.span if principal.span is not None else holder
    return RULE.finding(at, message, key=f"{principal.kind}:{shown}", resource=holder.address, fix=fix)


def _missing_policy(module: Module, bucket: Block, lbs: list[Block], region: Any) -> Finding:
    lb = lbs[0]
    edits, name = _new_policy(module, bucket, lbs, region)
    # Point at the load balancer's access_logs: that is what the change enables.
    logs = lb.nested("access_logs")[0]
    fix = Fix.safe(f"Add aws_s3_bucket_policy.{name} admitting the ELB log writer", *edits)
    return RULE.finding(
        logs.get("bucket") or logs,
        f"{lb.address} sends its access logs to {bucket.address}, which has no bucket policy: "
        "ELB cannot write them, and enabling logging fails (ELB first writes a test object)",
        # A count/for_each a copy would not reproduce: no policy we can trust.
        fix=None if uncopyable_meta(module, bucket) else fix,
    )


# --- fixes -------------------------------------------------------------------------------------


def _service_account(module: Module, lb: Block) -> tuple[str, str | None]:
    """A reference to the ELB account data source of the load balancer's provider, and the
    block to add when the module has none."""
    provider = lb.get("provider")
    wanted = provider.source if provider is not None else None
    for data in module.data_sources("aws_elb_service_account"):
        same = data.get("provider")
        if (same.source if same is not None else None) == wanted:
            return f"{data.address}.arn", None
    name, n = "main", 2
    while module.find(f"data.aws_elb_service_account.{name}") is not None:
        name, n = f"main_{n}", n + 1
    header = f'data "aws_elb_service_account" "{name}"'
    text = HclBlock(header, [("provider", wanted)]).render() if wanted else header + " {}"
    return f"data.aws_elb_service_account.{name}.arn", text


def _principal_fix(module: Module, lb: Block, holder: Block, principal: Principal, region: Any) -> Fix | None:
    span = principal.span
    if span is None:
        return None
    if _uses_account(region):
        ref, data_block = _service_account(module, lb)
        extra = [insert_after(holder, data_block)] if data_block else []
        if principal.form == JSON_TEXT:
            new = f'"${{{ref}}}"'
        elif principal.form == DOCUMENT and not principal.in_list:
            new = f"[{ref}]"
        else:
            new = ref
        return Fix.safe(
            f"Name the region's ELB account through {ref.rsplit('.', 1)[0]}",
            edit(span.file, span.start, span.end, new),
            *extra,
        )
    if not principal.alone or principal.whole is None:
        return None
    service = hcl_string(LOG_DELIVERY)
    description = f"Grant the {LOG_DELIVERY} service principal"
    if principal.form == DOCUMENT:
        block: Block = principal.whole
        type_attr, identifiers = block.get("type"), block.get("identifiers")
        return Fix.safe(
            description,
            edit(type_attr.file, type_attr.value_start, type_attr.value_end, hcl_string("Service")),
            edit(identifiers.file, identifiers.value_start, identifiers.value_end, f"[{service}]"),
        )
    whole: Span = principal.whole
    new = f'"Service": {service}' if principal.form == JSON_TEXT else f"{{ Service = {service} }}"
    return Fix.safe(description, edit(whole.file, whole.start, whole.end, new))


def _prefix(lbs: list[Block]) -> str | None:
    """The common literal log prefix of the load balancers ("" for none), None when unknown."""
    prefixes = set()
    for lb in lbs:
        for logs in lb.nested("access_logs"):
            value = logs.value("prefix", "")
            prefixes.add(value if isinstance(value, str) else None)
    return prefixes.pop() if len(prefixes) == 1 else None


def _new_policy(module: Module, bucket: Block, lbs: list[Block], region: Any) -> tuple[list[TextEdit], str]:
    lb = lbs[0]
    name = free_name(module, "aws_s3_bucket_policy", bucket.name)
    data_blocks: list[str] = []
    if _uses_account(region):
        ref, data_block = _service_account(module, lb)
        principal = f"{{ AWS = {ref} }}"
        if data_block:
            data_blocks.append(data_block)
    else:
        principal = f"{{ Service = {hcl_string(LOG_DELIVERY)} }}"
    callers = module.data_sources("aws_caller_identity")
    if callers:
        account = f"{callers[0].address}.account_id"
    else:
        account = "data.aws_caller_identity.current.account_id"
        data_blocks.append('data "aws_caller_identity" "current" {}')
    arn = instance_ref(bucket, "arn")
    prefix = _prefix(lbs)
    if prefix is None:
        resource = f'"${{{arn}}}/*"'
    else:
        path = f"{prefix.strip('/')}/" if prefix else ""
        resource = f'"${{{arn}}}/{path}AWSLogs/${{{account}}}/*"'
    policy = "\n".join(
        [
            "jsonencode({",
            '  Version = "2012-10-17"',
            "  Statement = [{",
            '    Sid       = "AllowELBAccessLogs"',
            '    Effect    = "Allow"',
            '    Action    = "s3:PutObject"',
            f"    Principal = {principal}",
            f"    Resource  = {resource}",
            "  }]",
            "})",
        ]
    )
    block = HclBlock(
        f'resource "aws_s3_bucket_policy" "{name}"',
        [*meta_arguments(bucket), ("bucket", instance_ref(bucket)), ("policy", policy)],
    )
    text = "\n\n".join([block.render(), *data_blocks])
    edits = [insert_after(bucket, text)]
    for each in lbs:
        # Creating the load balancer after the policy avoids a failed first write, but where the
        # bucket already waits for the load balancer that order would be a dependency cycle.
        if not module.reference_graph().depends_on(bucket.address, each.address):
            edits.extend(add_depends_on(each, f"aws_s3_bucket_policy.{name}"))
    return edits, name
