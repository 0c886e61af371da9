"""Pytest fixtures for the HashiCorp reference harness; tests/conftest.py star-imports this module.

``hcl_reference`` (session scope) offers ``hashicorp_parse_errors(files)`` and
``terraform_validate(modules)`` (see tests/support/hcl_reference.py). When a tool is missing, the
fixture fails under ``CI=true`` (CI must run these checks) and skips elsewhere, saying what is missing
and how .ci/run provides it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.hcl_reference import HclReference, get_reference, missing_tools

__all__ = ["hcl_reference"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def hcl_reference() -> Iterator[HclReference]:
    problems = missing_tools()
    if problems:
        message = (
            "HashiCorp reference harness unavailable; missing:\n  - "
            + "\n  - ".join(problems)
            + "\n`bash .ci/run` installs the npm package (npm ci --prefix tests/node), finds the provider "
            "mirror and exports TAPFIX_TF_PLUGIN_DIR / TAPFIX_NODE_DIR before running `python -m pytest -q`."
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    reference = get_reference()
    try:
        yield reference
    finally:
        reference.close()
