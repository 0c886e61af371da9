"""What `/tapfix` changes: the engine's verified fixes for findings in the PR's changed files, and
what it leaves alone, with the reason.

Each touched module is fixed by the engine (fixes limited to findings in the changed files, the
requested rules, and safe fixes unless `--unsafe`); it reports the findings it left and why (unsafe,
failed verification), and what a scan of the module as the fixes leave it reports: what has no
automatic fix, and the fixable findings in files the PR did not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fixers.api import Applicability, Config, Finding, ModuleInput, fix, under, why_not_writable


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
    touched = [m for m in modules if any(p in targets for p in m.files)]
    outcomes = fix(touched, config, unsafe=unsafe, rule_ids=wanted, paths=targets)
    for module, outcome in zip(touched, outcomes, strict=True):
        in_module = {p for p in module.files if p in targets}
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
        for finding in outcome.findings_after:
            if finding.suppressed or (wanted is not None and finding.rule_id not in wanted):
                continue
            skipped = _skipped(left.get(finding.identity, finding), finding.path in in_module, unsafe)
            if skipped is not None:
                result.skipped.append(skipped)
    result.fixed.sort(key=lambda i: (i.path, i.line, i.rule_id))
    result.skipped.sort(key=lambda s: (s.item.path, s.item.line, s.item.rule_id))
    return result


def _skipped(finding: Finding, in_changed_file: bool, unsafe: bool) -> Skipped | None:
    """`finding` is the fixing's own (verified) copy when it left the finding, else the scan's after it."""
    item = Item.of(finding)
    offered = finding.fix
    if not in_changed_file:
        return Skipped(item, SkipReason.OUTSIDE_CHANGED_FILES) if offered is not None else None
    if offered is None:
        if finding.fix_rejected:
            return Skipped(item, SkipReason.FAILED_VERIFICATION, finding.fix_rejected)
        return Skipped(item, SkipReason.NO_FIX)
    if offered.applicability == Applicability.DISPLAY_ONLY:
        return Skipped(item, SkipReason.DISPLAY_ONLY)
    if offered.applicability == Applicability.UNSAFE and not unsafe:
        return Skipped(item, SkipReason.UNSAFE)
    return Skipped(item, SkipReason.NOT_APPLIED)
