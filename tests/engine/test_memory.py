"""A scan keeps no module alive once the module is done: a corpus scan holds one module's parse trees
at a time (per worker), not every module's."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from fixers.config import Config
from fixers.engine import load, run_rules, verify_fixes
from fixers.workspace import discover

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "aws-stack"


def _scanned_module(module_input) -> weakref.ref:
    loaded = load(module_input)
    findings, _ = run_rules(loaded.module, Config())
    verify_fixes(loaded, findings, Config())
    assert findings, "the example stack has planted flaws: every rule family runs on it"
    return weakref.ref(loaded.module)


def test_no_cache_keeps_a_scanned_module_alive():
    (module_input,) = discover([EXAMPLE], EXAMPLE)
    gone = _scanned_module(module_input)
    gc.collect()
    assert gone() is None


def _model_objects() -> int:
    from fixers.model import Attribute, Block
    from fixers.module import Module

    return sum(isinstance(o, (Module, Block, Attribute)) for o in gc.get_objects())


def test_scanning_and_fixing_free_their_models_without_the_cyclic_collector():
    # Blocks point back at their module: left to the collector, every model a scan builds (the
    # module's, and one per fix verification) waited for it, parse trees and all.
    from fixers.engine import fix_module, scan_module

    (module_input,) = discover([EXAMPLE], EXAMPLE)
    gc.collect()
    before = _model_objects()
    gc.disable()
    try:
        findings, _ = scan_module(module_input, Config())
        outcome = fix_module(module_input, Config(), unsafe=True)
        after = _model_objects()
    finally:
        gc.enable()
    assert any(f.fix is not None for f in findings) and outcome.applied
    assert after == before
