"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif).

Locations are relative to the working directory through the `%SRCROOT%` base, so a scan started at the
repository root gives the repository-relative paths code scanning expects. An artifact's `uri` is a URI
reference (SARIF 2.1.0 URI-valued properties, RFC 3986): every byte of the path other than an unreserved character or `/`
is percent-encoded (`a#b.tf` is `a%23b.tf`, a space `%20`, a `%` itself `%25`), as CodeQL writes them,
so a `#`, `?` or `:` in a file name cannot turn into a fragment, a query or a scheme. Columns count Unicode code
points, as tapfix's offsets do. Fixes become SARIF `fixes` (line/column `deletedRegion` plus
`insertedContent`), suppressed findings carry an `inSource` suppression, unreadable files are tool
execution notifications.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from bot import rule_catalog
from bot.formats import Context, tool_failures
from bot.terminal_text import json_text
from fixers.api import Applicability, Finding, Fix, Rule, ScanError, ScanReport, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/tapfix/tapfix"
SRCROOT = "%SRCROOT%"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
# GitHub ranks security alerts by this score (critical >= 9.0, high >= 7.0, medium >= 4.0).
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}
# The catalog numbers rules by area (docs/rules.md lists them): 1xx network exposure, 2xx data stores and
# secrets, 3xx observability, 4xx resilience, 5xx module hygiene; TAP000 is about the input itself.
_AREA = {"0": "correctness", "1": "security", "2": "security", "3": "observability", "4": "reliability"}


def _area(rule_id: str) -> str:
    return _AREA.get(rule_id[3:4], "maintainability")


def _artifact(path: str, context: Context) -> dict[str, Any]:
    shown = context.shown(path)
    if PurePosixPath(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown, safe="/"), "uriBaseId": SRCROOT}


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    region = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    if (end_line, end_column) > (line, column):
        region.update(endLine=end_line, endColumn=end_column)
    return region


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    page = rule_catalog.docs_page(rule.id)
    url = rule_catalog.docs_url(rule.id)
    properties: dict[str, Any] = {
        "tags": ["terraform", "aws", _area(rule.id)],
        "precision": "very-high",
        "problem.severity": {"error": "error", "warning": "warning", "note": "recommendation"}[
            _LEVEL[rule.severity]
        ],
    }
    if _area(rule.id) == "security":
        properties["security-severity"] = _SECURITY_SEVERITY[rule.severity]
    # SARIF has no field for what a rule can fix: the property bag carries the rule's declaration.
    properties["fixAvailability"] = rule.fix_availability.value
    properties["fixApplicabilities"] = [a.value for a in rule.fixes]
    help_text = f"{rule.why}\n\nFix: {rule_catalog.fix_summary(rule)}. Documentation: {url}"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": rule.why},
        "help": {"text": help_text, "markdown": page or help_text},
        "helpUri": url,
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": properties,
    }


def _fix(fix: Fix, context: Context) -> dict[str, Any]:
    by_path: dict[str, list] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.path, []).append(edit)
    label = "" if fix.applicability == Applicability.SAFE else f" ({fix.applicability.value})"
    return {
        "description": {"text": fix.description + label},
        "artifactChanges": [
            {
                "artifactLocation": _artifact(path, context),
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": e.line,
                            "startColumn": e.column,
                            "endLine": e.end_line,
                            "endColumn": e.end_column,
                        },
                        "insertedContent": {"text": e.new_text},
                    }
                    for e in sorted(edits, key=lambda e: (e.start, e.end))
                ],
            }
            for path, edits in sorted(by_path.items())
        ],
    }


def result(finding: Finding, index: dict[str, int], context: Context) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": _artifact(finding.path, context),
            "region": _region(finding.line, finding.column, finding.end_line, finding.end_column),
        }
    }
    if finding.resource:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.resource, "kind": "resource"}]
    out: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {"tapfix/v1": finding.fingerprint},
        "properties": {"severity": finding.severity.value, "name": finding.name},
    }
    if finding.rule_id in index:
        out["ruleIndex"] = index[finding.rule_id]
    if finding.fix is not None:
        out["fixes"] = [_fix(finding.fix, context)]
    if finding.suppressed:
        out["suppressions"] = [{"kind": "inSource", "justification": finding.suppression_reason or ""}]
    return out


def _notification(error: ScanError, context: Context) -> dict[str, Any]:
    out: dict[str, Any] = {
        "level": "error",
        "message": {"text": f"{error.path}: {error.message}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(error.path, context),
                    "region": _region(error.line, error.column, error.line, error.column),
                }
            }
        ],
    }
    if error.rule_id is not None:  # the rule that crashed or ran out of time
        out["associatedRule"] = {"id": error.rule_id}
    return out


def document(report: ScanReport, context: Context) -> dict[str, Any]:
    rules = rule_catalog.rules()
    index = {rule.id: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "tapfix",
                "version": context.version,
                "semanticVersion": context.version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(r) for r in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [result(f, index, context) for f in report.findings],
        "invocations": [
            {
                "executionSuccessful": not tool_failures(report.errors),
                "toolExecutionNotifications": [_notification(e, context) for e in report.errors],
            }
        ],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: ScanReport, context: Context) -> str:
    return json_text(json.dumps(document(report, context), indent=2, ensure_ascii=False)) + "\n"
