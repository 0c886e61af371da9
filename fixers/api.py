"""The engine's public API: everything `bot/` (the CLI, the report formats, the PR review, `/tapfix`)
uses of `fixers/`, and nothing else is meant for it (tests/test_public_api.py holds `bot/` to this).

- Work: `scan` modules (from disk with `discover`, or in memory as `ModuleInput`s) or a plan
  (`scan_plan`), `fix` them, and, for a PR, `ReviewedModule` (verify one fix alone, the code
  related to a finding), `files_read` (the files a module's configuration reads) and `local_calls`
  (the folders of the modules it calls).
- Data: the findings and fixes (`Finding`, `Fix`, `TextEdit`, `Applicability`, `Severity`), typed
  errors (`ScanError` with an `ErrorKind`), reports (`ScanReport`, `FixOutcome`), the rule catalog
  (`rule_catalog`, `Rule`) and the configuration (`Config`, `load_config`).
- Reading and writing safely: the boundary helpers (`read_inside`, `boundary_for`, `under`,
  `why_not_writable`, ...) and the text helpers a suggestion needs (`decode`, `apply_edits`, `edit`).

A module of its own rather than `fixers/__init__.py`: every `fixers.x` import runs the package's
`__init__`, so re-exports there would load the whole engine (and import it in a cycle) whenever any
part of it is imported. Importing this module loads the engine: the CLI imports it inside the
subcommands, so that `tapfix --help` stays instant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fixers.config import (
    CONFIG_NAMES,
    Config,
    ConfigError,
    FailOn,
    UnknownRule,
    catalog_rule_ids,
    load_config,
)
from fixers.confined import (
    LeavesBoundary,
    NotRead,
    boundary_for,
    inside,
    read_inside,
    repository_of,
    under,
    why_not_writable,
)
from fixers.edits import OverlappingEdits, apply_edits, edit
from fixers.engine import (
    DOCS_URL,
    MAX_CALL_DEPTH,
    FixOutcome,
    LoadedModule,
    ScanReport,
    check,
    fix_module,
    load,
    map_modules,
    module_size,
    scan,
    scan_plan,
    shared_parses,
    verify_alone,
)
from fixers.evaluate import referenced_files
from fixers.findings import (
    Applicability,
    ErrorKind,
    Finding,
    Fix,
    FixAvailability,
    Rule,
    ScanError,
    Severity,
    TextEdit,
)
from fixers.gc_tuning import collect_less
from fixers.hcl.parser import HclSyntaxError, parse
from fixers.hcl.source import MAX_FILE_BYTES, SourceText, UnreadableFile, decode
from fixers.module import released_afterwards
from fixers.module_files import MAX_READ_BYTES, MemoryFiles, scan_path
from fixers.plan_json import looks_like_plan
from fixers.related import Span, related_spans
from fixers.rules import all_rules, resolve_rule
from fixers.workspace import (
    ModuleInput,
    NothingToScan,
    VariableValues,
    discover,
    environment_values,
    is_terraform_file,
    local_call_folder,
    matches_any,
)

__all__ = [
    "CONFIG_NAMES",
    "DOCS_URL",
    "MAX_CALL_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_READ_BYTES",
    "Applicability",
    "Config",
    "ConfigError",
    "ErrorKind",
    "FailOn",
    "Finding",
    "Fix",
    "FixAvailability",
    "FixOutcome",
    "HclSyntaxError",
    "LeavesBoundary",
    "MemoryFiles",
    "ModuleInput",
    "NotRead",
    "NothingToScan",
    "OverlappingEdits",
    "ReviewedModule",
    "Rule",
    "ScanError",
    "ScanReport",
    "Severity",
    "SourceText",
    "Span",
    "TextEdit",
    "UnknownRule",
    "UnreadableFile",
    "VariableValues",
    "apply_edits",
    "boundary_for",
    "catalog_rule_ids",
    "collect_less",
    "decode",
    "discover",
    "edit",
    "environment_values",
    "files_read",
    "fix",
    "hcl_syntax_error",
    "inside",
    "is_terraform_file",
    "load_config",
    "local_call_folder",
    "local_calls",
    "looks_like_plan",
    "matches_any",
    "read_inside",
    "repository_of",
    "resolve_rule",
    "rule_catalog",
    "scan",
    "scan_path",
    "scan_plan",
    "shared_parses",
    "under",
    "why_not_writable",
]


def rule_catalog() -> list[Rule]:
    """Every rule tapfix has, in ID order, whether enabled by default or not."""
    return [unit.rule for unit in all_rules()]


def hcl_syntax_error(text: str) -> HclSyntaxError | None:
    """Where `text` (a variable file the user names) stops being HCL, or None when it parses."""
    try:
        parse(text)
    except HclSyntaxError as exc:
        return exc
    return None


@dataclass(frozen=True)
class _FixWork:
    module: ModuleInput
    config: Config
    unsafe: bool
    rule_ids: frozenset[str] | None
    paths: frozenset[str] | None
    add_resources: bool


def _fix_one(work: _FixWork) -> FixOutcome:
    paths = work.paths
    if work.module.targets is not None:
        paths = frozenset(work.module.targets) if paths is None else paths & work.module.targets
    return fix_module(
        work.module,
        work.config,
        unsafe=work.unsafe,
        rule_ids=set(work.rule_ids) if work.rule_ids is not None else None,
        paths=set(paths) if paths is not None else None,
        add_resources=work.add_resources,
    )


def fix(
    modules: list[ModuleInput],
    config: Config,
    *,
    unsafe: bool = False,
    rule_ids: set[str] | None = None,
    paths: set[str] | None = None,
    add_resources: bool = True,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[FixOutcome]:
    """Apply every verified fix of each module (in the order of `modules`), until none is left:
    safe ones, and unsafe ones with `unsafe`; only for findings of `rule_ids` and in `paths` (and in
    the module's `targets`) when given; without `add_resources`, fixes that declare new resources
    are left for the user. Nothing is written: each outcome holds the new texts, what was applied
    and skipped (and why), and what a scan of the fixed module reports. Many modules are fixed in
    worker processes, as `scan` does."""
    work = [
        _FixWork(
            m,
            config,
            unsafe,
            frozenset(rule_ids) if rule_ids is not None else None,
            frozenset(paths) if paths is not None else None,
            add_resources,
        )
        for m in modules
    ]
    return map_modules(_fix_one, work, [module_size(m) for m in modules], jobs, progress=progress)


@released_afterwards()
def files_read(module: ModuleInput) -> set[str]:
    """The module-relative paths its configuration reads with `file()`, `templatefile()` and
    `filebase64()` (where the path is known and stays in its folder): what a caller without the
    module's folder on disk must fetch for a scan to see them (`ModuleInput.file_source`)."""
    return referenced_files(load(module).module)


@released_afterwards()
def local_calls(module: ModuleInput) -> list[str]:
    """The folders that the module's calls name by a local path (`./x`, `../x`, inside the scan
    root), in order: what a caller without the repository on disk must read for `scan` to follow
    them (`ModuleInput.modules`)."""
    if not any(b"module" in data for data in module.files.values()):
        return []
    folders: list[str] = []
    for call in load(module).module.of_type("module"):
        source = call.get("source")
        value = source.value() if source is not None else None
        folder = local_call_folder(module.path, value) if isinstance(value, str) else None
        if folder is not None and folder != module.path and folder not in folders:
            folders.append(folder)
    return folders


@dataclass
class ReviewedModule:
    """One module of a PR at its head, read once, for the questions a review asks after the scan:
    does a fix hold applied alone (a suggestion is committed alone), and which code is connected to
    a finding (to name the change that caused it)."""

    input: ModuleInput
    config: Config
    _loaded: LoadedModule | None = field(default=None, init=False, repr=False)
    _baseline: set | None = field(default=None, init=False, repr=False)

    def _module(self) -> LoadedModule:
        if self._loaded is None:
            self._loaded = load(self.input)
        return self._loaded

    def verify_alone(self, finding: Finding) -> str | None:
        """Why `finding`'s fix, applied on its own, must not be offered, or None when it is good."""
        loaded = self._module()
        if self._baseline is None:  # every finding of the module, not only those of the PR's files
            findings, _ = check(loaded, self.config)
            self._baseline = {f.identity for f in findings}
        return verify_alone(loaded, finding, self._baseline, self.config)

    def related_spans(self, address: str) -> list[Span]:
        """The lines of the block `address` and of the code connected to it by references in either
        direction, nearest first ([] when the module has no such block)."""
        return related_spans(self._module().module, address)
