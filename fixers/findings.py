"""The engine's public data: rules, findings, fixes and edits.

These models cross the boundary into `bot/` (CLI output, PR reviews, `/tapfix`), so they are
pydantic models with a stable shape; everything inside the engine is plain functions over them.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


class Applicability(StrEnum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


class FixAvailability(StrEnum):
    """Whether a rule's findings carry a fix, as the rule produces them (ruff's `FixAvailability`):
    every finding, some of them, or none. Verification may still withhold a fix the rule produced."""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NONE = "none"


class TextEdit(BaseModel):
    """Replace `text[start:end]` of one file with `new_text`.

    Offsets are character offsets into the file's decoded text (BOM removed, line endings as in
    the file). `new_text` uses "\\n"; applying an edit converts it to the file's own line ending.
    Line/column fields are 1-based and derived from the offsets, for reporters.
    A `path` that does not exist yet creates that file (start == end == 0).
    """

    model_config = ConfigDict(frozen=True)

    path: str
    start: int
    end: int
    new_text: str
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0


class Fix(BaseModel):
    model_config = ConfigDict(frozen=True)

    applicability: Applicability
    description: str
    edits: tuple[TextEdit, ...]
    # What applying the fix adds to the infrastructure, filled in by the engine from the edits: the
    # resources it declares (each may cost money), and the providers they need that the module did
    # not use (`terraform init` must run again).
    creates: tuple[str, ...] = ()
    new_providers: tuple[str, ...] = ()

    @property
    def adds_resources(self) -> bool:
        return bool(self.creates)

    @property
    def additions_label(self) -> str:
        """`adds 3 resources, provider random`, or "" when the fix only edits what exists."""
        if not self.creates:
            return ""
        count = len(self.creates)
        label = f"adds {count} resource" + ("" if count == 1 else "s")
        if self.new_providers:
            label += ", provider " + ", ".join(self.new_providers)
        return label

    @property
    def paths(self) -> list[str]:
        return sorted({e.path for e in self.edits})

    @classmethod
    def safe(cls, description: str, *edits: TextEdit | list[TextEdit]) -> Fix:
        return cls(applicability=Applicability.SAFE, description=description, edits=_flatten(edits))

    @classmethod
    def unsafe(cls, description: str, *edits: TextEdit | list[TextEdit]) -> Fix:
        return cls(applicability=Applicability.UNSAFE, description=description, edits=_flatten(edits))

    @classmethod
    def display_only(cls, description: str, *edits: TextEdit | list[TextEdit]) -> Fix:
        return cls(applicability=Applicability.DISPLAY_ONLY, description=description, edits=_flatten(edits))


def _flatten(edits: tuple[TextEdit | list[TextEdit], ...]) -> tuple[TextEdit, ...]:
    out: list[TextEdit] = []
    for e in edits:
        out.extend(e if isinstance(e, (list, tuple)) else [e])
    return tuple(out)


class Finding(BaseModel):
    """One problem in one place. `identity` names it independently of line numbers."""

    rule_id: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int = 1
    end_line: int
    end_column: int = 1
    resource: str | None = None
    message: str
    # What distinguishes two findings of one rule on one resource (an attribute, a rule index...).
    key: str = ""
    fix: Fix | None = None
    # Why a fix the rule proposed is not offered (failed verification), or None.
    fix_rejected: str | None = None
    suppressed: bool = False
    suppression_reason: str | None = None
    module: str = "."
    docs_url: str | None = None
    # Evidence that does not belong to the message but helps reviewers (e.g. the line that caused it).
    related: list[str] = Field(default_factory=list)
    # `tapfix fix` reports findings at their lines before any fix; one that a fix brought about has
    # only lines in the fixed files, and says so.
    located_after_fixes: bool = False

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.rule_id, self.module, self.resource or self.path, self.key)

    @property
    def fingerprint(self) -> str:
        """Stable across line moves and rebases: rule, module, resource and key, never line numbers."""
        raw = "\x1f".join(self.identity)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


class ErrorKind(StrEnum):
    """What went wrong. Consumers (exit codes, formats, the PR summary) decide by kind, never by path."""

    PARSE = "parse"  # a .tf file that does not parse, or that Terraform would reject as written
    UNREADABLE = "unreadable"  # a file tapfix could not read: encoding, size, a link out of the workspace
    PLAN = "plan"  # a plan JSON tapfix cannot use
    RULE_CRASH = "rule-crash"  # a rule raised an exception on a module
    RULE_TIMEOUT = "rule-timeout"  # a rule used up its CPU time on a module

    @property
    def about_a_file(self) -> bool:
        """A problem of one file's content, which TAP000 reports as a finding at its location."""
        return self in (ErrorKind.PARSE, ErrorKind.UNREADABLE)

    @property
    def incomplete(self) -> bool:
        """The run could not check what it was asked to (exit code 2, SARIF `executionSuccessful`
        false): its silence about that module or plan cannot be trusted."""
        return not self.about_a_file


