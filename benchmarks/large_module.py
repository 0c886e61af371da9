"""Where a scan of one large module spends its CPU time, by phase, as the module grows: to see that
each phase stays linear (a rule or a verification step that compares everything with everything
shows up as a phase growing faster than the lines).

    python benchmarks/large_module.py [--lines 10000 30000 100000] [--profile PHASE]

The module is one file of realistic resources from benchmarks/corpus.py (the soak's "realistic
module"). Phases: `load` (decode, parse, model), `rules` (every rule once), `verify` (every fix
checked). Each size runs in its own process, so peak memory is its own. `--profile verify` prints
that phase's top functions for the last size.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).parent))


def _measure(lines: int, profile: str | None, conn) -> None:
    import corpus

    from fixers.config import Config
    from fixers.engine import load, run_rules, verify_fixes
    from fixers.gc_tuning import collect_less
    from fixers.workspace import ModuleInput

    collect_less()  # as the command line does
    text = corpus.one_file_module(lines).encode()
    config = Config()
    times, profiler = {}, None

    def phase(name, fn, *args):
        nonlocal profiler
        if profile == name:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        start = time.process_time()
        result = fn(*args)
        times[name] = round(time.process_time() - start, 2)
        if profiler is not None and profile == name:
            profiler.disable()
        return result

    loaded = phase("load", load, ModuleInput(path=".", files={"main.tf": text}))
    findings, _ = phase("rules", run_rules, loaded.module, config)
    phase("verify", verify_fixes, loaded, findings, config)
    if profiler is not None:
        import pstats

        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    conn.send(
        {
            "lines": text.count(b"\n"),
            "findings": len(findings),
            "fixes": sum(1 for f in findings if f.fix is not None),
            **{f"{k}_cpu_s": v for k, v in times.items()},
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--profile", choices=["load", "rules", "verify"])
    args = parser.parse_args()
    os.environ.setdefault("TAPFIX_DEBUG", "1")  # a rule that crashes raises instead of vanishing
    ctx = multiprocessing.get_context("fork")
    for i, lines in enumerate(args.lines):
        receive, send = ctx.Pipe(duplex=False)
        last = i == len(args.lines) - 1
        process = ctx.Process(target=_measure, args=(lines, args.profile if last else None, send))
        process.start()
        print(json.dumps(receive.recv()), flush=True)
        process.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
