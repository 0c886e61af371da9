"""`cause_of` follows the module's references from a new finding's resource to the changed line that
caused it: through the reference graph, in both directions, to the local (not the whole `locals`
block) that mentions the resource."""

from __future__ import annotations

from bot.github.compare import Cause, cause_of
from bot.github.diff import FileDiff, Hunk
from fixers.api import Config, Finding, ModuleInput, ReviewedModule, Severity, Span

LOCALS = 'locals {\n  env = "prod"\n}\n\nlocals {\n  name = aws_s3_bucket.logs.bucket\n}\n'
S3 = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
OTHER = 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'


def changed(path: str, *lines: int) -> FileDiff:
    hunk = Hunk(0, min(lines), len(lines), frozenset(lines), frozenset(lines))
    return FileDiff(path=path, status="modified", hunks=[hunk])


def finding_on(resource: str) -> Finding:
    return Finding(
        rule_id="TAP201",
        name="s3-versioning-missing",
        severity=Severity.HIGH,
        path="s3.tf",
        line=1,
        end_line=3,
        resource=resource,
        message="m",
    )


def related(resource: str) -> list[Span]:
    files = {"locals.tf": LOCALS, "s3.tf": S3, "a.tf": OTHER}
    module = ModuleInput(path=".", files={p: t.encode() for p, t in files.items()})
    return ReviewedModule(module, Config()).related_spans(resource)


def test_a_changed_local_that_reads_the_resource_is_the_cause_even_in_a_second_locals_block():
    diffs = {"a.tf": changed("a.tf", 2), "locals.tf": changed("locals.tf", 6)}
    assert cause_of(finding_on("aws_s3_bucket.logs"), related("aws_s3_bucket.logs"), diffs) == Cause(
        "locals.tf", 6
    )


def test_a_change_no_reference_connects_is_only_the_fallback():
    diffs = {"a.tf": changed("a.tf", 2), "locals.tf": changed("locals.tf", 2)}
    assert cause_of(finding_on("aws_s3_bucket.logs"), related("aws_s3_bucket.logs"), diffs) == Cause(
        "a.tf", 2
    )
