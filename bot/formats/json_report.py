"""`--format json`: the public contract documented in docs/cli.md. The listed fields keep their names and
meaning; fields after them (column, fingerprint, suppressed, ...) are additions.

Paths are relative to the scanned directory; `root` says where that directory is.
"""

from __future__ import annotations

import json
from typing import Any

from bot.formats import Context
from bot.terminal_text import json_text
from fixers.api import Finding, Fix, ScanError, ScanReport


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability.value,
        "edits": [edit.model_dump() for edit in fix.edits],
        "description": fix.description,
        "creates": list(fix.creates),
        "new_providers": list(fix.new_providers),
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "end_line": finding.end_line,
        "resource": finding.resource,
        "message": finding.message,
        "fix": _fix(finding.fix),
        "name": finding.name,
        "column": finding.column,
        "end_column": finding.end_column,
        "fix_rejected": finding.fix_rejected,
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
        "fingerprint": finding.fingerprint,
        "module": finding.module,
        "docs_url": finding.docs_url,
    }


def error_dict(error: ScanError) -> dict[str, Any]:
    return {
        "path": error.path,
        "line": error.line,
        "message": error.message,
        "column": error.column,
        "kind": error.kind.value,
        "rule_id": error.rule_id,
    }


def document(report: ScanReport, context: Context) -> dict[str, Any]:
    return {
        "tool": "tapfix",
        "version": context.version,
        "findings": [finding_dict(f) for f in report.findings],
        "errors": [error_dict(e) for e in report.errors],
        "root": context.root or ".",
        "files": report.files,
        "modules": report.modules,
    }


def render(report: ScanReport, context: Context) -> str:
    return json_text(json.dumps(document(report, context), indent=2, ensure_ascii=False)) + "\n"
