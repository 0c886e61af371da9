"""The `tapfix` command: `scan`, `fix` and `rules`.

Exit codes: 0 nothing at or above the failure threshold, 1 findings at or above it, 2 usage or
internal error. Heavy modules (pydantic models, the parser, the formats) are imported only by the
subcommand that needs them; nothing here imports PyGithub.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.terminal_text import emit, visible

if TYPE_CHECKING:
    from fixers.api import Config, Finding, FixOutcome, ModuleInput

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = ("low", "medium", "high", "critical")
FAIL_ON = (*SEVERITIES, "never")  # fixers.api.FailOn's values, without importing pydantic for --help
FORMATS = ("text", "json", "sarif", "markdown")  # bot.formats.FORMATS, without importing it for --help


class UsageError(Exception):
    """A problem with what the user asked for: reported on one line, exit code 2."""


# pyproject.toml's version (a test keeps them equal): importlib.metadata costs more start-up time than
# parsing a small module.
VERSION = "1.0.0"


def _stderr(message: str) -> None:
    emit(f"tapfix: {visible(message)}", sys.stderr)


# --- arguments ---------------------------------------------------------------------------------


def _rule_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--config", metavar="PATH", help="config file (default: .tapfix.yml, searched up)")
    parser.add_argument(
        "--select",
        action="append",
        type=_rule_list,
        metavar="RULES",
        help="run only these rules (IDs or names: TAP201,s3-public-access-block-missing)",
    )
    parser.add_argument(
        "--extend-select",
        action="append",
        type=_rule_list,
        metavar="RULES",
        help="run these rules besides the default set (added to the config's extend-select)",
    )
    parser.add_argument(
        "--ignore", action="append", type=_rule_list, metavar="RULES", help="skip these rules"
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="exit 1 when a finding has this severity or a higher one; never: exit 0 on findings, "
        "2 on errors still (default: high, or the config's)",
    )
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: CPU count)")
    parser.add_argument(
        "--var-file",
        action="append",
        default=[],
        metavar="FILE",
        help="variable values from a .tfvars file, above terraform.tfvars and *.auto.tfvars and the "
        "TF_VAR_* environment variables (repeatable: a later file wins, as in Terraform)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tapfix",
        description="Precise checks for Terraform on AWS, with verified, minimal fixes.",
        epilog="Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or internal error.",
    )
    parser.add_argument("--version", action="version", version=f"tapfix {VERSION}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="report findings", description="Report findings.")
    _add_selection(scan)
    scan.add_argument("-f", "--format", choices=FORMATS, help="output format (default: text)")
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    scan.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output (auto: on a terminal, unless NO_COLOR)",
    )
    known = scan.add_mutually_exclusive_group()
    known.add_argument(
        "--baseline", metavar="FILE", help="report only findings this baseline does not record"
    )
    known.add_argument(
        "--write-baseline", metavar="FILE", help="record today's findings in FILE (then report only new ones)"
    )

    fix = commands.add_parser(
        "fix", help="apply verified fixes in place", description="Apply verified fixes."
    )
    _add_selection(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff instead of writing files")
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that change behaviour")
    fix.add_argument(
        "--no-new-resources",
        action="store_true",
        help="apply only fixes that edit what exists; list those that would add resources (cost, providers)",
    )

    rules = commands.add_parser("rules", help="list the rules", description="List the rules.")
    rules.add_argument("--explain", metavar="RULE", help="print a rule's documentation")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    return parser


# --- what to scan ------------------------------------------------------------------------------


@dataclass
class Plan:
    root: Path  # paths in the report are relative to this directory
    shown_root: str  # the root as seen from the working directory ("" when it is the working directory)
    config: Config
    config_path: Path | None
    modules: list[ModuleInput]
    plans: list[Path] = field(default_factory=list)  # plan JSON files (`terraform show -json`)


def _root_of(paths: list[Path]) -> Path:
    if len(paths) == 1 and paths[0].is_dir():
        return paths[0]
    cwd = Path.cwd().resolve()
    folders = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    if all(f.is_relative_to(cwd) for f in folders):
        return Path(".")
    return Path(os.path.commonpath(folders))


def _shown(root: Path) -> str:
    absolute, cwd = root.resolve(), Path.cwd().resolve()
    if absolute.is_relative_to(cwd):
        rel = absolute.relative_to(cwd).as_posix()
        return "" if rel == "." else rel
    return absolute.as_posix()


def _find_config(root: Path) -> Path | None:
    """`.tapfix.yml` in the scanned directory or a parent of it, up to the working directory."""
    from fixers.api import CONFIG_NAMES

    folder, cwd = root.resolve(), Path.cwd().resolve()
    while True:
        for name in CONFIG_NAMES:
            if os.path.lexists(folder / name):  # a link or a FIFO by that name is refused, not skipped
                return folder / name
        if folder == cwd or not folder.is_relative_to(cwd) or folder.parent == folder:
            return None
        folder = folder.parent


def _rule_ids(flag: str, references: list[str]) -> list[str]:
    from fixers.api import UnknownRule, catalog_rule_ids

    try:
        return catalog_rule_ids(references)
    except UnknownRule as exc:
        raise UsageError(
            f"{flag}: {exc.args[0]!r} is not a rule (IDs like TAP201 or names like s3-versioning-missing; "
            "`tapfix rules` lists them)"
        ) from None


def _config(args: argparse.Namespace, root: Path) -> tuple[Config, Path | None]:
    from fixers.api import ConfigError, boundary_for, load_config

    path = Path(args.config) if args.config else _find_config(root)
    if args.config and not path.is_file():
        raise UsageError(f"--config {args.config}: no such file")

    try:
        # A config the user named is read where it is. One found in the repository may link within it;
        # one found above it (the search goes up to the working directory) only within its own folder.
        boundary = None
        if path is not None and not args.config:
            boundary = boundary_for(root)
            if not path.parent.resolve().is_relative_to(boundary):
                boundary = path.parent.resolve()
        config, used = load_config(path, boundary=boundary)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    select = _rule_ids("--select", [i for group in args.select or [] for i in group]) or None
    ignore = _rule_ids("--ignore", [i for group in args.ignore or [] for i in group])
    extend = _rule_ids("--extend-select", [i for group in args.extend_select or [] for i in group])
    changes: dict[str, Any] = {"select": select, "fail_on": args.fail_on}
    if ignore:
        changes["ignore"] = [*config.ignore, *ignore]
    if extend:
        changes["extend_select"] = [*config.extend_select, *extend]
    return config.with_overrides(**changes), used


def _scan_relative(
    patterns: list[str], config_path: Path | None, root: Path, covering: bool = False
) -> list[str]:
    """Path patterns (`exclude`, `per-path-ignore`) are written relative to the config file's folder;
    the workspace and the engine match them against paths relative to the scanned directory. With
    `covering`, a pattern that matches the scanned directory itself matches everything in it (an
    excluded folder named on the command line is still scanned)."""
    from fixers.api import matches_any

    if not patterns or config_path is None:
        return list(patterns)
    base, scanned = config_path.parent.resolve(), root.resolve()
    if base == scanned or not scanned.is_relative_to(base):
        return list(patterns)
    prefix = scanned.relative_to(base).as_posix() + "/"
    relative = []
    for pattern in patterns:
        if covering and matches_any(prefix[:-1], [pattern]):
            relative.append("*")
        elif pattern.startswith(prefix):
            relative.append(pattern[len(prefix) :])
        elif pattern.startswith("*"):
            relative.append(pattern)
    return relative


def _unscannable(path: Path) -> str | None:
    """Why tapfix cannot scan the file the user named, or None when it can."""
    name = path.name
    if name.endswith(".tf"):
        return None
    if name.endswith(".tf.json"):
        return "Terraform's JSON syntax (.tf.json) is not supported: tapfix reads .tf files"
    if name == "terraform.tfvars" or name.endswith((".tfvars", ".tfvars.json")):
        return (
            "variable values are read with their module: scan the module's folder (or one of its .tf files)"
        )
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        return (
            "a binary plan (`terraform plan -out`): scan its JSON instead, "
            "`terraform show -json FILE > plan.json && tapfix scan plan.json`"
        )
    return (
        "not a file tapfix can scan: it reads .tf files (each with its whole module), directories, "
        "and plan JSON from `terraform show -json`"
    )


def _plan(args: argparse.Namespace) -> Plan:
    from fixers.api import NothingToScan, boundary_for, discover

    paths = [Path(p) for p in args.paths] or [Path(".")]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    plans = [p for p in paths if p.is_file() and _is_plan(p)]
    for path in paths:
        why = _unscannable(path) if path.is_file() and path not in plans else None
        if why is not None:
            raise UsageError(f"{path}: {why}")
    root = _root_of(paths)
    config, config_path = _config(args, root)
    written: list[tuple[str, str, str]] = []  # (key, pattern as written, pattern relative to root)
    if config.per_path_ignore and config_path is not None:
        per_path = {}
        for pattern, rules in config.per_path_ignore.items():
            for relative in _scan_relative([pattern], config_path, root, covering=True):
                per_path[relative] = [*per_path.get(relative, []), *rules]
                written.append(("per-path-ignore", pattern, relative))
        config = config.with_overrides(per_path_ignore=per_path)
    else:
        written.extend(("per-path-ignore", p, p) for p in config.per_path_ignore)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    try:
        excludes = []
        for pattern in config.exclude:
            for relative in _scan_relative([pattern], config_path, root):
                excludes.append(relative)
                written.append(("exclude", pattern, relative))
        code = [p for p in paths if p not in plans]
        modules = discover(code, root, excludes, boundary_for(root)) if code else []
    except NothingToScan as exc:
        raise UsageError(str(exc)) from None
    if code and all(p.is_dir() for p in code):
        _warn_unmatched(written, code, root)
    values = _variable_values(args.var_file)
    for module in modules:
        module.values = values
    return Plan(root, _shown(root), config, config_path, modules, plans)


def _warn_unmatched(patterns: list[tuple[str, str, str]], folders: list[Path], root: Path) -> None:
    """One line on stderr for each `exclude` or `per-path-ignore` pattern that matches no Terraform
    file under the scanned folders: a typo there silently scans or reports what it meant to leave out."""
    if not patterns:
        return
    from fixers.api import is_terraform_file, matches_any

    scanned: list[str] = []
    base = root.resolve()
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "node_modules"]
            where = Path(dirpath).resolve()
            prefix = where.relative_to(base).as_posix() if where.is_relative_to(base) else where.as_posix()
            prefix = "" if prefix == "." else prefix + "/"
            scanned.extend(prefix + f for f in filenames if is_terraform_file(f))
    for key, pattern, relative in patterns:
        if not any(matches_any(path, [relative]) for path in scanned):
            _stderr(f"warning: {key} pattern {pattern!r} matches no scanned path")


def _is_plan(path: Path) -> bool:
    from fixers.api import looks_like_plan

    if not path.name.endswith(".json") or path.name.endswith(".tf.json"):
        return False
    with open(path, "rb") as handle:
        return looks_like_plan(handle.read(1 << 20))


def _variable_values(var_files: list[str]):
    """`--var-file` files, read and checked, and the environment's `TF_VAR_*` values."""
    from fixers.api import (
        MAX_FILE_BYTES,
        NotRead,
        VariableValues,
        environment_values,
        hcl_syntax_error,
        read_inside,
        repository_of,
    )

    files = []
    for name in var_files:
        # A file in a repository may be a link its authors planted (`env/prod.tfvars -> ~/secret`):
        # it is read only within that repository, since its values show in findings. A file
        # outside any repository is the user's own, read where it is.
        try:
            data = read_inside(name, repository_of(name), MAX_FILE_BYTES, "the repository")
            syntax = hcl_syntax_error(data.decode("utf-8"))
        except NotRead as exc:
            raise UsageError(f"--var-file {name}: {exc}") from None
        except OSError as exc:
            raise UsageError(f"--var-file {name}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"--var-file {name}: not UTF-8 text (byte {exc.start + 1})") from None
        if syntax is not None:
            raise UsageError(f"--var-file {name}:{syntax.line}:{syntax.column}: {syntax.message}")
        files.append((name, data))
    return VariableValues(files=tuple(files), environment=environment_values(os.environ))


def _context(plan: Plan, color: bool = False):
    from bot.formats import Context

    return Context(version=VERSION, root=plan.shown_root, color=color, fail_on=plan.config.fail_on)


def _use_color(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return args.color == "always"
    if args.output or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _not_read(plan: Plan) -> list[str]:
    """The files and folders of the run whose read failed (permissions, I/O): a scan that could
    not look at them cannot say there is nothing to find."""
    return sorted(
        path
        for m in plan.modules
        for path in m.failed
        if m.targets is None or path in m.targets or path == m.path
    )


def _exit_code(findings: list[Finding], errors: list, config: Config, plan: Plan | None = None) -> int:
    from bot.formats import tool_failures

    not_read = _not_read(plan) if plan is not None else []
    if not_read:
        shown = ", ".join(not_read[:3]) + (f" and {len(not_read) - 3} more" if len(not_read) > 3 else "")
        _stderr(f"error: cannot read {shown}: the scan is incomplete")
        return EXIT_ERROR
    if tool_failures(errors):
        return EXIT_ERROR
    threshold = config.fail_on.rank
    failing = [f for f in findings if not f.suppressed and f.severity.rank >= threshold]
    return EXIT_FINDINGS if failing else EXIT_OK


def _say_nothing_found(paths: list[str]) -> None:
    where = ", ".join(paths) or "."
    _stderr(f"no .tf files found in {where}")


class _Progress:
    """`tapfix: 12/40 modules` on one terminal line, rewritten (at most ten times a second) as modules
    finish and erased at the end."""

    INTERVAL = 0.1

    def __init__(self, total: int) -> None:
        import time

        self.total, self.clock = total, time.monotonic
        self.shown_at: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.shown_at is not None and now - self.shown_at < self.INTERVAL:
            return
        self.shown_at = now
        sys.stderr.write(f"\rtapfix: {done}/{total} modules\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown_at is not None:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _progress(args: argparse.Namespace, modules: int) -> _Progress | None:
    """Progress goes to stderr, and only when a person watches it: a terminal, not a CI log (CI is set
    by GitHub Actions, GitLab, CircleCI, Travis, Buildkite...) nor a dumb terminal. Reports on stdout
    never carry it, whatever their format."""
    if modules < 2 or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return None
    try:
        return _Progress(modules) if sys.stderr.isatty() else None
    except (AttributeError, ValueError):
        return None


# --- scan --------------------------------------------------------------------------------------


def _check_output(args: argparse.Namespace) -> None:
    """`-o` names a file (trivy's meaning). `-o sarif` almost always means the format: a text report in
    a file named `sarif` would only surface later, as a code-scanning upload that fails to parse."""
    name = args.output
    if args.format is None and name in FORMATS:
        raise UsageError(
            f"-o {name} writes the report to a file named '{name}', in text format. For {name} output use "
            f"-f {name} (and -o FILE to save it, e.g. -f {name} -o report.{_EXTENSION[name]}); "
            f"to really write a file named '{name}', say -o ./{name}"
        )


_EXTENSION = {"text": "txt", "json": "json", "sarif": "sarif", "markdown": "md"}


def cmd_scan(args: argparse.Namespace) -> int:
    from bot.formats import render
    from fixers.api import ScanReport, scan

    _check_output(args)
    args.format = args.format or "text"
    known = _read_baseline(args)
    plan = _plan(args)
    if plan.modules:
        progress = _progress(args, len(plan.modules))
        try:
            report = scan(plan.modules, plan.config, jobs=args.jobs, progress=progress)
        finally:
            if progress is not None:
                progress.close()
    else:
        if not plan.plans:
            _say_nothing_found(args.paths)
        report = ScanReport(findings=[], errors=[], files=0, modules=0)
    for plan_file in plan.plans:
        report = _merged(report, _scan_plan_file(plan_file, plan))
    report = _against_baseline(args, report, plan, known)
    text = render(args.format, report, _context(plan, _use_color(args)))
    if args.output:
        _write_report("--output", Path(args.output), text)
    else:
        emit(text, sys.stdout)
    return _exit_code(report.findings, report.errors, plan.config, plan)


def _scan_plan_file(path: Path, plan: Plan) -> Any:
    from fixers.api import boundary_for, scan_plan

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    shown = Path(os.path.relpath(path.resolve(), plan.root.resolve())).as_posix()
    return scan_plan(shown, data, path.parent, plan.root, plan.config, boundary_for(plan.root))


def _merged(report: Any, more: Any) -> Any:
    return report.model_copy(
        update={
            "findings": [*report.findings, *more.findings],
            "errors": [*report.errors, *more.errors],
            "files": report.files + more.files,
            "modules": report.modules + more.modules,
        }
    )


def _write_report(flag: str, path: Path, text: str) -> None:
    from bot.safe_write import Refused, WriteFailed, stage_output, write_all

    try:
        write_all([stage_output(path, text.encode("utf-8"), base=Path.cwd())])
    except (Refused, WriteFailed) as exc:
        raise UsageError(f"{flag} {exc}") from None


def _read_baseline(args: argparse.Namespace) -> set[str] | None:
    """The baseline's fingerprints, read before the scan so that a bad file costs no scan."""
    if not args.baseline:
        return None
    from bot import baseline

    try:
        return baseline.read(Path(args.baseline))
    except baseline.BaselineError as exc:
        raise UsageError(f"--baseline {args.baseline}: {exc}") from None


def _against_baseline(args: argparse.Namespace, report: Any, plan: Plan, known: set[str] | None) -> Any:
    """The report without the findings the baseline records; with --write-baseline, the baseline is
    written first from this scan's findings."""
    from bot import baseline

    path = Path(args.write_baseline or args.baseline or ".")
    if args.write_baseline:
        text = baseline.write(path, report.findings, plan.root)
        _write_report("--write-baseline", path, text)
        known = baseline.read(path)
        _stderr(
            f"recorded {len(known)} findings in {path}; `tapfix scan --baseline {path}` reports only new ones"
        )
    if known is None:
        return report
    kept = baseline.new_findings(report.findings, path, known, plan.root)
    if len(kept) < len(report.findings):
        _stderr(
            f"{len(report.findings) - len(kept)} findings recorded in the baseline {path} are not reported"
        )
    return report.model_copy(update={"findings": kept})


# --- fix ---------------------------------------------------------------------------------------


def _unified_diff(shown: str, before: str | None, after: str) -> str:
    import difflib

    def lines(text: str) -> list[str]:
        out = text.splitlines(keepends=True)
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
        return out

    return "".join(
        difflib.unified_diff(
            lines(before or ""),
            lines(after),
            "/dev/null" if before is None else f"a/{shown}",
            f"b/{shown}",
        )
    )


def _write_fixes(plan: Plan, outcomes: list[FixOutcome], context: Any, diff: bool) -> None:
    """Every file the fixes change is checked before any is written (`--diff` shows only what
    would be written): one refusal and nothing is written."""
    from bot.safe_write import Refused, WriteFailed, stage_in, write_all

    staged, refused = [], []
    for module, outcome in zip(plan.modules, outcomes, strict=True):
        for path in sorted(outcome.texts):
            try:
                staged.append(stage_in(plan.root, path, outcome.encoded(path), within=module.path))
            except Refused as exc:
                # As the fix names it (`shown` would fold a `..` away).
                where = f"{plan.shown_root}/{exc.path}" if plan.shown_root else exc.path
                refused.append(f"{where}: refusing to write: {exc.reason}")
    if refused:
        for line in refused[:-1]:
            _stderr(f"error: {line}")
        raise UsageError(f"{refused[-1]}; nothing was written")
    if diff:
        for outcome in outcomes:
            for path in sorted(outcome.texts):
                source = outcome.sources.get(path)
                before = source.text if source else None
                emit(_unified_diff(context.shown(path), before, outcome.texts[path]), sys.stdout)
        return
    try:
        write_all(staged)
    except (Refused, WriteFailed) as exc:
        raise UsageError(str(exc)) from None


def _finding_line(finding: Finding, shown) -> str:
    """`path:line: rule resource` at the line `tapfix scan` reports (before any fix)."""
    after = " (line after the fixes)" if finding.located_after_fixes else ""
    line = f"{shown(finding.path)}:{finding.line}{after}: {finding.rule_id} {finding.resource or ''}".rstrip()
    return visible(line)


def _fix_all(
    modules: list[ModuleInput], config: Config, args: argparse.Namespace, progress: Any = None
) -> list[FixOutcome]:
    from fixers.api import fix

    return fix(
        modules,
        config,
        unsafe=args.unsafe_fixes,
        add_resources=not args.no_new_resources,
        jobs=args.jobs,
        progress=progress,
    )


def _report_created(applied: list[Finding], out: Any) -> None:
    """What the applied fixes added to the infrastructure: resources cost money, and a provider the
    module did not use needs `terraform init` before the next plan."""
    created = [a for f in applied for a in f.fix.creates]
    providers = sorted({p for f in applied for p in f.fix.new_providers})
    if created:
        emit(
            f"Created {len(created)} resource{'' if len(created) == 1 else 's'}: {visible(', '.join(created))}",
            out,
        )
    if providers:
        names = ", ".join(providers)
        emit(
            f"New provider{'' if len(providers) == 1 else 's'} {names}: run `terraform init` before the next plan.",
            out,
        )


def _where(finding: Finding) -> tuple:
    return (finding.path, finding.line, finding.column, finding.rule_id)


def cmd_fix(args: argparse.Namespace) -> int:
    plan = _plan(args)
    if plan.plans:
        raise UsageError(
            f"{plan.plans[0]}: a plan gets no fixes (a fix edits code): run `tapfix fix` on the configuration"
        )
    if not plan.modules:
        _say_nothing_found(args.paths)
        return EXIT_OK
    context = _context(plan)
    out = sys.stderr if args.diff else sys.stdout
    applied: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    remaining: list[Finding] = []
    errors: list = []
    changed_files = 0
    progress = _progress(args, len(plan.modules))
    try:
        outcomes = _fix_all(plan.modules, plan.config, args, progress)
    finally:
        if progress is not None:
            progress.close()
    _write_fixes(plan, outcomes, context, args.diff)
    for outcome in outcomes:
        changed_files += len(outcome.texts)
        applied += outcome.applied
        skipped += outcome.skipped
        remaining += outcome.findings_after  # as `tapfix scan` reports them: of the targets only
        errors += outcome.errors_after
    from bot.formats import plural, severity_counts

    verb = "Would fix" if args.diff else "Fixed"
    if applied:
        print(f"{verb} {plural(len(applied), 'finding')} in {plural(changed_files, 'file')}:", file=out)
        for finding in sorted(applied, key=_where):
            emit(f"  {_finding_line(finding, context.shown)}: {visible(finding.fix.description)}", out)
        _report_created(applied, out)
    else:
        print("Nothing to fix.", file=out)
    if skipped:
        print(f"Not fixed ({len(skipped)}):", file=out)
        for finding, why in sorted(skipped, key=lambda pair: _where(pair[0])):
            emit(f"  {_finding_line(finding, context.shown)}: {visible(why)}", out)
    left = [f for f in remaining if not f.suppressed]
    if left:
        verb = "remains" if len(left) == 1 else "remain"
        print(
            f"{plural(len(left), 'finding')} {verb} ({severity_counts(left)}): `tapfix scan` lists them.",
            file=out,
        )
    return _exit_code(remaining, errors, plan.config, plan)


# --- rules -------------------------------------------------------------------------------------


def cmd_rules(args: argparse.Namespace) -> int:
    from bot import rule_catalog

    if args.explain:
        rule = rule_catalog.find_rule(_rule_ids("--explain", [args.explain])[0])
        page = rule_catalog.docs_page(rule.id)
        if page is None:
            page = f"# {rule.id} {rule.name}\nSeverity: {rule.severity.value} · Fix: {rule_catalog.fix_summary(rule)}\n\n{rule.why}\n"
        sys.stdout.write(page if page.endswith("\n") else page + "\n")
        return EXIT_OK
    rules = rule_catalog.rules()
    if args.format == "json":
        import json

        # One object per rule ID; the other names of a rule that has several (TAP000) under "also".
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "fix": rule_catalog.fix_label(r),
                "fix_availability": r.fix_availability.value,
                "default": r.default,
                "why": r.why,
                "docs_url": rule_catalog.docs_url(r.id),
                **({"also": [{"name": n, "severity": v.value} for n, v in r.also]} if r.also else {}),
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK
    # A rule that reports several kinds of finding under one ID (TAP000) has a line for each name.
    named = [(r, name, severity) for r in rules for name, severity in rule_catalog.named_rows(r)]
    name_width = max([len("NAME"), *(len(name) for _, name, _ in named)])
    fix_width = max(len("FIX"), *(len(rule_catalog.fix_label(r)) for r in rules))
    print(f"{'ID':<7} {'NAME':<{name_width}}  {'SEVERITY':<9} {'FIX':<{fix_width}} {'AVAILABLE':<9} DEFAULT")
    for r, name, severity in named:
        default = "yes" if r.default else "no"
        print(
            f"{r.id:<7} {name:<{name_width}}  {severity.value:<9} {rule_catalog.fix_label(r):<{fix_width}} "
            f"{r.fix_availability.value:<9} {default}"
        )
    print(
        "\nDefault rules run without being selected: each was right on at least 9 of 10 findings read on"
        "\npublic Terraform code (`tapfix rules --explain ID` gives the figure). Run the others with"
        "\n--extend-select RULES or `extend-select:` in .tapfix.yml."
    )
    return EXIT_OK


# --- entry point -------------------------------------------------------------------------------

_COMMANDS = {"scan": cmd_scan, "fix": cmd_fix, "rules": cmd_rules}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        from fixers.api import collect_less  # after parsing: `--help` does not load the engine

        collect_less()
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        _stderr(f"error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (`| head`) went away: nothing left to say, and Python must not complain at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("TAPFIX_DEBUG"):
            raise
        _stderr(f"internal error: {type(exc).__name__}: {exc} (set TAPFIX_DEBUG=1 for a traceback)")
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