class ScanError(BaseModel):
    """A problem that kept tapfix from checking something, located: a file it could not read or
    parse (at the line and column), a plan it cannot use, or a rule that failed on a module (`path`
    is then the module's folder, `rule_id` the rule). Returned by the function that met it, never
    raised."""

    kind: ErrorKind
    path: str
    line: int = 1
    column: int = 1
    message: str
    rule_id: str | None = None


class Rule(BaseModel):
    """A rule's metadata. Its detector lives next to it as `check(module, options)`."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    severity: Severity
    why: str
    # The applicability of the fixes it offers: one, or each one its findings can carry (a fix that is
    # safe on one block may be unsafe or display-only on another); None when it offers none.
    fix: Applicability | tuple[Applicability, ...] | None = None
    # Whether its findings carry a fix: always, sometimes, or never (NONE, with no `fix` above).
    fix_availability: FixAvailability = FixAvailability.NONE
    # Other kinds of finding reported under the same ID, each with its own name and severity (TAP000's
    # `suppression-invalid`). Each name selects and ignores its own findings; the ID covers them all.
    also: tuple[tuple[str, Severity], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *(name for name, _ in self.also))

    # Whether the rule runs without being selected: only rules that were right on at least 9 of 10
    # findings read on public code (benchmarks/realworld) are; the rule's docs page gives the figure.
    default: bool = True

    @model_validator(mode="after")
    def _availability_matches_the_kinds(self) -> Rule:
        if (self.fix_availability == FixAvailability.NONE) != (not self.fixes):
            raise ValueError(
                f"{self.id}: fix_availability {self.fix_availability.value} with fix kinds "
                f"{[a.value for a in self.fixes]}: a rule offers no fix exactly when it declares no kind"
            )
        return self

    @property
    def fixable(self) -> bool:
        return bool(self.fixes)

    @property
    def fixes(self) -> tuple[Applicability, ...]:
        """Every applicability its fixes can have, safest first."""
        declared = (self.fix,) if isinstance(self.fix, Applicability) else self.fix or ()
        return tuple(a for a in Applicability if a in declared)

    def undeclared_fix(self, finding: Finding) -> str | None:
        """How a finding the rule produced (before verification) exceeds what the rule declares, or
        None: a fix of a kind it does not declare, any fix when it declares none, no fix when it
        declares one always."""
        fix = finding.fix
        if fix is None:
            if self.fix_availability == FixAvailability.ALWAYS:
                return "it carries no fix, but the rule declares a fix on every finding"
            return None
        if fix.applicability not in self.fixes:
            declared = "/".join(a.value for a in self.fixes) or "none"
            return f"its fix is {fix.applicability.value}, but the rule declares {declared}"
        return None

    def finding(
        self,
        at: Any,
        message: str,
        *,
        key: str = "",
        fix: Fix | None = None,
        resource: str | None = None,
        related: list[str] | None = None,
    ) -> Finding:
        """A finding located at `at` (a model Block or Attribute, or anything with `file`, `start`
        and `end`). The resource is the top-level block that holds `at`, unless given."""
        file = at.file
        line, column = file.line_col(at.start)
        end_line, end_column = file.line_col(max(at.end, at.start))
        if resource is None:
            holder = at if hasattr(at, "blocks") else getattr(at, "block", None)
            while holder is not None and getattr(holder, "parent", None) is not None:
                holder = holder.parent
            resource = holder.address if holder is not None else None
        return Finding(
            rule_id=self.id,
            name=self.name,
            severity=self.severity,
            path=file.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            resource=resource,
            message=message,
            key=key,
            fix=fix,
            related=related or [],
        )
