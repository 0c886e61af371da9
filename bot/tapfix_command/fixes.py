"""What `/tapfix` changes: the engine's verified fixes for findings in the PR's changed files, and
what it leaves alone, with the reason.

Each touched module is fixed with `fix_module` (fixes limited to findings in the changed files,
the requested rules, and safe fixes unless `--unsafe`); it reports the findings it left and why
(unsafe, failed verification). The module is then scanned again as the fixes leave it, without
verifying (fix_module has verified everything it applied or rejected): that scan finds what has no
automatic fix, and the fixable findings in files the PR did not change.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace
from enum import StrEnum

from fixers.config import Config
from fixers.confined import under, why_not_writable
from fixers.engine import FixOutcome, fix_module, scan_module
from fixers.findings import Applicability, Finding
from fixers.workspace import ModuleInput


class SkipReason(StrEnum):
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"
    FAILED_VERIFICATION = "failed-verification"
    OUTSIDE_CHANGED_FILES = "outside-changed-files"
    NO_FIX = "no-fix"
    NOT_APPLIED = "not-applied"  # a verified fix still open after the engine's pass limit


@dataclass(frozen=True)
class Item:
    rule_id: str
    resource: str
    path: str
    line: int
    description: str = ""  # the fix's description, when there is one

    @classmethod
    def of(cls, finding: Finding) -> Item:
        description = finding.fix.description if finding.fix is not None else ""
        return cls(finding.rule_id, finding.resource, finding.path, finding.line, description)


@dataclass(frozen=True)
class Skipped:
    item: Item
    reason: SkipReason
    detail: str = ""  # why verification failed


@dataclass
class FixSet:
    files: dict[str, bytes] = field(default_factory=dict)  # path -> new content (changed or created)
    originals: dict[str, bytes | None] = field(default_factory=dict)  # None: the fix creates the file
    fixed: list[Item] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Files a fix would write that are no plain path in its module's folder (a label such as
    # `../../.github/workflows/x` becomes part of a file name): when there is one, nothing is written.
    refused: dict[str, str] = field(default_factory=dict)  # path -> why

    def skipped_for(self, *reasons: SkipReason) -> list[Skipped]:
        return [s for s in self.skipped if s.reason in reasons]


def compute(
    modules: list[ModuleInput],
    targets: set[str],
    config: Config,
    rules: tuple[str, ...] = (),
    unsafe: bool = False,
) -> FixSet:
    """Fix the findings in `targets` (the PR's changed files) of each module."""
    result = FixSet()
    wanted = set(rules) or None
    for module in modules:
        in_module = {p for p in module.files if p in targets}
        if not in_module:
            continue
        outcome = fix_module(module, config, unsafe=unsafe, rule_ids=wanted, paths=in_module)
        result.fixed += [Item.of(f) for f in outcome.applied]
        for path in sorted(outcome.texts):
            why = why_not_writable(path)
            if why is None and not under(path, module.path):
                why = f"it is outside the module folder {module.path}"
            if why is not None:
                result.refused[path] = why
                continue
            before = module.files.get(path, module.tfvars.get(path))
            after = outcome.encoded(path)
            if after != before:
                result.files[path] = after
                result.originals[path] = before
        left = {f.identity: f for f, _ in outcome.skipped}
        remaining, _ = scan_module(_after(module, outcome), config, verify=False)
        for finding in remaining:
            if finding.suppressed or (wanted is not None and finding.rule_id not in wanted):
                continue
            skipped = _skipped(left.get(finding.identity, finding), finding.path in in_module, unsafe)
            if skipped is not None:
                result.skipped.append(skipped)
    result.fixed.sort(key=lambda i: (i.path, i.line, i.rule_id))
    result.skipped.sort(key=lambda s: (s.item.path, s.item.line, s.item.rule_id))
    return result


def _skipped(finding: Finding, in_changed_file: bool, unsafe: bool) -> Skipped | None:
    """`finding` is fix_module's own (verified) copy when it left the finding, else the rescan's."""
    item = Item.of(finding)
    fix = finding.fix
    if not in_changed_file:
        return Skipped(item, SkipReason.OUTSIDE_CHANGED_FILES) if fix is not None else None
    if fix is None:
        if finding.fix_rejected:
            return Skipped(item, SkipReason.FAILED_VERIFICATION, finding.fix_rejected)
        return Skipped(item, SkipReason.NO_FIX)
    if fix.applicability == Applicability.DISPLAY_ONLY:
        return Skipped(item, SkipReason.DISPLAY_ONLY)
    if fix.applicability == Applicability.UNSAFE and not unsafe:
        return Skipped(item, SkipReason.UNSAFE)
    return Skipped(item, SkipReason.NOT_APPLIED)


def _after(module: ModuleInput, outcome: FixOutcome) -> ModuleInput:
    """The module as the fixes leave it (a created README.md is a neighbour, not a .tf file)."""
    files, tfvars, neighbours = dict(module.files), dict(module.tfvars), set(module.neighbours)
    for path in outcome.texts:
        if posixpath.dirname(path) != ("" if module.path == "." else module.path):
            continue
        if path in tfvars:
            tfvars[path] = outcome.encoded(path)
        elif path.endswith(".tf"):
            files[path] = outcome.encoded(path)
        else:
            neighbours.add(posixpath.basename(path))
    return replace(module, files=files, tfvars=tfvars, neighbours=neighbours)
