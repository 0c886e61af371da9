"""The long soak behind tests/hardening/test_hostile_hcl.py: minutes of hostile HCL instead of seconds.

    python benchmarks/soak_hcl.py [--minutes 15] [--workers 2] [--seed 1] [--out DIR]
                                  [--hang-seconds 300] [--memory-mib 3072] [--fix-every 2]

(OUT defaults to $TMPDIR/tapfix-soak.)

Two parts:

1. Mutants. Worker processes scan mutants of the fixture modules (tests/rules/TAP*/*/): half of the
   inputs truncate each fixture file at every byte in turn, the other half are random mutations
   from tests/hardening/hostile.py (byte flips, hostile fragment splices, deletions, duplications,
   CRLF/CR/BOM, non-UTF-8, NUL). Every input must keep the invariants of hostile.check_scan, and
   every `--fix-every`th parsable one those of hostile.check_fix (fix idempotent, complete). An
   input that raises, breaks an invariant, runs out of memory (each worker is limited to
   `--memory-mib` of address space) or takes longer than `--hang-seconds` is a violation: it is
   written to OUT/violations/ with what happened.
2. Large inputs, each in a fresh process so its peak memory is its own: a 100k-line realistic
   module, realistic and dense 4 MiB files, a 50 MB file, 1,000-deep nesting, a 10 MB string, a
   heredoc of 1M blank lines, 5,000 suppressed blocks, and catastrophic regular expressions.

The summary (inputs tried, violations, time, peak memory) is printed and written to OUT/summary.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("TAPFIX_DEBUG", "1")  # a rule that crashes raises instead of becoming a scan error

from corpus import one_file_module  # noqa: E402

from fixers.workspace import ModuleInput  # noqa: E402
from tests.hardening.hostile import (  # noqa: E402
    MUTATIONS,
    Violation,
    check_fix,
    check_scan,
    fixture_modules,
    load,
    mutated,
)

# --- the inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    index: int
    kind: str  # "truncate-all" (file, cut) or a mutation name


def _truncation_plan(modules: list[ModuleInput]) -> list[tuple[int, str, int]]:
    """(module, file, cut) for every byte of every fixture file, files in a seeded order."""
    plan = []
    for m, module in enumerate(modules):
        for path, data in sorted(module.files.items()):
            plan.extend((m, path, cut) for cut in range(len(data) + 1))
    return plan


def build_input(modules, plan, seed: int, task: Task) -> ModuleInput:
    if task.kind == "truncate-all":
        m, path, cut = plan[task.index % len(plan)]
        files = dict(modules[m].files)
        files[path] = files[path][:cut]
        source = modules[m]
        return ModuleInput(
            path=".", files=files, tfvars=dict(source.tfvars), neighbours=set(source.neighbours)
        )
    rng = random.Random(f"{seed}-{task.index}")
    mutant, _ = mutated(rng, rng.choice(modules), task.kind)
    return mutant


def next_task(seed: int, counter: int, truncations: int) -> Task:
    """Even slots walk the truncation plan; odd slots are random mutations."""
    if counter % 2 == 0:
        return Task(index=(counter // 2 + seed * 7919) % truncations, kind="truncate-all")
    return Task(index=counter, kind=random.Random(f"{seed}-kind-{counter}").choice(MUTATIONS))


# --- the worker --------------------------------------------------------------------------------


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(conn: Connection, seed: int, memory_mib: int, fix_every: int) -> None:
    limit = memory_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    modules = [load(d) for d in fixture_modules()]
    plan = _truncation_plan(modules)
    parsable = 0
    while True:
        message = conn.recv()
        if message is None:
            return
        task = Task(*message)
        start = time.process_time()
        outcome, detail, fixed = "ok", "", False
        try:
            module = build_input(modules, plan, seed, task)
            report = check_scan(module)
            if not report.errors:
                parsable += 1
                if parsable % fix_every == 0:
                    check_fix(module)
                    fixed = True
        except Violation as exc:
            outcome, detail = "violation", str(exc)
        except MemoryError:
            outcome, detail = "memory", traceback.format_exc()
        except Exception:
            outcome, detail = "exception", traceback.format_exc()
        conn.send((outcome, detail, fixed, time.process_time() - start, _peak_rss_mib()))


@dataclass
class Slot:
    process: multiprocessing.Process
    conn: Connection
    task: Task | None = None
    started: float = 0.0


@dataclass
class Tally:
    inputs: int = 0
    fixes_checked: int = 0
    by_kind: Counter = field(default_factory=Counter)
    violations: list[dict] = field(default_factory=list)
    cpu_seconds: float = 0.0
    slowest: tuple[float, str] = (0.0, "")
    peak_rss_mib: float = 0.0


def _start(ctx, seed: int, memory_mib: int, fix_every: int) -> Slot:
    parent, child = ctx.Pipe()
    process = ctx.Process(target=worker, args=(child, seed, memory_mib, fix_every), daemon=True)
    process.start()
    return Slot(process, parent)


def _record_violation(
    out: Path, modules, plan, seed: int, task: Task, outcome: str, detail: str, tally: Tally
):
    number = len(tally.violations) + 1
    folder = out / "violations" / f"{number:03d}-{outcome}"
    folder.mkdir(parents=True, exist_ok=True)
    module = build_input(modules, plan, seed, task)
    for path, data in module.files.items():
        (folder / path.replace("/", "__")).write_bytes(data)
    (folder / "what.txt").write_text(f"task: {task}\noutcome: {outcome}\n\n{detail}\n")
    tally.violations.append({"task": [task.index, task.kind], "outcome": outcome, "detail": detail[-2000:]})


def run_mutants(args, out: Path) -> Tally:
    ctx = multiprocessing.get_context("fork")
    modules = [load(d) for d in fixture_modules()]
    plan = _truncation_plan(modules)
    tally = Tally()
    slots = [_start(ctx, args.seed, args.memory_mib, args.fix_every) for _ in range(args.workers)]
    deadline = time.monotonic() + args.minutes * 60
    counter = 0
    while True:
        for slot in slots:
            if slot.task is None and time.monotonic() < deadline:
                slot.task = next_task(args.seed, counter, len(plan))
                counter += 1
                slot.started = time.monotonic()
                slot.conn.send((slot.task.index, slot.task.kind))
        busy = [s for s in slots if s.task is not None]
        if not busy:
            break
        ready = wait([s.conn for s in busy], timeout=5)
        now = time.monotonic()
        for i, slot in enumerate(slots):
            if slot.task is None:
                continue
            if slot.conn in ready:
                try:
                    outcome, detail, fixed, cpu, rss = slot.conn.recv()
                except EOFError:  # killed from outside, e.g. by the kernel's OOM killer
                    outcome, detail, fixed, cpu, rss = (
                        "died",
                        f"exit code {slot.process.exitcode}",
                        False,
                        0,
                        0,
                    )
                    slots[i] = _start(ctx, args.seed, args.memory_mib, args.fix_every)
            elif now - slot.started > args.hang_seconds:
                slot.process.kill()
                slot.process.join()
                outcome, detail, fixed, cpu, rss = "hang", f"no answer in {args.hang_seconds} s", False, 0, 0
                slots[i] = _start(ctx, args.seed, args.memory_mib, args.fix_every)
            else:
                continue
            tally.inputs += 1
            tally.by_kind[slot.task.kind] += 1
            tally.fixes_checked += fixed
            tally.cpu_seconds += cpu
            tally.peak_rss_mib = max(tally.peak_rss_mib, rss)
            if cpu > tally.slowest[0]:
                tally.slowest = (cpu, f"{slot.task.kind} #{slot.task.index}")
            if outcome != "ok":
                _record_violation(out, modules, plan, args.seed, slot.task, outcome, detail, tally)
                print(f"  violation {len(tally.violations)}: {outcome} on {slot.task}", flush=True)
            slot.task = None
            if tally.inputs % 5000 == 0:
                print(f"  {tally.inputs:,} inputs, {len(tally.violations)} violations", flush=True)
    for slot in slots:
        slot.conn.send(None)
        slot.process.join(timeout=10)
    return tally


# --- large inputs ------------------------------------------------------------------------------


def _large_input(name: str) -> dict[str, bytes]:
    bucket = b'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
    if name == "realistic module, 100k lines":
        return {"main.tf": one_file_module(100_000).encode()}
    if name == "realistic file, 4 MiB":
        text = one_file_module(140_000).encode()
        return {"main.tf": text[: text.rfind(b"\n}\n", 0, 4 * 1024 * 1024 - 1) + 3]}
    if name == "dense file, 4 MiB of `1,`":
        return {"main.tf": b"locals {\n  x = [" + b"1," * (2 * 1024 * 1024 - 20) + b"]\n}\n", "b.tf": bucket}
    if name == "50 MB file":
        return {"big.tf": b"# generated\n" * (50 * 1024 * 1024 // 12), "b.tf": bucket}
    if name == "1,000-deep brackets":
        return {"main.tf": b"locals {\n  x = " + b"[" * 1000 + b"]" * 1000 + b"\n}\n" + bucket}
    if name == "1,000-deep blocks":
        return {"main.tf": b'resource "aws_s3_bucket" "x" {\n' + b"a {\n" * 1000 + b"}\n" * 1000 + b"}\n"}
    if name == "10 MB string":
        return {"main.tf": b'locals {\n  x = "' + b"a" * (10 * 1024 * 1024) + b'"\n}\n', "b.tf": bucket}
    if name == "heredoc of 1M blank lines":
        return {"main.tf": b"locals {\n  x = <<EOF\n" + b"\n" * 1_000_000 + b"text\nEOF\n}\n" + bucket}
    if name == "5,000 suppressed blocks":
        blocks = b"".join(
            b'# tapfix:ignore TAP201 scratch\nresource "aws_s3_bucket" "b%d" {\n  bucket = "b%d"\n}\n'
            % (i, i)
            for i in range(5000)
        )
        return {"main.tf": blocks}
    if name == "catastrophic regexes":
        lines = [
            f'  r{i} = replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "/(a+)+$/", "")'
            for i in range(20)
        ]
        locals_block = "locals {\n" + "\n".join(lines) + "\n}\n"
        uses = "".join(f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = local.r{i}\n}}\n' for i in range(20))
        return {"main.tf": (locals_block + uses).encode()}
    raise ValueError(name)


LARGE = (
    "realistic module, 100k lines",
    "realistic file, 4 MiB",
    "dense file, 4 MiB of `1,`",
    "50 MB file",
    "1,000-deep brackets",
    "1,000-deep blocks",
    "10 MB string",
    "heredoc of 1M blank lines",
    "5,000 suppressed blocks",
    "catastrophic regexes",
)


def _measure_large(name: str, conn: Connection) -> None:
    from fixers.config import Config
    from fixers.engine import scan

    files = _large_input(name)
    before = _peak_rss_mib()
    start, wall = time.process_time(), time.monotonic()
    try:
        report = scan([ModuleInput(path=".", files=files)], Config(), jobs=1)
        result = {
            "findings": len(report.findings),
            "errors": [f"{e.path}:{e.line}: {e.message}"[:160] for e in report.errors],
        }
        outcome = "ok"
        if any(not e.path.endswith(".tf") for e in report.errors):
            outcome = "limit"  # a rule or verification ran out of its budget: reported, not a hang
    except Exception:
        result, outcome = {"traceback": traceback.format_exc()[-2000:]}, "exception"
    conn.send(
        {
            "input": name,
            "bytes": sum(len(d) for d in files.values()),
            "lines": sum(d.count(b"\n") for d in files.values()),
            "outcome": outcome,
            "cpu_seconds": round(time.process_time() - start, 2),
            "wall_seconds": round(time.monotonic() - wall, 2),
            "peak_rss_mib": round(_peak_rss_mib(), 1),
            "baseline_rss_mib": round(before, 1),
            **result,
        }
    )


def run_large(args) -> list[dict]:
    ctx = multiprocessing.get_context("fork")
    rows = []
    for name in LARGE:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_measure_large, args=(name, child), daemon=True)
        process.start()
        if parent.poll(args.hang_seconds * 4):
            row = parent.recv()
        else:
            process.kill()
            row = {"input": name, "outcome": "hang", "detail": f"no answer in {args.hang_seconds * 4} s"}
        process.join()
        rows.append(row)
        print(
            f"  {name:32s} {row.get('outcome'):9s} cpu {row.get('cpu_seconds', '-')} s, "
            f"peak {row.get('peak_rss_mib', '-')} MiB, errors {row.get('errors', row.get('detail'))}",
            flush=True,
        )
    return rows


# --- main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "tapfix-soak")
    parser.add_argument("--hang-seconds", type=float, default=300)
    parser.add_argument("--memory-mib", type=int, default=3072)
    parser.add_argument("--fix-every", type=int, default=2)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    wall = time.monotonic()
    large = []
    if not args.skip_large:
        print("large inputs (one process each):", flush=True)
        large = run_large(args)
    print(f"mutants: {args.minutes:g} min on {args.workers} workers", flush=True)
    tally = run_mutants(args, args.out)
    summary = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "wall_seconds": round(time.monotonic() - wall, 1),
        "mutants": {
            "inputs": tally.inputs,
            "by_kind": dict(tally.by_kind),
            "fixes_checked": tally.fixes_checked,
            "cpu_seconds": round(tally.cpu_seconds, 1),
            "slowest_input": {"cpu_seconds": round(tally.slowest[0], 2), "input": tally.slowest[1]},
            "peak_rss_mib_per_worker": round(tally.peak_rss_mib, 1),
            "violations": tally.violations,
        },
        "large_inputs": large,
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    bad_large = [r for r in large if r.get("outcome") in ("exception", "hang")]
    print(
        f"\n{tally.inputs:,} mutant inputs ({tally.fixes_checked:,} also fixed twice) in "
        f"{summary['wall_seconds']} s; {len(tally.violations)} violations; worker peak "
        f"{tally.peak_rss_mib:.0f} MiB; slowest input {tally.slowest[0]:.2f} s CPU ({tally.slowest[1]}); "
        f"large inputs: {len(large) - len(bad_large)}/{len(large)} bounded. Summary: {args.out / 'summary.json'}"
    )
    return 1 if tally.violations or bad_large else 0


if __name__ == "__main__":
    sys.exit(main())
