"""Precision of tapfix on public Terraform repositories nobody here wrote.

    python benchmarks/realworld_scan.py [--cache /work/cache/repos] [--rules all|default]
    python benchmarks/realworld_scan.py --sample 15 > to_label.tsv   # unlabelled findings to read
    python benchmarks/realworld_scan.py --extract /work/.mirror      # lay out missing repositories

The repositories and the commits measured are listed in benchmarks/realworld/repos.tsv. Each is a
folder `<cache>/<owner>+<name>` holding that commit's files (no third-party code is committed here).
To fill the cache, fetch each repository with the search tool's `fetch` (`github:<owner>/<name>`),
which leaves a bare git directory under /work/.mirror/<owner>+<name>/repo, then run with
`--extract /work/.mirror`: the commit in repos.tsv (or the snapshot's HEAD when it has no such
commit, reported) is written into the cache, Terraform and documentation files only.

The scan runs `tapfix scan --format json` on each repository, all rules selected by default (so
rules outside the default set are measured too), and prints per-rule counts; `--counts FILE` writes
them as TSV. The labelled sample, benchmarks/realworld/labels.tsv (repository, commit, path, line,
rule, verdict `correct`/`wrong`, fix `ok`/`harmful`/empty, one-line reason), is matched against the
fresh scan by (repository, path, line, rule): the script prints precision per rule over the labelled
findings still reported, the harmful fixes still offered, the labelled findings that disappeared and
the number of new unlabelled ones (listed with `--list-new`).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "realworld"
REPOS_TSV = DATA / "repos.tsv"
LABELS_TSV = DATA / "labels.tsv"
LABEL_COLUMNS = ("repository", "commit", "path", "line", "rule", "verdict", "fix", "reason")
# What tapfix reads from a repository; everything else (binaries, archives) stays in the snapshot.
_KEPT_SUFFIXES = (".tf", ".tfvars", ".md", ".yml", ".yaml", ".json", ".tpl", ".sh")


@dataclass(frozen=True)
class Repo:
    name: str  # owner/name
    commit: str
    kind: str  # module, module-family, stack, tutorial: what conventions it stands for

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+")


@dataclass(frozen=True)
class Found:
    repository: str
    path: str
    line: int
    rule: str
    message: str
    fix: str  # applicability, or "" when no fix is offered

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.repository, self.path, self.line, self.rule)


def read_repos(path: Path = REPOS_TSV) -> list[Repo]:
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return [Repo(r["repository"], r["commit"], r["kind"]) for r in rows]


def read_labels(path: Path = LABELS_TSV) -> dict[tuple[str, str, int, str], dict[str, str]]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        labels = {}
        for r in rows:
            if r["verdict"] not in ("correct", "wrong"):
                raise SystemExit(f"{path}: verdict must be correct or wrong, not {r['verdict']!r}")
            labels[(r["repository"], r["path"], int(r["line"]), r["rule"])] = r
        return labels


def extract(repos: list[Repo], mirror: Path, cache: Path) -> None:
    """Write each repository's Terraform and documentation files at its commit into the cache."""
    for repo in repos:
        target = cache / repo.folder
        marker = target / ".realworld-commit"
        if marker.is_file() and marker.read_text().strip() == repo.commit:
            continue
        git_dir = mirror / repo.folder / "repo"
        if not git_dir.is_dir():
            print(f"missing: fetch github:{repo.name} first (no {git_dir})", file=sys.stderr)
            continue
        git = ["git", f"--git-dir={git_dir}"]
        commit = repo.commit
        if subprocess.run([*git, "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True).returncode:
            commit = subprocess.run(
                [*git, "rev-parse", "HEAD"], capture_output=True, text=True
            ).stdout.strip()
            print(
                f"{repo.name}: {repo.commit[:12]} not in the snapshot, using HEAD {commit[:12]}",
                file=sys.stderr,
            )
        listing = subprocess.run(
            [*git, "ls-tree", "-r", "-z", commit], capture_output=True, check=True
        ).stdout.split(b"\0")
        for entry in filter(None, listing):
            meta, _, name = entry.partition(b"\t")
            mode, kind, sha = meta.split()
            path = name.decode("utf-8", "replace")
            if kind != b"blob" or mode == b"120000" or not path.endswith(_KEPT_SUFFIXES):
                continue
            blob = subprocess.run([*git, "cat-file", "blob", sha.decode()], capture_output=True)
            if blob.returncode:  # the snapshot leaves out files of 4 MiB and more
                continue
            out = target / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(blob.stdout)
        marker.write_text(commit + "\n")


def tapfix_command() -> list[str]:
    script = Path(sys.executable).parent / "tapfix"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "bot.command_line"]


def all_rule_ids() -> list[str]:
    sys.path.insert(0, str(HERE.parent))
    from fixers.rules import all_rules

    return [u.rule.id for u in all_rules()]


def scan(repos: list[Repo], cache: Path, rules: str) -> tuple[list[Found], list[str]]:
    found: list[Found] = []
    problems: list[str] = []
    select = ["--select", ",".join(all_rule_ids())] if rules == "all" else []
    for repo in repos:
        folder = cache / repo.folder
        if not folder.is_dir():
            problems.append(f"{repo.name}: not in {cache} (see --extract)")
            continue
        run = subprocess.run(
            [*tapfix_command(), "scan", str(folder), "--format", "json", "--jobs", "1", *select],
            capture_output=True,
            text=True,
        )
        if run.returncode not in (0, 1):
            problems.append(f"{repo.name}: tapfix exited {run.returncode}: {run.stderr.strip()[:300]}")
            continue
        report = json.loads(run.stdout)
        for error in report["errors"]:
            problems.append(f"{repo.name}: {error['path']}:{error['line']}: {error['message'][:120]}")
        for f in report["findings"]:
            if f.get("suppressed"):
                continue  # silenced by the author (tapfix:ignore, or another scanner's ignore of the check)
            fix = f["fix"]["applicability"] if f.get("fix") else ""
            found.append(Found(repo.name, f["path"], f["line"], f["rule_id"], f["message"], fix))
    return found, problems


def _area(path: str) -> str:
    first = path.split("/", 1)[0]
    return "examples/tests" if first in ("examples", "tests", "test", "wrappers") else "module"


def report(found: list[Found], labels: dict, default_rules: set[str], list_new: bool) -> None:
    by_rule = collections.Counter(f.rule for f in found)
    current = {f.key: f for f in found}
    matched = [(f, labels[f.key]) for f in found if f.key in labels]
    print(f"{len(found)} findings, {len(matched)} of them labelled\n")
    print(
        f"{'rule':<7} {'default':<7} {'findings':>8} {'labelled':>8} {'correct':>7} {'precision':>9} {'harmful fixes':>13}"
    )
    total_c = total_l = total_h = 0
    for rule in sorted(set(by_rule) | {lab["rule"] for _, lab in matched}):
        rows = [lab for f, lab in matched if f.rule == rule]
        correct = sum(lab["verdict"] == "correct" for lab in rows)
        harmful = sum(lab.get("fix") == "harmful" for f, lab in matched if f.rule == rule and f.fix)
        total_c, total_l, total_h = total_c + correct, total_l + len(rows), total_h + harmful
        precision = f"{correct / len(rows):.2f}" if rows else "-"
        flag = "yes" if rule in default_rules else "no"
        print(
            f"{rule:<7} {flag:<7} {by_rule[rule]:>8} {len(rows):>8} {correct:>7} {precision:>9} {harmful:>13}"
        )
    overall = f"{total_c / total_l:.2f}" if total_l else "-"
    print(f"{'all':<7} {'':<7} {len(found):>8} {total_l:>8} {total_c:>7} {overall:>9} {total_h:>13}")
    default_rows = [lab for f, lab in matched if f.rule in default_rules]
    if default_rows:
        right = sum(lab["verdict"] == "correct" for lab in default_rows)
        print(
            f"default rule set: {right}/{len(default_rows)} labelled correct, precision {right / len(default_rows):.2f}"
        )
    areas = collections.defaultdict(lambda: [0, 0])
    for f, lab in matched:
        areas[_area(f.path)][0] += lab["verdict"] == "correct"
        areas[_area(f.path)][1] += 1
    for area, (right, n) in sorted(areas.items()):
        print(f"  {area}: {right}/{n} correct")
    gone = [k for k in labels if k not in current]
    print(f"\nlabelled findings no longer reported: {len(gone)}")
    for key in sorted(gone):
        lab = labels[key]
        print(f"  {lab['verdict']:<7} {key[3]} {key[0]} {key[1]}:{key[2]}  ({lab['reason']})")
    new = [f for f in found if f.key not in labels]
    print(f"\nnew unlabelled findings: {len(new)} " + str(dict(collections.Counter(f.rule for f in new))))
    if list_new:
        for f in sorted(new, key=lambda f: f.key):
            print(f"  {f.rule} {f.repository} {f.path}:{f.line}  {f.message[:160]}")


def sample(found: list[Found], labels: dict, per_rule: int, seed: int) -> None:
    """Unlabelled findings to read, as label rows with the verdict left blank: every finding of a
    rule with at most `per_rule` of them, a seeded random `per_rule` of the others."""
    commits = {r.name: r.commit for r in read_repos()}
    rng = random.Random(seed)
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    by_rule = collections.defaultdict(list)
    for f in found:
        by_rule[f.rule].append(f)
    for _rule, items in sorted(by_rule.items()):
        picked = items if len(items) <= per_rule else rng.sample(items, per_rule)
        for f in sorted(picked, key=lambda f: f.key):
            if f.key not in labels:
                writer.writerow(
                    [f.repository, commits[f.repository], f.path, f.line, f.rule, "", f.fix, f.message]
                )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/repos"))
    parser.add_argument("--extract", type=Path, metavar="MIRROR", help="lay out missing repositories first")
    parser.add_argument("--rules", choices=("all", "default"), default="all")
    parser.add_argument("--counts", type=Path, help="write per-repository, per-rule counts (TSV) here")
    parser.add_argument("--sample", type=int, metavar="N", help="print unlabelled findings to label")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--list-new", action="store_true", help="list the new unlabelled findings")
    args = parser.parse_args()
    repos = read_repos()
    if args.extract:
        extract(repos, args.extract, args.cache)
    found, problems = scan(repos, args.cache, args.rules)
    for p in problems:
        print(f"note: {p}", file=sys.stderr)
    if args.counts:
        counts = collections.Counter((f.repository, f.rule) for f in found)
        with args.counts.open("w", encoding="utf-8") as fh:
            fh.write("repository\trule\tfindings\n")
            for (repo, rule), n in sorted(counts.items()):
                fh.write(f"{repo}\t{rule}\t{n}\n")
    labels = read_labels()
    if args.sample is not None:
        sample(found, labels, args.sample, args.seed)
        return 0
    sys.path.insert(0, str(HERE.parent))
    from fixers.rules import all_rules

    default_rules = {u.rule.id for u in all_rules() if getattr(u.rule, "default", True)}
    report(found, labels, default_rules, args.list_new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
