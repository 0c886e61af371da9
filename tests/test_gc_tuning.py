"""Both entry points run the scan with the collector tuned for it (fixers/gc_tuning.py)."""

from __future__ import annotations

import gc

import pytest

from bot import action_main, command_line
from fixers.gc_tuning import THRESHOLDS


@pytest.fixture
def default_thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_the_command_line_collects_garbage_less_often(default_thresholds, capsys):
    assert command_line.main(["rules"]) == 0
    assert gc.get_threshold() == THRESHOLDS


def test_the_action_collects_garbage_less_often(default_thresholds, capsys):
    # an unexpected argument ends the run at once, after the tuning
    assert action_main.main(["oops"], environ={}) == 2
    assert gc.get_threshold() == THRESHOLDS
