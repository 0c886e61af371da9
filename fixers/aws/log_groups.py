"""CloudWatch Logs log groups: the retention periods CloudWatch accepts, and the retention a log group
a fix adds should get."""

from __future__ import annotations

from fixers.edits import reusable_source
from fixers.module import Module

# CloudWatch Logs accepts only these retention periods (0 = never expire).
VALID_RETENTION = {
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
}  # fmt: skip
DEFAULT_RETENTION = "90"


def retention_source(module: Module) -> str:
    """The retention to give a new log group, as HCL source: the module's own choice (the first log
    group with a valid, expiring retention whose source can be copied) when it has one, else 90 days."""
    for group in module.resources("aws_cloudwatch_log_group"):
        attr = group.get("retention_in_days")
        if attr is None or not reusable_source(attr):
            continue
        value = attr.value()
        if isinstance(value, int) and not isinstance(value, bool) and value in VALID_RETENTION and value:
            return attr.source
    return DEFAULT_RETENTION
