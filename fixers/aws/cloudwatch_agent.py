"""CloudWatch agent configurations: the JSON an `AmazonCloudWatch-*` SSM parameter holds, and which
of them a user data script loads (`amazon-cloudwatch-agent-ctl ... -c ssm:NAME`).

A configuration is read once per parameter and module. Its unknowable parts are UNKNOWN (a
`jsonencode({...})` keeps the sections it can read when a value elsewhere in it is unknown).
"""

from __future__ import annotations

import re
from typing import Any

from fixers.evaluate import UNKNOWN
from fixers.model import Block
from fixers.module import Module
from fixers.semantic.expressions import json_value

PARAMETER_PREFIX = "AmazonCloudWatch-"
_CONFIG_SECTIONS = re.compile(r"metrics_collected|logs_collected")
_PARAMETER_NAME = re.compile(r"\$\{aws_ssm_parameter\.([A-Za-z0-9_-]+)\.name\}")


def agent_config(module: Module, parameter: Block) -> Any:
    """The agent configuration an `AmazonCloudWatch-*` SSM parameter holds (a dict, its unknown parts
    UNKNOWN), UNKNOWN when unreadable, None when the parameter is not an agent configuration."""
    return module.memo(("cloudwatch agent config", id(parameter)), lambda: _read(module, parameter))


def _read(module: Module, parameter: Block) -> Any:
    name = parameter.value("name", UNKNOWN)
    if not (isinstance(name, str) and name.startswith(PARAMETER_PREFIX)):
        return None
    attr = parameter.get("value") or parameter.get("insecure_value")
    if attr is None:
        return UNKNOWN
    try:
        value = json_value(module, attr)
    except ValueError:
        return UNKNOWN
    return value if isinstance(value, dict) else UNKNOWN


def looks_like_agent_config(parameter: Block) -> bool:
    """True when a parameter's value, as written, has the sections of an agent configuration: for a
    parameter whose name cannot be known."""
    attr = parameter.get("value") or parameter.get("insecure_value")
    return attr is not None and _CONFIG_SECTIONS.search(attr.source) is not None


def configs_loaded(module: Module, script: str) -> list[dict[str, Any]] | None:
    """The configurations a user data script loads into the agent (`amazon-cloudwatch-agent-ctl
    -c ssm:NAME`), when every one is an SSM parameter of the module; None otherwise (no such
    command, a configuration from a file or from outside the module, or one that cannot be read)."""
    sources = [
        source
        for line in script.splitlines()
        if "amazon-cloudwatch-agent-ctl" in line
        for source in re.findall(r"\s-c\s+(\S+)", line)
    ]
    if not sources:
        return None
    found = []
    for source in sources:
        if not source.startswith("ssm:"):
            return None
        config = _parameter_config(module, source[4:].strip("'\""))
        if not isinstance(config, dict):
            return None
        found.append(config)
    return found


def _parameter_config(module: Module, name: str) -> Any:
    # An inline script reads as written: `ssm:${aws_ssm_parameter.agent.name}` names the resource.
    match = _PARAMETER_NAME.fullmatch(name)
    for parameter in module.resources("aws_ssm_parameter"):
        if (match and parameter.name == match.group(1)) or parameter.value("name") == name:
            return agent_config(module, parameter)
    return None
