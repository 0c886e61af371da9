"""The engine's entry points: scan modules, verify every fix, and apply fixes.

files -> Module -> rules -> Findings (with verified Fixes) -> callers in bot/.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import gc
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Tree
from pydantic import BaseModel

from fixers.config import Config
from fixers.edits import OverlappingEdits, apply_edits, edits_overlap
from fixers.evaluate import evaluate, is_known
from fixers.findings import Applicability, ErrorKind, Finding, Fix, ScanError, Severity, TextEdit
from fixers.gc_tuning import THRESHOLDS
from fixers.hcl.parser import prepare_parser
from fixers.hcl.source import MAX_FILE_BYTES, SourceText, UnreadableFile, decode
from fixers.limits import RULE_SECONDS, VERIFY_SECONDS, Budget
from fixers.model import Block
from fixers.module import Module, ParsedFile, parse_file, released_afterwards
from fixers.rules import RuleUnit, all_rules
from fixers.suppress import comment_lines_above, covers, suppressions_in
from fixers.suppress import problem as suppression_problem
from fixers.terraform_check import new_problem
from fixers.workspace import ModuleInput, VariableValues, tfvars_order

DOCS_URL = "https://github.com/tapfix/tapfix/blob/main/docs/rules/{rule_id}.md"
MAX_FIX_PASSES = 10
_PARALLEL_MIN_MODULES = 16
_CHECK_FILE_CHARS = 1024 * 1024
_MAX_JOBS = 8


class ScanReport(BaseModel):
    findings: list[Finding]
    errors: list[ScanError]
    files: int
    modules: int


# --- loading ----------------------------------------------------------------------------------


@dataclass
class _Shared:
    """What loads of the same modules share while one module's calls are followed, or inside
    `shared_parses`: each called module is loaded once for its own defaults and once per instance
    of each call. A parse tree is only read, never changed (fix verification parses its edited
    files itself, never through here), and a called module's own findings depend on its input
    alone."""

    parses: dict[tuple[str, bytes], ParsedFile] = field(default_factory=dict)  # by (path, bytes)
    # by id of (module input, config), each kept alive here so that no id is reused meanwhile
    own: dict[tuple[int, int], tuple[ModuleInput, Config, set[tuple]]] = field(default_factory=dict)


_shared: contextvars.ContextVar[_Shared | None] = contextvars.ContextVar("tapfix_shared_loads", default=None)


@contextlib.contextmanager
def shared_parses() -> Iterator[None]:
    """Inside the block, loading a module parses each of its files (path and bytes) only the first
    time, and a called module's own findings are computed once: for work that loads the same
    modules many times over, such as a PR review, which scans modules at both ends of the PR and
    through each module that calls them. What is shared stays in memory until the block ends."""
    if _shared.get() is not None:
        yield
        return
    token = _shared.set(_Shared())
    try:
        yield
    finally:
        _shared.reset(token)


def _parsed(path: str, data: bytes) -> ParsedFile:
    shared = _shared.get()
    if shared is None:
        return _parse_bytes(path, data)
    if (path, data) not in shared.parses:
        shared.parses[path, data] = _parse_bytes(path, data)
    return shared.parses[path, data]


def _parse_bytes(path: str, data: bytes) -> ParsedFile:
    try:
        source = decode(path, data)
    except UnreadableFile as exc:
        # Not parsed, but its lines must exist so TAP000 can point at the bad byte.
        shape = data.decode("utf-8", errors="replace") if len(data) <= MAX_FILE_BYTES else ""
        placeholder = SourceText(path=path, text=shape)
        error = ScanError(
            kind=ErrorKind.UNREADABLE, path=path, line=exc.line, column=exc.column, message=exc.message
        )
        return ParsedFile(placeholder, None, error)
    return parse_file(source)


@dataclass
class LoadedModule:
    input: ModuleInput
    module: Module
    parsed: dict[str, ParsedFile] = field(default_factory=dict)
    # rule ID -> why, for each rule that crashed or ran out of time on the module as loaded (set by
    # `check`): a fix must not be judged by a rule that fails only on the edited module.
    rule_failures: dict[str, str] = field(default_factory=dict)


def load(module_input: ModuleInput) -> LoadedModule:
    parsed = {p: _parsed(p, data) for p, data in module_input.files.items()}
    for path, why in module_input.unreadable.items():
        error = ScanError(kind=ErrorKind.UNREADABLE, path=path, message=why)
        parsed[path] = ParsedFile(SourceText(path=path, text=""), None, error)
    values = module_input.values or VariableValues()
    given = [(p, module_input.tfvars[p]) for p in tfvars_order(module_input.tfvars)] + list(values.files)
    tfvars = [pf for p, d in given if (pf := _parsed(p, d)).tree is not None]
    module = Module.build(module_input.path, parsed.values(), tfvars)
    module.environment = dict(values.environment)
    module.neighbours = set(module_input.neighbours)
    module.file_source = module_input.file_source
    _attach_calls(module, module_input.modules, module.path, "", (module.path,))
    return LoadedModule(module_input, module, parsed)


def _rebuild(loaded: LoadedModule, texts: dict[str, str]) -> LoadedModule:
    """The module with some files replaced; only the changed `.tf` files are parsed again."""
    parsed = dict(loaded.parsed)
    neighbours = set(loaded.module.neighbours)  # files an earlier fix pass created count too
    created = dict(loaded.module.created)  # and so does their content, for file() and templatefile()
    prefix = "" if loaded.input.path == "." else loaded.input.path + "/"
    for path, text in texts.items():
        name = path[len(prefix) :] if path.startswith(prefix) else path
        if path.endswith(".tf") and "/" not in name:
            old = parsed.get(path)
            source = SourceText(
                path=path,
                text=text,
                bom=old.source.bom if old else False,
                newline=old.source.newline if old else "\n",
            )
            parsed[path] = parse_file(source)
        else:
            neighbours.add(name)
            created[path] = text
    module = Module.build(loaded.input.path, parsed.values(), loaded.module.tfvars.values())
    module.neighbours = neighbours
    module.file_source, module.created = loaded.module.file_source, created
    module.environment = loaded.module.environment
    _attach_calls(module, loaded.input.modules, module.path, "", (module.path,))
    return LoadedModule(loaded.input, module, parsed)


# --- running rules ----------------------------------------------------------------------------


def _enabled_rules(config: Config) -> list[RuleUnit]:
    return [u for u in all_rules() if config.rule_enabled(u.rule.id, u.rule.name, u.rule.default)]


def run_rules(
    module: Module, config: Config, units: Iterable[RuleUnit] | None = None
) -> tuple[list[Finding], list[ScanError]]:
    """Every finding the rules report for `module`, suppressions marked, severities overridden; and
    an error for each rule that crashed, ran out of time (its findings are not reported) or broke
    its fix declaration."""
    findings: list[Finding] = []
    errors: list[ScanError] = []
    options = config.rule_options
    for unit in units if units is not None else _enabled_rules(config):
        try:
            with Budget(RULE_SECONDS) as budget:
                produced = list(unit.check(module, options))
        except Exception as exc:  # a rule bug must not cost the user the rest of the scan
            if os.environ.get("TAPFIX_DEBUG"):
                raise
            errors.append(
                ScanError(
                    kind=ErrorKind.RULE_CRASH,
                    path=module.path,
                    rule_id=unit.rule.id,
                    message=f"internal error in rule {unit.rule.id}: {type(exc).__name__}: {exc}",
                )
            )
            continue
        if budget.expired:
            errors.append(
                ScanError(
                    kind=ErrorKind.RULE_TIMEOUT,
                    path=module.path,
                    rule_id=unit.rule.id,
                    message=f"rule {unit.rule.id} stopped after {RULE_SECONDS:g} s of CPU time on this module "
                    "(tapfix's limit per rule); its findings in this module are not reported",
                )
            )
            continue
        for finding in produced:
            if (undeclared := unit.rule.undeclared_fix(finding)) is not None:
                errors.append(_exceeds_declaration(module, unit.rule.id, finding, undeclared))
            if config.per_path_ignore and config.ignored_at(finding.rule_id, finding.path, finding.name):
                continue
            finding.module = module.path
            finding.docs_url = DOCS_URL.format(rule_id=finding.rule_id)
            finding.severity = config.severity_of(finding.rule_id, finding.name) or finding.severity
            findings.append(finding)
    _mark_suppressed(module, findings)
    if config.rule_enabled(_SUPPRESSION_RULE, _SUPPRESSION_NAME):
        for problem in _suppression_problems(module):
            if not config.ignored_at(_SUPPRESSION_RULE, problem.path, _SUPPRESSION_NAME):
                problem.severity = (
                    config.severity_of(_SUPPRESSION_RULE, _SUPPRESSION_NAME) or problem.severity
                )
                findings.append(problem)
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule_id, f.key))
    return findings, errors


def check(loaded: LoadedModule, config: Config) -> tuple[list[Finding], list[ScanError]]:
    """`run_rules` on a loaded module, remembering which rules failed on it for fix verification."""
    findings, errors = run_rules(loaded.module, config)
    loaded.rule_failures = _rule_failures(errors)
    return findings, errors


def _exceeds_declaration(module: Module, rule_id: str, finding: Finding, why: str) -> ScanError:
    """A finding that breaks its rule's fix declaration is a bug of the rule: the catalog, `tapfix
    rules` and SARIF would describe its fixes wrongly. It is reported like a rule's crash (an error
    naming the module, so the run exits 2), located at the finding's file and resource (not its line,
    which a fix elsewhere in the file moves), and the undeclared fix is not offered."""
    if os.environ.get("TAPFIX_DEBUG"):
        raise AssertionError(f"{rule_id} at {finding.path}:{finding.line}: {why}")
    message = f"internal error in rule {rule_id}: its finding on {finding.resource or finding.path} in {finding.path}: {why}"
    if finding.fix is not None:
        finding.fix = None
        finding.fix_rejected = f"internal error in rule {rule_id}: {why}"
    return ScanError(kind=ErrorKind.RULE_CRASH, path=module.path, rule_id=rule_id, message=message)


def _mark_suppressed(module: Module, findings: list[Finding]) -> None:
    by_file = {p: suppressions_in(pf.source) for p, pf in module.files.items() if pf.tree is not None}
    if not any(by_file.values()):
        return
    suppression_lines = {p: [s.line for s in found] for p, found in by_file.items()}  # in text order
    above_cache: dict[tuple[str, int], set[int]] = {}
    for finding in findings:
        block = module.find(finding.resource) if finding.resource else None
        if block is not None:
            start, end, source = block.line, block.end_line, block.file
        else:
            start, end, source = finding.line, finding.end_line, module.file(finding.path)
        if source is None:
            continue
        if (source.path, start) not in above_cache:
            above_cache[source.path, start] = comment_lines_above(source, start)
        above = above_cache[source.path, start]
        # Only a suppression in the comment run above the block or inside it can cover it: looking
        # at those alone keeps a file of thousands of suppressed blocks linear, not quadratic.
        suppressions = by_file.get(source.path, [])
        first = bisect.bisect_left(suppression_lines.get(source.path, []), min(above, default=start))
        for s in suppressions[first:]:
            if s.line > end:
                break
            if s.reason and covers(s, finding.rule_id, source.path, start, end, above):
                finding.suppressed = True
                finding.suppression_reason = s.reason
                break


# A malformed `tapfix:ignore` comment is a problem with tapfix's input, not with the infrastructure, so it
# is reported under TAP000 (the code for input tapfix cannot use) with its own name and low severity,
# both declared by TAP000's rule (`also`): rule IDs are public and stable. The name selects, ignores
# and overrides the severity of these findings alone; TAP000 covers them and parse errors.
_SUPPRESSION_RULE = "TAP000"
_SUPPRESSION_NAME = "suppression-invalid"


def _comment_owners(module: Module, source: SourceText) -> dict[int, str]:
    """Line -> the top-level block a comment on that line belongs to: the block holding it or the one
    below it (the first such block, in module order). One pass, so that many malformed suppressions
    in a large file do not cost a walk over every block each."""
    owners: dict[int, str] = {}
    for block in module.blocks:
        if block.file is not source:
            continue
        for line in [*range(block.line, block.end_line + 1), *comment_lines_above(source, block.line)]:
            owners.setdefault(line, block.address)
    return owners


def _suppression_problems(module: Module) -> list[Finding]:
    found = []
    for path, parsed in module.files.items():
        if parsed.tree is None:
            continue
        source = parsed.source
        owners: dict[int, str] | None = None
        for s in suppressions_in(source):
            why = suppression_problem(s)
            if why is None:
                continue
            if owners is None:
                owners = _comment_owners(module, source)
            owner = owners.get(s.line)
            text = source.line_text(s.line)
            directive = text.find("tapfix:ignore")
            column = max(text.rfind("#", 0, directive), text.rfind("//", 0, directive)) + 1
            found.append(
                Finding(
                    rule_id=_SUPPRESSION_RULE,
                    name=_SUPPRESSION_NAME,
                    severity=Severity.LOW,
                    path=path,
                    line=s.line,
                    column=column,
                    end_line=s.line,
                    end_column=len(text) + 1,
                    resource=owner or path,
                    message=why,
                    key=f"suppression:{','.join(s.written)}" + ("" if owner else f":{s.line}"),
                    module=module.path,
                    docs_url=DOCS_URL.format(rule_id=_SUPPRESSION_RULE),
                )
            )
    return found


# --- verification -----------------------------------------------------------------------------


def apply_fix_texts(loaded: LoadedModule, edits: Iterable[object]) -> dict[str, str]:
    """The new text of every file the edits touch."""
    by_path: dict[str, list] = {}
    for e in edits:
        by_path.setdefault(e.path, []).append(e)
    texts = {}
    for path, file_edits in by_path.items():
        parsed = loaded.parsed.get(path)
        if parsed is not None:
            texts[path] = apply_edits(parsed.source.text, file_edits, parsed.source.newline)
        else:
            texts[path] = apply_edits("", file_edits)
    return texts


def _verify(loaded: LoadedModule, finding: Finding, baseline: set, config: Config) -> str | None:
    """Why the finding's fix must not be offered, or None when it is good."""
    assert finding.fix is not None
    try:
        texts = apply_fix_texts(loaded, finding.fix.edits)
    except OverlappingEdits as exc:
        return f"the fix's edits conflict ({exc})"
    rebuilt = _rebuild(loaded, texts)
    broken = [e for e in rebuilt.module.errors if e.path in texts]
    if broken:
        e = broken[0]
        return f"the edited {e.path} would not parse ({e.line}:{e.column}: {e.message})"
    cycle = _new_cycle(loaded.module, rebuilt.module)
    if cycle is not None:
        return f"the edit would make a dependency cycle, which Terraform rejects: {' -> '.join(cycle)}"
    invalid = new_problem(loaded.module, rebuilt.module)
    if invalid is not None:
        return f"terraform validate would reject the edited module: {invalid}"
    after, errors = run_rules(rebuilt.module, config)
    failed = _new_failures(loaded, errors)
    if failed:
        # A rule that crashed or ran out of time reports nothing: the finding would look fixed.
        return f"a rule could not check the edited module ({failed[0]})"
    after_ids = {f.identity for f in after}
    if finding.identity in after_ids:
        return "the finding would remain after the edit"
    new = [f for f in after if f.identity not in baseline]
    if new:
        return f"the edit would introduce {new[0].rule_id} ({new[0].message})"
    hidden = _hidden(loaded, [finding], baseline, after_ids)
    if hidden is not None:
        return (
            f"the {hidden[0]} finding on {hidden[2]} would disappear although the edit does not change "
            f"{hidden[2]}: {hidden[0]} could no longer check it, which is not fixing it"
        )
    return None


def _vanished(loaded: LoadedModule, fixes: list[Finding], baseline: set, after: set) -> list[tuple]:
    """(identity, block) of each finding of a rule other than the fixes' own that the fixes make
    disappear, when it is about a block (a finding about a file or the module cannot be told)."""
    rules = {f.rule_id for f in fixes}
    found = []
    for identity in sorted(baseline - after):
        block = loaded.module.find(identity[2]) if identity[0] not in rules else None
        if block is not None:
            found.append((identity, block))
    return found


def _touches(fix: Fix, block: Block) -> bool:
    """Does the fix edit inside the block? (A block inserted right after it does not.)"""
    return any(e.path == block.path and block.start < e.end and e.start < block.end for e in fix.edits)


def _hidden(loaded: LoadedModule, fixes: list[Finding], baseline: set, after: set) -> tuple | None:
    """A finding of another rule that disappears although no fix edits the block it is about: the
    edit more likely made that rule unable to see (a script moved to a file it cannot read) than
    fixed it. A fix that edits the block may fix both: TAP103's validation block for a variable is
    also what TAP503 asks for."""
    for identity, block in _vanished(loaded, fixes, baseline, after):
        if not any(_touches(f.fix, block) for f in fixes):
            return identity
    return None


def _splice(text: str, edits: list[TextEdit], base: int, newline: str) -> str:
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out += [
            text[pos : e.start - base],
            e.new_text.replace("\n", newline) if newline != "\n" else e.new_text,
        ]
        pos = e.end - base
    return "".join([*out, text[pos:]])


def _relocated(loaded: LoadedModule, edits: list[TextEdit]) -> Module | None:
    """The module as the edits leave it, for checking only: every top-level block an edit touches, and
    every block an edit inserts between blocks, is parsed on its own in an extra file, so unchanged
    blocks keep their parse and offsets. Terraform does not care which file of a module, or where in
    it, a block is, and neither do the rules; anything else (an edit across blocks, a new file, text
    that does not parse alone) gives None, and the caller re-parses the real files instead."""
    by_path: dict[str, list[TextEdit]] = {}
    for e in edits:
        by_path.setdefault(e.path, []).append(e)
    parsed = dict(loaded.parsed)
    neighbours = set(loaded.module.neighbours)
    created = dict(loaded.module.created)
    prefix = "" if loaded.input.path == "." else loaded.input.path + "/"
    for path, file_edits in by_path.items():
        old = loaded.parsed.get(path)
        name = path[len(prefix) :] if path.startswith(prefix) else path
        if old is None and not (path.endswith(".tf") and "/" not in name):
            neighbours.add(name)
            created[path] = apply_edits(created.get(path, ""), file_edits)
            continue
        if old is None or old.tree is None or not old.tree.children:
            return None
        body = old.tree.children[0]
        nodes = [c for c in body.children if isinstance(c, Tree) and c.data == "block"]
        spans = [(n.meta.start_pos, n.meta.end_pos) for n in nodes]
        touched: dict[int, list[TextEdit]] = {}  # blocks edited inside
        removed: set[int] = set()  # blocks an edit replaces whole
        between: list[TextEdit] = []  # text that lands between blocks
        # Top-level blocks do not overlap and come in file order: each edit is placed by bisection
        # (comparing it with every block made many fixes to a large file quadratic).
        starts = [s for s, _ in spans]
        edges = {p for span in spans for p in span}
        for e in file_edits:
            at_edge = e.start == e.end and e.start in edges
            last = bisect.bisect_right(starts, e.start) - 1  # the only block that can hold the edit
            if last >= 0 and e.end <= spans[last][1] and not at_edge:
                touched.setdefault(last, []).append(e)
                continue
            first = bisect.bisect_left(starts, e.start)
            after = first
            while after < len(spans) and spans[after][1] <= e.end:
                after += 1
            covered = set(range(first, after))
            # only the blocks on either side of the covered run can be cut
            if (first > 0 and spans[first - 1][1] > e.start and spans[first - 1][0] < e.end) or (
                after < len(spans) and spans[after][0] < e.end
            ):
                return None  # cuts a block in two
            removed |= covered
            if e.new_text.strip():
                between.append(e)
        if removed & touched.keys():
            return None
        source = old.source
        pieces = [
            (spans[i][0], _splice(source.text[spans[i][0] : spans[i][1]], es, spans[i][0], source.newline))
            for i, es in touched.items()
        ]
        pieces += [(e.start, e.new_text.replace("\n", source.newline)) for e in between]
        # In files of at most _CHECK_FILE_CHARS, so that the touched blocks of a file near the
        # parser's token limit do not go over it together.
        chunks: list[list[str]] = [[]]
        size = 0
        for _, text in sorted(pieces, key=lambda p: p[0]):
            if chunks[-1] and size + len(text) > _CHECK_FILE_CHARS:
                chunks.append([])
                size = 0
            chunks[-1].append(text)
            size += len(text)
        for n, chunk in enumerate(chunks):
            extra = SourceText(
                path=path[:-3] + (".tapfix-check.tf" if n == 0 else f".tapfix-check-{n}.tf"),
                text=(source.newline * 2).join(chunk),
                newline=source.newline,
            )
            checked = parse_file(extra)
            if checked.error is not None:
                return None
            parsed[extra.path] = checked
        gone = {id(nodes[i]) for i in removed | touched.keys()}
        kept = Tree(body.data, [c for c in body.children if id(c) not in gone], body.meta)
        parsed[path] = ParsedFile(source, Tree(old.tree.data, [kept, *old.tree.children[1:]], old.tree.meta))
    module = Module.build(loaded.input.path, parsed.values(), loaded.module.tfvars.values())
    module.neighbours = neighbours
    module.file_source, module.created = loaded.module.file_source, created
    module.environment = loaded.module.environment
    _attach_calls(module, loaded.input.modules, module.path, "", (module.path,))
    return module


def _clean_together(loaded: LoadedModule, group: list[Finding], baseline: set, config: Config) -> bool:
    """Do the group's fixes, applied at once, parse, remove every one of their findings, add none
    and hide none?"""
    after = _after(loaded, group, config)
    if after is None or not after <= baseline or any(f.identity in after for f in group):
        return False
    if _hidden(loaded, group, baseline, after) is not None:
        return False
    # A disappearance one fix's edit of the block excuses must not let another fix of the group
    # hide it: the others, applied without that fix, must leave the finding in place. One more
    # check here costs less than splitting the group down to single fixes.
    for identity, block in _vanished(loaded, group, baseline, after):
        others = [f for f in group if not _touches(f.fix, block)]
        if others and identity not in (_after(loaded, others, config) or set()):
            return False
    return True


def _after(loaded: LoadedModule, fixes: list[Finding], config: Config) -> set | None:
    """The identities a scan reports with the fixes applied, or None when the edits do not apply,
    do not parse, or make a rule fail."""
    edits = [e for f in fixes for e in f.fix.edits]
    relocated = _relocated(loaded, edits)
    if relocated is not None:
        # A wrong "no" costs only a split: the halves are checked next, and single fixes on real files.
        if _new_cycle(loaded.module, relocated) is not None or new_problem(loaded.module, relocated):
            return None
        findings, errors = run_rules(relocated, config)
        return None if _new_failures(loaded, errors) else {f.identity for f in findings}
    try:
        texts = apply_fix_texts(loaded, edits)
    except OverlappingEdits:
        return None
    rebuilt = _rebuild(loaded, texts)
    if (
        any(e.path in texts for e in rebuilt.module.errors)
        or _new_cycle(loaded.module, rebuilt.module)
        or new_problem(loaded.module, rebuilt.module)
    ):
        return None
    findings, errors = run_rules(rebuilt.module, config)
    return None if _new_failures(loaded, errors) else {f.identity for f in findings}


def _new_cycle(before: Module, after: Module) -> list[str] | None:
    """A dependency cycle the edits make (rules check findings, not the graph: a fix that adds a
    `depends_on` or a reference can close a loop through the user's own references)."""
    if before.reference_graph().cycle() is not None:
        return None  # already broken: not the fix's doing
    return after.reference_graph().cycle()


def _rule_failures(errors: list[ScanError]) -> dict[str, str]:
    """rule ID -> why, for the rules that crashed or ran out of time."""
    return {e.rule_id: e.message for e in errors if e.rule_id is not None}


def _new_failures(loaded: LoadedModule, errors: list[ScanError]) -> list[str]:
    """Why each rule failed on an edited module that did not fail on the module as loaded."""
    failed = _rule_failures(errors)
    return sorted(why for rule_id, why in failed.items() if rule_id not in loaded.rule_failures)


def _verify_group(loaded: LoadedModule, group: list[Finding], baseline: set, config: Config) -> None:
    if len(group) == 1:
        reason = _verify(loaded, group[0], baseline, config)
        if reason is not None:
            group[0].fix_rejected = reason
            group[0].fix = None
        return
    if _clean_together(loaded, group, baseline, config):
        return
    middle = len(group) // 2
    _verify_group(loaded, group[:middle], baseline, config)
    _verify_group(loaded, group[middle:], baseline, config)


def _disjoint_groups(loaded: LoadedModule, findings: list[Finding]) -> list[list[Finding]]:
    """First-fit: each fix joins the first group it does not conflict with. Fixes conflict when they
    cannot be applied to one text together: edits that overlap, or two edits of a file that does not
    exist yet. Unlike `edits_overlap` (which decides what one fix pass applies), two inserts at the
    same place are fine for checking: both land."""
    groups: list[_Group] = []
    for finding in findings:
        group = next((g for g in groups if g.fits(finding.fix, loaded.parsed)), None)
        if group is None:
            group = _Group()
            groups.append(group)
        group.add(finding, loaded.parsed)
    return [g.findings for g in groups]


class _Group:
    """Fixes that can be checked together, with their edits indexed so that a new fix is compared
    by bisection, not with every fix of the group (quadratic in the number of fixes). The edits of
    one group never overlap, so sorted by (start, end) their ends never decrease either."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.spans: dict[str, list[tuple[int, int]]] = {}  # existing file -> its edits' spans
        self.created: set[str] = set()  # files that do not exist yet: any two edits conflict
        self.closed = False

    def fits(self, fix: Fix, existing: dict[str, ParsedFile]) -> bool:
        if self.closed:
            return False
        for e in fix.edits:
            if e.path not in existing:
                if e.path in self.created:
                    return False
                continue
            spans = self.spans.get(e.path, [])
            before = bisect.bisect_left(spans, (e.end,))  # the spans that start before e ends
            if before and spans[before - 1][1] > e.start:
                return False
        return True

    def add(self, finding: Finding, existing: dict[str, ParsedFile]) -> None:
        self.findings.append(finding)
        own = sorted((e.path, e.start, e.end) for e in finding.fix.edits if e.path in existing)
        if any(a[0] == b[0] and b[1] < a[2] for a, b in itertools.pairwise(own)):
            self.closed = True  # its own edits overlap: the index's order would not hold
        for e in finding.fix.edits:
            if e.path in existing:
                bisect.insort(self.spans.setdefault(e.path, []), (e.start, e.end))
            else:
                self.created.add(e.path)


def verify_fixes(
    loaded: LoadedModule, findings: list[Finding], config: Config, only: list[Finding] | None = None
) -> None:
    """Reject every fix that does not parse, that Terraform would reject (fixers.terraform_check, a
    dependency cycle), that leaves its finding, or brings a new one.

    Re-parsing and re-running every rule once per fix is what a scan spends most of its time on, so
    fixes whose edits do not overlap are first checked together: when the module with all of them
    applied parses, has none of their findings and no new one, each is accepted. Otherwise the group
    is split in halves until the culprits are checked on their own, so a bad fix is still rejected
    with its own reason. (A fix that only works alongside another one would pass in a group; rules
    propose each fix for its own finding, so that takes two faults at once.)"""
    baseline = {f.identity for f in findings}
    candidates = [f for f in (findings if only is None else only) if f.fix is not None]
    verified: set[int] = set()
    with Budget(VERIFY_SECONDS) as budget:
        for group in _disjoint_groups(loaded, candidates):
            _verify_group(loaded, group, baseline, config)
            verified.update(id(f) for f in group)
    if budget.expired:
        for finding in candidates:
            if id(finding) not in verified and finding.fix is not None:
                finding.fix = None
                finding.fix_rejected = (
                    f"not verified: checking this module's fixes took more than {VERIFY_SECONDS:g} s "
                    "of CPU time (tapfix's limit)"
                )


def verify_alone(loaded: LoadedModule, finding: Finding, baseline: set, config: Config) -> str | None:
    """Why `finding`'s fix, applied on its own, must not be offered, or None when it is good.
    `baseline` holds the identities of every finding of the module (`run_rules`). `verify_fixes`
    accepts a fix that passes together with the others of its group; a PR suggestion is committed
    alone, so it is checked alone."""
    if finding.fix is None:
        return "no fix"
    if _clean_together(loaded, [finding], baseline, config):
        return None
    return _verify(loaded, finding, baseline, config)


# --- what a fix adds ---------------------------------------------------------------------------

_DECLARED = re.compile(r'^[ \t]*(resource|data)[ \t]+"([\w-]+)"[ \t]+"([\w-]+)"', re.MULTILINE)


def _provider_of(resource_type: str) -> str:
    return resource_type.split("_", 1)[0]


def label_additions(module: Module, findings: list[Finding]) -> None:
    """Record on each fix the resources its edits declare and the providers those need that the module
    does not use yet, so reports can say that a fix adds infrastructure (cost, `terraform init`)."""
    used: set[str] | None = None
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        declared = [m for e in fix.edits if e.path.endswith(".tf") for m in _DECLARED.findall(e.new_text)]
        if not declared:
            continue
        if used is None:
            used = {
                _provider_of(b.labels[0])
                for b in module.blocks
                if b.type in ("resource", "data") and b.labels
            }
            used |= {b.labels[0] for b in module.of_type("provider") if b.labels}
        creates = tuple(
            address
            for block, kind, name in declared
            if block == "resource" and module.find(address := f"{kind}.{name}") is None
        )
        providers = sorted({_provider_of(kind) for _, kind, _ in declared} - used)
        finding.fix = fix.model_copy(update={"creates": creates, "new_providers": tuple(providers)})


# --- scanning ---------------------------------------------------------------------------------


@released_afterwards()
def scan_module(
    module_input: ModuleInput, config: Config, verify: bool = True
) -> tuple[list[Finding], list[ScanError]]:
    loaded = load(module_input)
    findings, failures = check(loaded, config)
    if verify:
        verify_fixes(loaded, findings, config)
    label_additions(loaded.module, findings)
    return _as_scanned(loaded, findings, failures, config)


def _as_scanned(
    loaded: LoadedModule, findings: list[Finding], failures: list[ScanError], config: Config
) -> tuple[list[Finding], list[ScanError]]:
    """What a scan reports of a module: the findings and file errors of its targets (every file
    when it has none), every rule failure, and the findings its module calls cause."""
    targets = loaded.input.targets
    errors = [*loaded.module.errors, *failures]
    if targets is not None:
        findings = [f for f in findings if f.path in targets]
        # a rule's failure is about the whole module: it concerns the targets too
        errors = [e for e in errors if not e.kind.about_a_file or e.path in targets]
    if loaded.input.modules is not None:
        findings = [*findings, *call_findings(loaded.module, loaded.input.modules, config, targets)]
    return findings, errors


# --- module calls -----------------------------------------------------------------------------

# How deep calls are followed (a root calling a module calling a module is 2), and how many
# instances of one call (count, for_each) with distinct inputs are evaluated.
MAX_CALL_DEPTH = 4
MAX_CALL_INSTANCES = 16
_CALL_META_ARGUMENTS = ("source", "version", "count", "for_each", "providers", "depends_on")


@dataclass(frozen=True)
class _Call:
    """A module call on the way from the scanned module to a called one."""

    address: str  # module.sg, module.sg[0], module.sg["prod"]
    path: str
    line: int
    inputs: dict[str, Any]
    lines: dict[str, int]  # the line of each input's argument in the call


def call_findings(
    module: Module, modules: Any, config: Config, targets: set[str] | None = None
) -> list[Finding]:
    """The findings that the module's calls of other modules (a local `./path`, or a registry or git
    module `terraform init` installed) cause there: the called module evaluated with the call's
    arguments, each finding it does not have with its own defaults, at its own line, naming the
    call and the inputs it rests on. A call's finding is about the called module's code, so it has
    no fix there: the value to change is the caller's."""
    found: dict[tuple, Finding] = {}
    with shared_parses():
        _follow_calls(module, modules, config, (), module.path, "", (module.path,), found, targets)
    return list(found.values())


def _follow_calls(
    module: Module,
    modules: Any,
    config: Config,
    chain: tuple[_Call, ...],
    root_module: str,
    key_prefix: str,
    folders: tuple[str, ...],
    found: dict[tuple, Finding],
    targets: set[str] | None,
) -> None:
    if len(chain) >= MAX_CALL_DEPTH:
        return
    for call in module.of_type("module"):
        if not chain and targets is not None and call.path not in targets:
            continue
        folder = _called_folder(module, call, modules, root_module, key_prefix, folders)
        child_input = modules.read(folder) if folder is not None else None
        if child_input is None:
            continue
        own = _own_findings(child_input, config)
        seen_inputs: list[dict[str, Any]] = []
        for suffix, scope in _call_instances(call):
            inputs = {
                a.name: evaluate(module, a.expr, scope)
                for a in call.attribute_list
                if a.name not in _CALL_META_ARGUMENTS
            }
            if inputs in seen_inputs:
                continue
            seen_inputs.append(inputs)
            if len(seen_inputs) > MAX_CALL_INSTANCES:
                break
            child = load(child_input).module
            child.inputs = inputs
            _attach_calls(child, modules, root_module, f"{key_prefix}{call.name}.", (*folders, folder))
            lines = {a.name: a.line for a in call.attribute_list if a.name in inputs}
            step = _Call(f"module.{call.name}{suffix}", call.path, call.line, inputs, lines)
            for finding in run_rules(child, config)[0]:
                if finding.identity in own or finding.suppressed:
                    continue
                _annotate(child, finding, (*chain, step), module.path)
                found.setdefault(finding.identity, finding)
            _follow_calls(
                child,
                modules,
                config,
                (*chain, step),
                root_module,
                f"{key_prefix}{call.name}.",
                (*folders, folder),
                found,
                None,
            )


def _called_folder(
    module: Module, call: Block, modules: Any, root_module: str, key_prefix: str, folders: tuple[str, ...]
) -> str | None:
    """The folder a call's module is read from, or None: not installed, outside the scan, or a
    module calling itself."""
    source = call.get("source")
    source_value = source.value() if source is not None else None
    if not isinstance(source_value, str):
        return None
    folder = modules.called(module.path, source_value, key_prefix + call.name, root_module)
    return None if folder is None or folder in folders else folder


def _attach_calls(
    module: Module, modules: Any, root_module: str, key_prefix: str, folders: tuple[str, ...]
) -> None:
    """Let the module's evaluation read the outputs of the modules it calls (`module.sg.id`): each
    called module is read when an expression first asks, with the call's arguments as its inputs.
    A call with count or for_each, or one that is not followed, has unknown outputs."""
    if modules is None:
        return
    cache: dict[str, Module | None] = {}

    def called(name: str) -> Module | None:
        if name not in cache:
            cache[name] = None  # asked again while its inputs are evaluated: a cycle, unknown
            cache[name] = _called_module(module, name, modules, root_module, key_prefix, folders)
        return cache[name]

    module.called = called


def _called_module(
    module: Module, name: str, modules: Any, root_module: str, key_prefix: str, folders: tuple[str, ...]
) -> Module | None:
    call = module.find(f"module.{name}")
    if call is None or call.count is not None or call.for_each is not None or len(folders) > MAX_CALL_DEPTH:
        return None
    folder = _called_folder(module, call, modules, root_module, key_prefix, folders)
    child_input = modules.read(folder) if folder is not None else None
    if child_input is None:
        return None
    child = load(child_input).module
    child.inputs = {a.name: a.value() for a in call.attribute_list if a.name not in _CALL_META_ARGUMENTS}
    _attach_calls(child, modules, root_module, f"{key_prefix}{name}.", (*folders, folder))
    return child


def _own_findings(child_input: ModuleInput, config: Config) -> set[tuple]:
    """What the called module reports with its own defaults (and its own tfvars): not the caller's doing."""
    shared = _shared.get()
    key = (id(child_input), id(config))
    if shared is not None and key in shared.own:
        return shared.own[key][2]
    own = {f.identity for f in run_rules(load(child_input).module, config)[0]}
    if shared is not None:
        shared.own[key] = (child_input, config, own)
    return own


def _call_instances(call: Block) -> list[tuple[str, dict[str, Any]]]:
    """(address suffix, evaluation scope) per instance of a module call: one without count and
    for_each, or where they are unknown (`count.index` and `each` are then unknown too)."""
    if call.count is not None:
        count = call.count.value()
        if isinstance(count, bool) or not isinstance(count, (int, float)) or count != int(count) or count < 0:
            return [("", {})]
        return [(f"[{i}]", {"count": {"index": i}}) for i in range(min(int(count), MAX_CALL_INSTANCES + 1))]
    if call.for_each is not None:
        each = call.for_each.value()
        if isinstance(each, dict):
            items = list(each.items())
        elif isinstance(each, list) and all(isinstance(v, str) for v in each):
            items = [(v, v) for v in each]
        else:
            return [("", {})]
        return [
            (f"[{json.dumps(k)}]", {"each": {"key": k, "value": v}})
            for k, v in items[: MAX_CALL_INSTANCES + 1]
        ]
    return [("", {})]


def _annotate(child: Module, finding: Finding, chain: tuple[_Call, ...], caller: str) -> None:
    """Name the call (and the calls above it) and the inputs the finding rests on; the finding
    becomes one of the caller's, with no fix (the value to change is the caller's)."""
    last = chain[-1]
    block = child.find(finding.resource) if finding.resource else None
    used = _variables_used(child, block) if block is not None else set()
    named = [n for n in last.inputs if n in used] or list(last.inputs)
    shown = ", ".join(f"{n} = {_short(last.inputs[n])}" for n in named[:3]) + (
        " ..." if len(named) > 3 else ""
    )
    via = " -> ".join(c.address for c in chain)
    finding.message += f" (with the inputs of {via} at {chain[0].path}:{chain[0].line}: {shown})"
    finding.key = f"{finding.key}|{caller}:{via}"
    finding.fix = None
    finding.fix_rejected = f"the value comes from {via}: change it where the module is called"
    # Where the scanned module sets those inputs (a PR review points at the changed one), then each call.
    first = chain[0]
    arguments = named if len(chain) == 1 else list(first.inputs)
    finding.related = [
        *finding.related,
        *(
            f"{first.path}:{first.lines[n]}: {n} = {_short(first.inputs[n])}"
            for n in arguments
            if n in first.lines
        ),
        *(f"{c.path}:{c.line}: {c.address}" for c in chain),
    ]


def _variables_used(module: Module, block: Block) -> set[str]:
    """The variables a block's arguments read, directly or through locals."""
    graph = module.reference_graph()
    reached = (node for inner in block.walk() for attr in inner.attribute_list for node in graph.reach(attr))
    return {node[len("var.") :] for node in reached if node.startswith("var.")}


def _short(value: Any) -> str:
    text = "(unknown)" if not is_known(value) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _scan_one(args: tuple[ModuleInput, Config, bool]) -> tuple[list[Finding], list[ScanError]]:
    return scan_module(*args)


@contextlib.contextmanager
def _collector_for_parse_trees() -> Iterator[None]:
    """The cyclic collector walks every live object it has not been told to skip, again and again
    while parse trees pile up. While modules are scanned, what was alive before (imported code,
    the grammar) is frozen out of its sight (forked workers then also keep sharing those pages:
    a collection writes to every object it walks), and its thresholds are at least those of
    `fixers.gc_tuning` (which the entry points set; this covers callers of the library too).
    Models need no collection: `released_afterwards` frees them when their module is done, so a
    corpus scan runs no collection at all; a large module still may."""
    threshold = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0  # objects someone else froze stay frozen
    if freeze:
        gc.freeze()
    gc.set_threshold(*(max(now, tuned) for now, tuned in zip(threshold, THRESHOLDS, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()


def map_modules(
    function: Callable[[Any], Any],
    work: list,
    sizes: list[int],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list:
    """`function` applied to every item of `work` (one item a module, `sizes` its bytes), results
    in the order of `work`. Many modules are shared among worker processes, largest first: with
    them last, one worker could be left with a big module while the others have finished.
    `progress(done, total)` is called as modules finish.

    The grammar is loaded first, so that the collector's freeze covers it and forked workers share
    it instead of each loading it."""
    jobs = min(jobs or os.cpu_count() or 1, _MAX_JOBS, len(work))
    prepare_parser()
    with _collector_for_parse_trees():
        if jobs <= 1 or len(work) < _PARALLEL_MIN_MODULES:
            results = []
            for item in work:
                results.append(function(item))
                if progress is not None:
                    progress(len(results), len(work))
            return results
        # imported here: a one-module scan (the common CLI case) should not pay for the pool's imports
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        order = sorted(range(len(work)), key=lambda i: -sizes[i])
        results: list = [None] * len(work)
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            # one module a task: a task costs far less than a module, and the order only holds
            # while workers take modules one at a time
            finished = zip(order, pool.map(function, [work[i] for i in order]), strict=True)
            for done, (i, result) in enumerate(finished, start=1):
                results[i] = result
                if progress is not None:
                    progress(done, len(work))
        return results


def module_size(module: ModuleInput) -> int:
    return sum(len(data) for data in module.files.values()) + sum(len(d) for d in module.tfvars.values())


def scan(
    modules: list[ModuleInput],
    config: Config,
    verify: bool = True,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScanReport:
    work = [(m, config, verify) for m in modules]
    results = map_modules(_scan_one, work, [module_size(m) for m in modules], jobs, progress)
    findings = [f for fs, _ in results for f in fs]
    errors = [e for _, es in results for e in es]
    return ScanReport(
        findings=findings,
        errors=errors,
        files=sum(len(m.files) + len(m.unreadable) for m in modules),
        modules=len(modules),
    )


# --- fixing -----------------------------------------------------------------------------------


@dataclass
class FixOutcome:
    texts: dict[str, str]  # path -> new text, for every file that changed or was created
    applied: list[Finding]
    skipped: list[tuple[Finding, str]]
    sources: dict[str, SourceText]  # the original files, to write back with their BOM and newlines
    # What `scan` (without verifying fixes) reports of the fixed module, errors included: callers need
    # not parse the module again to say what is left.
    findings_after: list[Finding] = field(default_factory=list)
    errors_after: list[ScanError] = field(default_factory=list)

    def encoded(self, path: str) -> bytes:
        source = self.sources.get(path)
        text = self.texts[path]
        if source is None:
            return text.encode("utf-8")
        return source.to_bytes(text)


def _only_creates_files(loaded: LoadedModule, fix: Fix) -> bool:
    return all(e.path not in loaded.parsed and e.path not in loaded.input.files for e in fix.edits)


def _allowed(fix: Fix, unsafe: bool) -> bool:
    return fix.applicability == Applicability.SAFE or (unsafe and fix.applicability == Applicability.UNSAFE)


def _located_before(finding: Finding, before: dict[tuple, Finding]) -> Finding:
    """The finding at the lines it had before any fix moved them, as `tapfix scan` reports it. A
    finding that only appeared after a fix keeps its lines and is marked `located_after_fixes`."""
    first = before.get(finding.identity)
    if first is None:
        return finding.model_copy(update={"located_after_fixes": True})
    where = ("path", "line", "column", "end_line", "end_column")
    return finding.model_copy(update={k: getattr(first, k) for k in where})


def _sound(before: LoadedModule, after: LoadedModule, texts: dict[str, str]) -> bool:
    """Do the edited files parse, and would Terraform accept the module as it did before?"""
    return (
        not any(e.path in texts for e in after.module.errors)
        and new_problem(before.module, after.module) is None
    )


def _compatible(
    loaded: LoadedModule, chosen: list[Finding]
) -> tuple[list[Finding], dict[str, str], LoadedModule]:
    """The fixes of `chosen`, in order, that can be applied together (each was verified, but fixes
    verified in different groups were not checked together: two that each add
    `data "aws_caller_identity" "current"` are each valid and together a duplicate). The others
    wait for the next pass, where they see what the first ones added."""
    kept = chosen[:1]
    texts = apply_fix_texts(loaded, kept[0].fix.edits)
    candidate = _rebuild(loaded, texts)
    for finding in chosen[1:]:
        more = apply_fix_texts(loaded, [e for f in [*kept, finding] for e in f.fix.edits])
        bigger = _rebuild(loaded, more)
        if _sound(loaded, bigger, more):
            kept, texts, candidate = [*kept, finding], more, bigger
    return kept, texts, candidate


@released_afterwards()
def fix_module(
    module_input: ModuleInput,
    config: Config,
    *,
    unsafe: bool = False,
    rule_ids: set[str] | None = None,
    paths: set[str] | None = None,
    add_resources: bool = True,
) -> FixOutcome:
    """Apply verified fixes until none is left (bounded). Idempotent: a second run changes nothing.
    Without `add_resources`, fixes that declare new resources are left for the user to apply."""
    loaded = load(module_input)
    sources = {p: pf.source for p, pf in loaded.parsed.items()}
    changed: dict[str, str] = {}
    applied: list[Finding] = []
    skipped: dict[tuple, tuple[Finding, str]] = {}
    before: dict[tuple, Finding] = {}
    for fix_pass in range(MAX_FIX_PASSES):
        findings, _ = check(loaded, config)
        if fix_pass == 0:
            before = {f.identity: f for f in findings}
        wanted = [
            f
            for f in findings
            if (rule_ids is None or f.rule_id in rule_ids)
            and (paths is None or f.path in paths)
            and not f.suppressed
        ]
        # Verification is the expensive part: only the fixes this run may apply are checked.
        verify_fixes(
            loaded,
            findings,
            config,
            only=[f for f in wanted if f.fix is not None and _allowed(f.fix, unsafe)],
        )
        label_additions(loaded.module, wanted)
        chosen: list[Finding] = []
        for f in wanted:
            if f.fix is None:
                if f.fix_rejected:
                    skipped[f.identity] = (f, f"fix failed verification: {f.fix_rejected}")
                continue
            if not _allowed(f.fix, unsafe):
                why = f"the fix is {f.fix.applicability.value}"
                if f.fix.applicability == Applicability.UNSAFE:
                    why += " (use --unsafe-fixes)"
                first = before.get(f.identity)
                if (
                    first is not None
                    and first.fix is not None
                    and first.fix.applicability != f.fix.applicability
                ):
                    why += (
                        f" once the other fixes are applied (it was {first.fix.applicability.value} before them: "
                        "they changed what it edits)"
                    )
                skipped[f.identity] = (f, why)
                continue
            if f.fix.adds_resources and not add_resources:
                skipped[f.identity] = (f, f"the fix {f.fix.additions_label}: {', '.join(f.fix.creates)}")
                continue
            if any(edits_overlap(f.fix.edits, c.fix.edits) for c in chosen):
                continue  # waits for the next pass
            chosen.append(f)
        if not chosen:
            break
        # A fix that writes a new file from what the module declares (TAP505's README lists the
        # variables) must see the variables the other fixes add: it waits for a pass of its own.
        creating = [f for f in chosen if _only_creates_files(loaded, f.fix)]
        if creating and len(creating) < len(chosen) and fix_pass < MAX_FIX_PASSES - 1:
            chosen = [f for f in chosen if all(f is not c for c in creating)]
        edits = [e for f in chosen for e in f.fix.edits]
        texts = apply_fix_texts(loaded, edits)
        candidate = _rebuild(loaded, texts)
        if len(chosen) > 1 and not _sound(loaded, candidate, texts):
            chosen, texts, candidate = _compatible(loaded, chosen)
        loaded = candidate
        changed.update(texts)
        applied.extend(chosen)
        for f in chosen:
            skipped.pop(f.identity, None)
    final, failures = run_rules(loaded.module, config)
    final_ids = {f.identity for f in final}
    remaining = [(_located_before(f, before), why) for k, (f, why) in skipped.items() if k in final_ids]
    label_additions(loaded.module, final)
    findings_after, errors_after = _as_scanned(loaded, final, failures, config)
    return FixOutcome(
        texts=changed,
        applied=[_located_before(f, before) for f in applied],
        skipped=remaining,
        sources=sources,
        findings_after=findings_after,
        errors_after=errors_after,
    )


# --- plans ------------------------------------------------------------------------------------


def scan_plan(
    plan_path: str, data: bytes, plan_dir: Path, root: Path, config: Config, boundary: Path | None = None
) -> ScanReport:
    """Findings on the planned values of a plan (`terraform show -json`), located in the code next to
    the plan where it is there (fixers.plan_json). Rules about how code is written do not run; no fixes."""
    from fixers import plan_json
    from fixers.workspace import read_module

    try:
        plan = plan_json.read_plan(data)
    except plan_json.NotAPlan as exc:
        return ScanReport(
            findings=[],
            errors=[ScanError(kind=ErrorKind.PLAN, path=plan_path, message=str(exc))],
            files=1,
            modules=0,
        )
    ignore = sorted({*config.ignore, *plan_json.CODE_ONLY_RULES})
    on_plan = config.with_overrides(ignore=ignore, per_path_ignore={})
    findings: list[Finding] = []
    errors: list[ScanError] = []
    modules = plan_json.plan_modules(plan, plan_dir)
    for module in modules:
        synthetic = f"{plan_path}#{module.address or 'root'}.tf"
        produced, problems = scan_module(
            ModuleInput(path=module.address or ".", files={synthetic: module.text.encode()}), on_plan, False
        )
        code = None
        if module.config_dir is not None:
            code = load(read_module(module.config_dir, root, boundary=boundary)).module
        for finding in produced:
            located = plan_json.relocate(finding, module, plan_path, code)
            if config.ignored_at(located.rule_id, located.path, located.name):
                continue
            if code is not None and located.path != plan_path:
                # a `tapfix:ignore` on the resource's block in the code covers its planned instances
                local = (
                    located.resource.removeprefix(f"{module.address}.")
                    if module.address
                    else located.resource
                )
                probe = located.model_copy(update={"resource": plan_json.config_address(local)})
                _mark_suppressed(code, [probe])
                located.suppressed, located.suppression_reason = probe.suppressed, probe.suppression_reason
            findings.append(located)
        # The module's text is tapfix's own rendering of the plan: a file problem in it is the plan's.
        errors += [
            e.model_copy(
                update={"path": plan_path, "line": 1, "column": 1}
                | ({"kind": ErrorKind.PLAN} if e.kind.about_a_file else {})
            )
            for e in problems
        ]
    return ScanReport(findings=findings, errors=errors, files=1, modules=len(modules))
