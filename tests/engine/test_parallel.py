"""Scanning many modules in worker processes: same report as one process, in the same order, and the
process's garbage collector left as it was."""

from __future__ import annotations

import gc
import os
from argparse import Namespace

import pytest

from fixers.config import Config
from fixers.engine import _PARALLEL_MIN_MODULES, map_modules, module_size, scan
from fixers.workspace import ModuleInput


def _bucket(name: str, versioned: bool) -> str:
    text = f'resource "aws_s3_bucket" "{name}" {{\n  bucket = "acme-{name}"\n}}\n'
    if versioned:
        text += (
            f'\nresource "aws_s3_bucket_versioning" "{name}" {{\n'
            f"  bucket = aws_s3_bucket.{name}.id\n"
            "  versioning_configuration {\n"
            '    status = "Enabled"\n'
            "  }\n"
            "}\n"
        )
    return text


def _modules(count: int) -> list[ModuleInput]:
    # Sizes grow with the index, so that largest-first scheduling runs them in reverse order.
    modules = []
    for m in range(count):
        text = "\n".join(_bucket(f"b{m}x{i}", versioned=(i + m) % 3 == 0) for i in range(1 + m % 7 + m // 4))
        modules.append(ModuleInput(path=f"svc{m:02d}", files={f"svc{m:02d}/main.tf": text.encode()}))
    return modules


def test_a_parallel_scan_reports_what_one_process_reports_in_the_same_order():
    modules = _modules(_PARALLEL_MIN_MODULES + 4)
    config = Config(select=["TAP201"])
    alone = scan(modules, config, jobs=1)
    shared = scan(modules, config, jobs=2)
    assert alone.findings, "the modules were meant to have findings"
    assert [f.fix is not None for f in alone.findings] == [f.fix is not None for f in shared.findings]
    assert shared.model_dump() == alone.model_dump()
    # module order, not the order the workers finished in
    assert [f.module for f in shared.findings] == sorted(f.module for f in shared.findings)


def _where(item: int) -> tuple[int, int]:
    return item, os.getpid()


def test_map_modules_runs_in_workers_and_keeps_the_order_of_the_work():
    work = list(range(_PARALLEL_MIN_MODULES + 8))
    sizes = [item % 5 for item in work]  # largest-first order differs from the work's order
    results = map_modules(_where, work, sizes, jobs=2)
    assert [item for item, _ in results] == work
    assert os.getpid() not in {pid for _, pid in results}


def test_few_modules_are_scanned_in_this_process():
    work = list(range(_PARALLEL_MIN_MODULES - 1))
    results = map_modules(_where, work, [1] * len(work), jobs=2)
    assert {pid for _, pid in results} == {os.getpid()}


def _fail(item: int) -> None:
    raise ValueError(item)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_scan_leaves_the_garbage_collector_as_it_found_it(jobs):
    before = gc.get_threshold(), gc.get_freeze_count()
    scan(_modules(_PARALLEL_MIN_MODULES), Config(select=["TAP201"]), jobs=jobs)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
    with pytest.raises(ValueError):
        map_modules(_fail, list(range(_PARALLEL_MIN_MODULES)), [1] * _PARALLEL_MIN_MODULES, jobs=jobs)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_objects_frozen_by_the_caller_stay_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        scan(_modules(2), Config(select=["TAP201"]), jobs=1)
        # (objects that died meanwhile leave the frozen set; an unfreeze would have emptied it)
        assert gc.get_freeze_count() > frozen // 2
    finally:
        gc.unfreeze()


def test_module_size_counts_the_files_and_tfvars_bytes():
    module = ModuleInput(path=".", files={"main.tf": b"12345"}, tfvars={"terraform.tfvars": b"123"})
    assert module_size(module) == 8


def test_fix_in_workers_writes_what_one_process_writes():
    from bot.command_line import _fix_all

    modules = _modules(_PARALLEL_MIN_MODULES + 2)
    config = Config(select=["TAP201"])

    def args(jobs: int) -> Namespace:
        return Namespace(unsafe_fixes=False, no_new_resources=False, jobs=jobs)

    alone = _fix_all(modules, config, args(1))
    shared = _fix_all(modules, config, args(2))
    assert any(outcome.texts for outcome in alone), "the modules were meant to get fixes"
    assert [o.texts for o in shared] == [o.texts for o in alone]
    assert [[f.identity for f in o.applied] for o in shared] == [
        [f.identity for f in o.applied] for o in alone
    ]
