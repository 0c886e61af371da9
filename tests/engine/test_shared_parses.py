"""Following a module's calls loads each called module once for its own defaults and once per
instance of each call: those loads share one parse of each file, and the findings are the same as
with a parse per load. A PR review shares parses across its scans (`shared_parses`)."""

from __future__ import annotations

from collections import Counter

from fixers import engine
from fixers.config import Config
from fixers.engine import scan, shared_parses
from fixers.workspace import discover
from tests.engine.test_module_calls import SG, call, tree


def _counting_parses(monkeypatch) -> Counter:
    parses: Counter = Counter()
    parse = engine._parse_bytes

    def counting(path, data):
        parses[path] += 1
        return parse(path, data)

    monkeypatch.setattr(engine, "_parse_bytes", counting)
    return parses


def _findings(root):
    report = scan(discover([root], root), Config(select=["TAP103"]), jobs=1)
    return sorted((f.path, f.line, f.message) for f in report.findings)


def test_a_module_called_with_for_each_is_parsed_once_while_its_calls_are_followed(tmp_path, monkeypatch):
    body = '  for_each = { a = "0.0.0.0/0", b = "10.1.0.0/16", c = "10.2.0.0/16" }\n  ssh_cidr = each.value\n'
    root = tree(tmp_path, {"main.tf": call("sg", "./modules/sg", body), "modules/sg/main.tf": SG})
    parses = _counting_parses(monkeypatch)

    found = _findings(root)

    [(_, _, message)] = found
    assert 'with the inputs of module.sg["a"]' in message
    # once scanned as a folder of its own, once for the three instances and its own defaults
    assert parses["modules/sg/main.tf"] == 2


def test_inside_shared_parses_every_load_of_a_file_shares_its_parse(tmp_path, monkeypatch):
    root = tree(
        tmp_path,
        {"main.tf": call("sg", "./modules/sg", '  ssh_cidr = "0.0.0.0/0"\n'), "modules/sg/main.tf": SG},
    )
    without = _findings(root)
    parses = _counting_parses(monkeypatch)

    with shared_parses():
        first, second = _findings(root), _findings(root)

    assert first == second == without and len(without) == 1
    assert parses == Counter({"main.tf": 1, "modules/sg/main.tf": 1})
