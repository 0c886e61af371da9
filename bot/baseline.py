"""`--write-baseline FILE` and `--baseline FILE`: a repository with existing findings records them once,
then reports only new ones (checkov's `--baseline`), so its hook and CI can start strict.

A finding is recorded by what it is about, never by its line: rule, module folder, resource (or file)
and the rule's key, the parts of `Finding.identity`. The module folder is written relative to the
baseline file's folder, so a baseline matches whichever folder is scanned, from wherever.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from fixers.api import Finding, NotRead, read_inside, repository_of

FORMAT = 1
MAX_BASELINE_BYTES = 64 * 1024 * 1024  # about 300,000 findings


class BaselineError(Exception):
    pass


def _module_from(base: Path, root: Path, module: str) -> str:
    folder = (root / module).resolve()
    try:
        return folder.relative_to(base).as_posix()
    except ValueError:
        return Path(os.path.relpath(folder, base)).as_posix()


def _entry(finding: Finding, base: Path, root: Path) -> dict[str, str]:
    rule, _, subject, key = finding.identity
    module = _module_from(base, root, finding.module)
    fingerprint = hashlib.sha256("\x1f".join((rule, module, subject, key)).encode()).hexdigest()[:16]
    return {"fingerprint": fingerprint, "rule_id": rule, "module": module, "resource": subject, "key": key}


def write(path: Path, findings: list[Finding], root: Path) -> str:
    """The baseline's text for the unsuppressed findings (`root`: the scanned folder)."""
    base = path.resolve().parent
    entries = sorted(
        {e["fingerprint"]: e for f in findings if not f.suppressed for e in [_entry(f, base, root)]}.values(),
        key=lambda e: (e["module"], e["resource"], e["rule_id"], e["key"]),
    )
    document = {"tool": "tapfix", "baseline": FORMAT, "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read(path: Path) -> set[str]:
    """The fingerprints a baseline file records."""
    # Like a tfvars file, a baseline in a repository may be a link a pull request planted: it is
    # read only within that repository, as a regular file, up to a size.
    try:
        data = read_inside(path, repository_of(path), MAX_BASELINE_BYTES, "the repository")
        document = json.loads(data.decode("utf-8"))
    except NotRead as exc:
        raise BaselineError(str(exc)) from None
    except OSError as exc:
        raise BaselineError(f"cannot read it: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"not a tapfix baseline (not JSON: {exc})") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or document.get("tool") != "tapfix":
        raise BaselineError("not a tapfix baseline (write one with `tapfix scan --write-baseline FILE`)")
    fingerprints = {e.get("fingerprint") for e in entries if isinstance(e, dict)}
    if None in fingerprints or not all(isinstance(f, str) for f in fingerprints):
        raise BaselineError("not a tapfix baseline: an entry has no fingerprint")
    return fingerprints


def new_findings(findings: list[Finding], path: Path, known: set[str], root: Path) -> list[Finding]:
    """The findings the baseline does not record (suppressed ones stay listed as such)."""
    base = path.resolve().parent
    return [f for f in findings if f.suppressed or _entry(f, base, root)["fingerprint"] not in known]
