"""The cyclic garbage collector, tuned for a scan.

A scan builds millions of small objects (Lark trees and tokens, the model over them) that all live
until the module is done, and hardly any reference cycles become garbage. With CPython's default
thresholds (a collection every 700 net allocations) the collector keeps walking that live heap: on
a 30,000-line module it was a third of the CPU time (18.0 s with the defaults, 11.7 s with these
thresholds, 11.4 s with no collection at all; peak memory 332 MiB in all three; measured with
benchmarks/bench_scan.py's generator). Collections still happen, so cycles are still freed.
"""

from __future__ import annotations

import gc

THRESHOLDS = (100_000, 50, 100)


def collect_less() -> None:
    """Called once by each entry point (the command line, the Action) before any work; the scan's
    worker processes are forks and inherit it."""
    gc.set_threshold(*THRESHOLDS)
