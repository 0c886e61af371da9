"""Does `tapfix fix --unsafe-fixes` ever turn valid Terraform into invalid Terraform, on real code?

    python benchmarks/realworld_fix_validate.py [--cache /work/cache/repos] [--mirror /work/.mirror]
                                                [--repos a/b,c/d] [--jobs 2] [--verbose]

The repositories and commits are those of benchmarks/realworld/fix_validate.tsv: the public Terraform
for AWS of benchmarks/realworld/repos.tsv, with the terraform-aws-modules that now require provider
6.x taken at their last commit before that (the local mirror has hashicorp/aws 5.100.0). Fetch each
with the search tool's `fetch` (`github:<owner>/<name>`, a bare git directory under
/work/.mirror/<owner>+<name>/repo). The commit's files are read from `<cache>/<owner>+<name>` when
`benchmarks/realworld_scan.py --extract` left that commit there, else they are extracted from the
mirror into `<cache>/<owner>+<name>@<commit>` (Terraform and documentation files only). Each
repository is then copied twice into a temporary folder, one copy is fixed with `tapfix fix --unsafe-fixes`, and every module (folder)
the fix changed is validated in both copies, in place (so that `source = "../../"` finds the module
an example calls), with `terraform init -backend=false` and `terraform validate` against the local
AWS provider mirror, offline (the provider is shared across runs as in tests/support/hcl_reference.py;
its `random_*` resources are neutralised the same way, since hashicorp/random is not mirrored).

Each changed module is counted as
- untestable: terraform cannot even initialise it before the fix (another provider than aws, a
  registry module, ...);
- invalid before: the original does not validate (often: the latest terraform-aws-modules use
  arguments of provider 6.x, and the mirror has 5.100.0); "NEW ERRORS" when the fixed copy has an
  error the original did not have (compared without positions, as the fix moves lines);
- valid after: it validated before and after the fix;
- BROKEN: it validated before the fix and not after.
The goal is no BROKEN and no NEW ERRORS; each is listed with terraform's errors.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.realworld_scan import DATA, Repo, extract, read_repos, tapfix_command  # noqa: E402
from tests.support.hcl_reference import HclReference, neutralise_random_provider  # noqa: E402

REPOS = DATA / "fix_validate.tsv"


def _tree(repo: Repo, cache: Path, mirror: Path) -> Path | None:
    """The repository's files at its commit, extracted once into the cache."""
    shared = cache / repo.folder
    marker = shared / ".realworld-commit"
    if marker.is_file() and marker.read_text().strip() == repo.commit:
        return shared
    pinned = cache / f"{repo.folder}@{repo.commit[:12]}"
    if not pinned.is_dir():
        staging = Path(tempfile.mkdtemp(prefix="tapfix-extract-", dir=cache))
        try:
            extract([repo], mirror, staging)
            if not (staging / repo.folder).is_dir():
                return None
            (staging / repo.folder).rename(pinned)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return pinned


@dataclass
class Verdict:
    state: str  # "ok", "invalid", "untestable"
    errors: list[str]


def _changed_dirs(before: Path, after: Path) -> list[str]:
    """The modules (folders with .tf files, relative) in which the fix changed or created a file; a
    file written to a new folder (a user-data template) counts for the module above it."""
    changed: set[str] = set()
    for path in after.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(after)
        original = before / relative
        if not original.is_file() or not filecmp.cmp(original, path, shallow=False):
            folder = relative.parent
            while not any((before / folder).glob("*.tf")) and folder != Path("."):
                folder = folder.parent
            changed.add(folder.as_posix())
    return sorted(changed)


def _neutralise(directory: Path) -> None:
    """hashicorp/random is not in the mirror: the module's random_* resources become literals."""
    files = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in directory.glob("*.tf")}
    for name, text in neutralise_random_provider(files).items():
        if text != files.get(name):
            (directory / name).write_text(text, encoding="utf-8")


