"""What following module calls costs a PR review, and that it invents nothing: on each public
repository of the real-world set (benchmarks/realworld/repos.tsv, cached as realworld_scan.py says),
two PRs that only append a comment line: one to the root module's first `.tf` file, one to the first
called module's. Each is reviewed with module calls followed (the default) and without (the limits
set to 0), from a checkout in a temporary folder and a local stand-in for the API. A comment changes
no finding, so both must report 0 new findings; the figures are the review's time (calls not
followed; calls followed; calls followed and callers checked) and the folders read for both.

    python benchmarks/review_module_calls.py [--cache /work/cache/repos] [--repos N]

Nothing reaches the network.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HEAD, BASE = "a" * 40, "b" * 40
COMMENT = "\n# touched by the benchmark\n"
LOCAL_SOURCE = re.compile(rb'\bsource\s*=\s*"(\.\.?/[^"\n]*)"')


class LocalApi:
    """The reads the review makes, answered from the checkout (`root`): the head is the checkout,
    the base is the checkout with `changed` as it was."""

    repository = "bench/bench"

    def __init__(self, root: Path, changed: str, before: str) -> None:
        self.root, self.changed, self.before = root, changed, before
        self.requests = 0

    def files(self):
        from bot.github.models import ChangedFile
        from tests.github.pr import changed_entries

        after = (self.root / self.changed).read_text()
        return [
            ChangedFile.model_validate(e)
            for e in changed_entries({self.changed: self.before}, {self.changed: after})
        ]

    def directory(self, path: str, ref: str) -> dict[str, int | None] | None:
        self.requests += 1
        folder = self.root / path
        if folder.is_symlink() or not folder.is_dir():
            return None
        return {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file() and not p.is_symlink()}

    def file_content(self, path: str, ref: str) -> bytes | None:
        self.requests += 1
        if ref == BASE and path == self.changed:
            return self.before.encode()
        target = self.root / path
        return target.read_bytes() if target.is_file() and not target.is_symlink() else None


def review(root: Path, changed: str, follow: bool, callers: bool = True) -> tuple[float, int, int, int]:
    """(seconds, new findings, called or calling folders read, API requests) of one review."""
    from bot.github import review as review_module
    from bot.github import snapshot
    from bot.github.models import PullRequest
    from bot.github.review import review_pull_request
    from fixers.config import Config

    before = (root / changed).read_text()
    (root / changed).write_text(before + COMMENT)
    limits = snapshot.MAX_CALLED_FOLDERS, snapshot.MAX_INDEXED_FILES
    if not follow:
        snapshot.MAX_CALLED_FOLDERS = snapshot.MAX_INDEXED_FILES = 0
    if not callers:
        snapshot.MAX_INDEXED_FILES = 0
    api = LocalApi(root, changed, before)
    pr = PullRequest.model_validate({"number": 1, "head": {"sha": HEAD}, "base": {"sha": BASE}})
    built: list[snapshot.Snapshots] = []

    def keeping(*args, **kwargs):
        built.append(snapshot.build(*args, **kwargs))
        return built[-1]

    review_module.build = keeping
    try:
        start = time.perf_counter()
        result = review_pull_request(api, pr, root, Config())
        seconds = time.perf_counter() - start
    finally:
        review_module.build = snapshot.build
        snapshot.MAX_CALLED_FOLDERS, snapshot.MAX_INDEXED_FILES = limits
        (root / changed).write_text(before)
    read = built[0].called_read if built else []
    new = sum(1 for f in result.plan.findings if f.status == "new")
    return seconds, new, len(read), api.requests


def pick(root: Path) -> tuple[str | None, str | None]:
    """The root module's first .tf file, and the first .tf file of a folder the root calls."""
    top = sorted(p.name for p in root.glob("*.tf"))
    if not top:
        return None, None
    for name in top:
        for match in LOCAL_SOURCE.finditer((root / name).read_bytes()):
            folder = posixpath.normpath(match[1].decode())
            files = sorted((root / folder).glob("*.tf")) if not folder.startswith("..") else []
            if files:
                return top[0], files[0].relative_to(root).as_posix()
    return top[0], None


def main() -> int:
    from benchmarks.realworld_scan import read_repos

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/repos"))
    parser.add_argument("--repos", type=int, default=0, help="only the first N repositories")
    args = parser.parse_args()
    repos = read_repos()[: args.repos or None]
    totals = [0.0, 0.0, 0.0]
    invented = 0
    print(
        f"{'repository':50} {'PR touches':28} {'off s':>6} {'calls':>6} {'+callers':>8} {'read':>4} {'new':>3}"
    )
    for repo in repos:
        source = args.cache / repo.folder
        if not source.is_dir():
            print(f"{repo.name}: not in {args.cache}", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "checkout"
            shutil.copytree(source, root, symlinks=True)
            for changed in [c for c in pick(root) if c is not None]:
                runs = [
                    review(root, changed, follow=False),
                    review(root, changed, follow=True, callers=False),
                    review(root, changed, follow=True),
                ]
                for i, run in enumerate(runs):
                    totals[i] += run[0]
                    invented += run[1]
                off, calls, both = runs
                print(
                    f"{repo.folder[:50]:50} {changed[:28]:28} {off[0]:6.2f} {calls[0]:6.2f} {both[0]:8.2f} "
                    f"{both[2]:4} {both[1]:3}"
                )
    print(
        f"total: {totals[0]:.1f} s without following calls, {totals[1]:.1f} s following calls, "
        f"{totals[2]:.1f} s following calls and checking callers; new findings {invented}"
    )
    return 1 if invented else 0


if __name__ == "__main__":
    sys.exit(main())
