"""Time `tapfix scan` as a whole process: interpreter start, imports, parsing, rules, fix verification.

    python benchmarks/bench_scan.py [--runs 5] [--corpus-runs 3] [--jobs N] [--only NAME]

Cases: the example stack, one generated ~1,300-line module, and a generated corpus of ~1,100 files /
100k lines in 200 modules (benchmarks/corpus.py, written to a temporary folder). For each case it prints
the median and best wall time, files per second, the CPU time (user + system, all processes), the peak
RSS of the largest process and the peak total RSS of the process tree (sampled every 10 ms), against
the targets: 1,300-line module <= 0.5 s, 100k-line corpus <= 10 s and < 500 MiB. "cpu/wall" is how
many cores the run kept busy on average, and "load" the 1-minute load average before and after the
case: on a machine that other work keeps busy, wall times say little.

tapfix runs with its bytecode compiled, as `pip install` leaves it: a checkout run with
PYTHONDONTWRITEBYTECODE set (as CI and these machines have it) would otherwise compile every module of
tapfix on every run, which no installed copy does. The bytecode goes to a temporary folder
(PYTHONPYCACHEPREFIX), not into the checkout; `--no-bytecode` measures the uncompiled case.

The console script next to this interpreter is run directly (not through a pyenv or venv shim, whose
own start-up is not tapfix's). Wall time depends on what else the machine runs: compare CPU time too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus, write_single_module

REPO = Path(__file__).resolve().parents[1]


def tapfix_command() -> list[str]:
    script = Path(sys.executable).parent / "tapfix"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "bot.command_line"]


def _code_location() -> str:
    """Where the console script's interpreter imports tapfix from: an editable install may point at
    another checkout than this one."""
    probe = subprocess.run(
        [sys.executable, "-c", "import bot; print(bot.__file__)"],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        check=False,
    )
    return (
        str(Path(probe.stdout.strip()).parent.parent) if probe.returncode == 0 else "(tapfix not importable)"
    )


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and its descendants, from /proc (0 once it is gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Run:
    wall: float
    cpu: float
    max_rss_mib: float  # the largest single process
    tree_rss_mib: float  # all processes at once, sampled
    exit_code: int


def run_once(argv: list[str], env: dict[str, str] | None = None) -> Run:
    peak = [0]
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kib(process.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}:\n{stderr}")
    children = usage.ru_utime + usage.ru_stime
    return Run(wall, children, usage.ru_maxrss / 1024, peak[0] / 1024, process.returncode)


@dataclass
class Case:
    name: str
    path: Path
    files: int
    lines: int
    target_wall: float | None = None
    target_mib: float | None = None


def _count(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*.tf") if ".terraform" not in p.parts]
    return len(files), sum(p.read_text().count("\n") for p in files)


def measure(case: Case, runs: int, extra: list[str], env: dict[str, str] | None) -> list[Run]:
    argv = [*tapfix_command(), "scan", str(case.path), "--format", "json", *extra]
    # warm the file cache; python-hcl2's grammar cache and tapfix's bytecode are written on first use
    run_once(argv, env)
    return [run_once(argv, env) for _ in range(runs)]


def bytecode_env(folder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = folder
    return env


def report(case: Case, results: list[Run], load: tuple[float, float]) -> str:
    walls = [r.wall for r in results]
    median = statistics.median(walls)
    cpu = statistics.median(r.cpu for r in results)
    max_rss = max(r.max_rss_mib for r in results)
    tree = max(r.tree_rss_mib for r in results)
    verdicts = []
    if case.target_wall is not None:
        verdicts.append(f"wall {'OK' if median <= case.target_wall else 'OVER'} (<= {case.target_wall:g} s)")
    if case.target_mib is not None:
        verdicts.append(f"memory {'OK' if tree < case.target_mib else 'OVER'} (< {case.target_mib:g} MiB)")
    return (
        f"{case.name:<22} {case.files:>5} files {case.lines:>7} lines | wall median {median:6.2f} s "
        f"best {min(walls):6.2f} s | {case.files / median:7.0f} files/s | cpu {cpu:6.2f} s | "
        f"cpu/wall {cpu / median:4.2f} | "
        f"peak RSS {max_rss:5.0f} MiB (largest process), {tree:5.0f} MiB (all processes) | "
        f"load {load[0]:.1f} -> {load[1]:.1f}" + (f" | {', '.join(verdicts)}" if verdicts else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of the small cases (default 5)")
    parser.add_argument("--corpus-runs", type=int, default=3, help="runs of the corpus (default 3)")
    parser.add_argument("--jobs", type=int, help="passed to tapfix scan --jobs")
    parser.add_argument("--only", choices=("example", "module", "corpus"), action="append")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="run tapfix from source, compiling it on every run"
    )
    args = parser.parse_args()
    extra = ["--jobs", str(args.jobs)] if args.jobs else []
    only = set(args.only or ("example", "module", "corpus"))
    print(f"command: {' '.join(tapfix_command())} scan PATH --format json {' '.join(extra)}".rstrip())
    print(f"code: {_code_location()}")
    print(
        f"bytecode: {'none (compiled on every run)' if args.no_bytecode else 'compiled once, as installed'}"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="tapfix-bench-") as tmp:
        env = None if args.no_bytecode else bytecode_env(str(Path(tmp) / "bytecode"))
        cases = []
        if "example" in only:
            stack = REPO / "examples" / "aws-stack"
            cases.append((Case("example stack", stack, *_count(stack)), args.runs))
        if "module" in only:
            module = Path(tmp) / "module"
            counts = write_single_module(module, lines=1300)
            cases.append(
                (Case("1,300-line module", module, counts["files"], counts["lines"], 0.5), args.runs)
            )
        if "corpus" in only:
            corpus = Path(tmp) / "corpus"
            counts = write_corpus(corpus, files=1000, lines=100_000)
            case = Case(
                f"corpus ({counts['modules']} modules)", corpus, counts["files"], counts["lines"], 10.0, 500
            )
            cases.append((case, args.corpus_runs))
        for case, runs in cases:
            before = os.getloadavg()[0]
            results = measure(case, runs, extra, env)
            print(report(case, results, (before, os.getloadavg()[0])), flush=True)


if __name__ == "__main__":
    main()