def _validate(reference: HclReference, directory: Path) -> Verdict:
    data = Path(tempfile.mkdtemp(prefix="tapfix-tfdata-"))
    try:
        env = reference._env() | {"TF_DATA_DIR": str(data)}
        tf = str(reference.terraform)
        init = subprocess.run(
            [
                tf,
                "init",
                "-backend=false",
                "-input=false",
                "-no-color",
                f"-plugin-dir={reference.plugin_dir}",
            ],
            cwd=directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if init.returncode != 0:
            lines = [ln.strip() for ln in (init.stderr or init.stdout).splitlines() if ln.strip("│ ╷╵\n")]
            why = " ".join(lines)
            # a registry module or a provider the mirror lacks; other init errors are the configuration's,
            # which validate reports
            if "registry" in why or ("provider" in why.lower() and "Could not retrieve" in why):
                return Verdict("untestable", [why[:300]])
        proc = subprocess.run(
            [tf, "validate", "-json", "-no-color"],
            cwd=directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        report = json.loads(proc.stdout)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    errors = [
        f"{d.get('summary')}: {d.get('detail', '')[:200]} ({(d.get('range') or {}).get('filename')}:"
        f"{(d.get('range') or {}).get('start', {}).get('line')})"
        for d in report.get("diagnostics", [])
        if d.get("severity") == "error"
    ]
    return Verdict("ok" if report.get("valid") and not errors else "invalid", errors)


def _error_kinds(verdict: Verdict) -> collections.Counter:
    # without the position: the fix moves lines
    return collections.Counter(e.rsplit(" (", 1)[0] for e in verdict.errors)


def _new_errors(before: Verdict, after: Verdict) -> list[str]:
    if after.state == "untestable":
        return ["terraform init failed after the fix"]
    return sorted((_error_kinds(after) - _error_kinds(before)).elements())


def _fix(copy: Path) -> tuple[int, str]:
    done = subprocess.run(
        [*tapfix_command(), "fix", "--unsafe-fixes", str(copy)], capture_output=True, text=True, timeout=1800
    )
    return done.returncode, done.stdout + done.stderr


def _check_repo(reference: HclReference, repo: Repo, source: Path, scratch: Path, jobs: int) -> list[dict]:
    before, after = scratch / "before" / repo.folder, scratch / "after" / repo.folder
    ignore = shutil.ignore_patterns(".git", ".terraform", ".terraform.lock.hcl")
    shutil.copytree(source, before, ignore=ignore, symlinks=True)
    shutil.copytree(source, after, ignore=ignore, symlinks=True)
    code, output = _fix(after)
    if code not in (0, 1):
        # exit 2: a rule crashed or ran out of time somewhere (the rest is still fixed), or tapfix failed
        print(f"{repo.name}: tapfix fix exited {code}: {output[-500:]}", file=sys.stderr)
        if "tapfix: internal error" in output:
            raise SystemExit(f"{repo.name}: tapfix fix failed; fix that first")
    dirs = _changed_dirs(before, after)
    for relative in dirs:
        for side in (before, after):
            _neutralise(side / relative)

    def one(relative: str) -> dict:
        old = _validate(reference, before / relative)
        new = (
            _validate(reference, after / relative) if old.state != "untestable" else Verdict("untestable", [])
        )
        if old.state == "untestable":
            outcome = "untestable"
        elif old.state == "invalid":
            # (the latest terraform-aws-modules target provider 6.x, the mirror has 5.100.0): what
            # counts is whether the fix adds an error of its own
            outcome = "invalid before, NEW ERRORS" if _new_errors(old, new) else "invalid before"
        else:
            outcome = "valid after" if new.state == "ok" else "BROKEN"
        return {"repo": repo.name, "module": relative, "outcome": outcome, "before": old, "after": new}

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        rows = list(pool.map(one, dirs))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/repos"))
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--repos", help="comma-separated owner/name (default: all of repos.tsv)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="list every changed module")
    args = parser.parse_args(argv)
    repos = read_repos(REPOS)
    if args.repos:
        wanted = set(args.repos.split(","))
        repos = [r for r in repos if r.name in wanted]
    trees = {r.name: _tree(r, args.cache, args.mirror) for r in repos}
    missing = [name for name, tree in trees.items() if tree is None]
    if missing:
        print(f"not fetched (no {args.mirror}/<owner>+<name>/repo): {', '.join(missing)}")
        repos = [r for r in repos if r.name not in missing]
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="tapfix-realworld-fix-"))
    totals: dict[str, int] = {}
    try:
        with HclReference(jobs=args.jobs) as reference:
            reference._setup()
            for repo in repos:
                rows = _check_repo(reference, repo, trees[repo.name], scratch, args.jobs)
                counts: dict[str, int] = {}
                for row in rows:
                    counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
                    totals[row["outcome"]] = totals.get(row["outcome"], 0) + 1
                    if row["outcome"] == "BROKEN":
                        print(f"  BROKEN {repo.name}/{row['module']}:")
                        for error in row["after"].errors[:5]:
                            print(f"    {error}")
                    elif row["outcome"].endswith("NEW ERRORS"):
                        print(f"  NEW ERRORS {repo.name}/{row['module']}:")
                        for error in _new_errors(row["before"], row["after"])[:5]:
                            print(f"    {error}")
                    elif args.verbose:
                        why = (row["before"].errors or [""])[0][:160]
                        print(f"  {row['outcome']:14} {repo.name}/{row['module']} {why}")
                shown = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no module changed"
                print(f"{repo.name} {repo.commit[:12]}: {len(rows)} changed modules: {shown}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    total = sum(totals.values())
    print(
        f"\n{len(repos)} repositories, {total} modules changed by the fix: "
        + ", ".join(f"{n} {k}" for k, n in sorted(totals.items()))
        + f" ({time.monotonic() - started:.0f} s)"
    )
    return 1 if totals.get("BROKEN") or totals.get("invalid before, NEW ERRORS") else 0


if __name__ == "__main__":
    sys.exit(main())
