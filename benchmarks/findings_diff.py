"""Compare what two checkouts of tapfix find on public Terraform repositories: a refactoring that
must not change behaviour shows no difference.

    python benchmarks/findings_diff.py BEFORE AFTER [--cache /work/cache/repos] [--select TAP204,TAP222]

BEFORE and AFTER are checkouts (e.g. `git worktree add /tmp/before <commit>`, or `git archive <commit>
| tar -x -C /tmp/before`). Each repository folder of the cache (see benchmarks/realworld_scan.py for
how it is filled; no third-party code is committed) is scanned by both with `tapfix scan --format
json`, all rules selected unless `--select` narrows them, and every finding that one reports and the
other does not is printed: rule, path, line, message, and the fix's edits. Exit status 1 when any
differ.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def findings(checkout: Path, folder: Path, select: str | None) -> set[tuple]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    args = [sys.executable, "-m", "bot.command_line", "scan", str(folder), "--format", "json", "--jobs", "1"]
    if select:
        args += ["--select", select]
    run = subprocess.run(args, capture_output=True, text=True, env=env, cwd=checkout, check=False)
    if run.returncode not in (0, 1):
        return {("error", run.returncode, run.stderr.strip()[-300:])}
    report = json.loads(run.stdout)
    out = set()
    for f in report["findings"]:
        fix = f.get("fix") or {}
        edits = tuple(
            (e.get("path"), e.get("start"), e.get("end"), e.get("new_text")) for e in fix.get("edits", [])
        )
        out.add((f["rule_id"], f["path"], f["line"], f["message"], fix.get("applicability"), edits))
    out |= {("scan-error", e["path"], e["line"], e["message"]) for e in report["errors"]}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/repos"))
    parser.add_argument(
        "--select", help="comma-separated rule ids (default: the default set of each checkout)"
    )
    options = parser.parse_args()
    folders = sorted(p for p in options.cache.iterdir() if p.is_dir())
    differ = total = 0
    for folder in folders:
        before = findings(options.before.resolve(), folder, options.select)
        after = findings(options.after.resolve(), folder, options.select)
        total += len(after)
        for sign, items in (("-", before - after), ("+", after - before)):
            for item in sorted(items, key=repr):
                differ += 1
                print(f"{sign} {folder.name}: {item[:4]}")
                if len(item) > 5 and item[5]:
                    print(f"    fix: {json.dumps(item[5])[:400]}")
    print(f"{len(folders)} repositories, {total} findings after, {differ} differences")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
