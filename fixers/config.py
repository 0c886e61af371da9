"""`.tapfix.yml`: which rules run, their severities, the failure threshold, excluded paths and
rule options. Validated with pydantic; every problem names the file, the key and what is allowed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fixers.findings import Severity

CONFIG_NAMES = (".tapfix.yml", ".tapfix.yaml")
DEFAULT_REQUIRED_TAGS = ("Environment", "Owner", "Project", "CostCenter")
_RULE_ID = re.compile(r"^TAP\d{3}$")


class ConfigError(Exception):
    pass


class RuleOptions(BaseModel):
    """What rules may read from the config."""

    model_config = ConfigDict(frozen=True)

    required_tags: tuple[str, ...] = DEFAULT_REQUIRED_TAGS


RuleId = Annotated[str, Field(pattern=r"^TAP\d{3}$")]


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    select: list[RuleId] | None = Field(default=None, description="run only these rules")
    ignore: list[RuleId] = Field(default_factory=list, description="never run these rules")
    severity: dict[RuleId, Severity] = Field(default_factory=dict, description="per-rule severity overrides")
    fail_on: Severity = Field(default=Severity.HIGH, alias="fail-on")
    exclude: list[str] = Field(default_factory=list, description="glob patterns of paths not to scan")
    required_tags: list[str] = Field(
        default_factory=lambda: list(DEFAULT_REQUIRED_TAGS), alias="required-tags"
    )

    @field_validator("required_tags")
    @classmethod
    def _tags_not_empty(cls, value: list[str]) -> list[str]:
        if any(not t.strip() for t in value):
            raise ValueError("tag keys must be non-empty strings")
        return value

    @property
    def rule_options(self) -> RuleOptions:
        return RuleOptions(required_tags=tuple(self.required_tags))

    def rule_enabled(self, rule_id: str) -> bool:
        if rule_id in self.ignore:
            return False
        return self.select is None or rule_id in self.select

    def with_overrides(self, **changes: Any) -> Config:
        data = self.model_dump(by_alias=False)
        data.update({k: v for k, v in changes.items() if v is not None})
        return Config.model_validate(data)


def _allowed_keys() -> str:
    return ", ".join(f.alias or n for n, f in Config.model_fields.items())


def _explain(error: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key '{loc}' (allowed keys: {_allowed_keys()})"
    if kind == "enum":
        allowed = ", ".join(s.value for s in Severity)
        return f"'{loc}': {error['input']!r} is not a severity (allowed: {allowed})"
    if kind == "string_pattern_mismatch":
        return f"'{loc}': {error['input']!r} is not a rule ID (like TAP201)"
    return f"'{loc}': {error['msg']}"


def load_config(path: Path | None = None, search_root: Path | None = None) -> tuple[Config, Path | None]:
    """Read the config at `path`, or `.tapfix.yml` in `search_root`; the defaults if there is none."""
    if path is None and search_root is not None:
        path = next((search_root / n for n in CONFIG_NAMES if (search_root / n).is_file()), None)
        if path is None:
            return Config(), None
    if path is None:
        return Config(), None
    import yaml  # only when there is a config file: most scans have none, and yaml costs start-up time

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if raw is None:
        return Config(), path
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys ({_allowed_keys()})")
    try:
        return Config.model_validate(raw), path
    except ValidationError as exc:
        problems = "; ".join(_explain(e) for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None
