"""`.tapfix.yml`: which rules run, their severities, the failure threshold, excluded paths and
rule options. Validated with pydantic; every problem names the file, the key and what is allowed."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fixers.confined import NotRead, read_inside
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


def _shown(value: Any) -> str:
    """A value from the file, quoted and clipped: an error line stays one short line."""
    text = (
        repr(value) if isinstance(value, str | int | float | bool) or value is None else type(value).__name__
    )
    return text if len(text) <= 60 else text[:57] + "..."


def _explain(error: dict[str, Any]) -> str:
    loc = ".".join(_shown(p) if not isinstance(p, str) else p for p in error["loc"]) or "(top level)"
    loc = loc if len(loc) <= 80 else loc[:77] + "..."
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key '{loc}' (allowed keys: {_allowed_keys()})"
    if kind == "enum":
        allowed = ", ".join(s.value for s in Severity)
        return f"'{loc}': {_shown(error['input'])} is not a severity (allowed: {allowed})"
    if kind == "string_pattern_mismatch":
        return f"'{loc}': {_shown(error['input'])} is not a rule ID (like TAP201)"
    return f"'{loc}': {error['msg']}"


# A config is a few keys deep and a few hundred values long. YAML aliases can make a small file
# stand for an enormous value (an alias bomb: nine aliases of nine aliases ... is 9^9 values), and
# nesting makes the composer recurse: both are bounded while the file is composed, before a
# Python value is built.
MAX_CONFIG_BYTES = 1024 * 1024
MAX_YAML_DEPTH = 32
MAX_YAML_VALUES = 100_000


class _TooBig(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message, self.mark = message, mark


def _yaml_load(text: str) -> Any:
    """`yaml.safe_load`, refusing deep nesting and values that aliases expand past the limits."""
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.depth >= MAX_YAML_DEPTH:
                raise _TooBig(f"nested more than {MAX_YAML_DEPTH} levels deep", self.peek_event().start_mark)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _measure(root: Any) -> None:
    """Count the values and levels of the composed document as if every alias were copied out,
    without copying (each node is measured once; aliases share nodes)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]

    def children(node: Any) -> list[Any]:
        if isinstance(node.value, list):
            return [c for item in node.value for c in (item if isinstance(item, tuple) else (item,))]
        return []

    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            if size[key] > MAX_YAML_VALUES:
                raise _TooBig(
                    f"more than {MAX_YAML_VALUES:,} values once its aliases are expanded", node.start_mark
                )
            if depth[key] > MAX_YAML_DEPTH:
                raise _TooBig(
                    f"nested more than {MAX_YAML_DEPTH} levels deep once its aliases are expanded",
                    node.start_mark,
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise _TooBig("an alias refers to a value that contains it", node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in children(node) if id(k) not in size)


def load_config(
    path: Path | None = None, search_root: Path | None = None, boundary: Path | None = None
) -> tuple[Config, Path | None]:
    """Read the config at `path`, or `.tapfix.yml` in `search_root`; the defaults if there is none.
    A config found in `search_root`, or any config when `boundary` is given, is read only when it
    is a regular file inside that folder (a link out of the repository is not followed)."""
    if path is None and search_root is not None:
        path = next((search_root / n for n in CONFIG_NAMES if os.path.lexists(search_root / n)), None)
        if path is None:
            return Config(), None
        boundary = boundary or search_root
    if path is None:
        return Config(), None
    import yaml  # only when there is a config file: most scans have none, and yaml costs start-up time

    try:
        data = read_inside(path, boundary, MAX_CONFIG_BYTES, "the repository")
        raw = _yaml_load(data.decode("utf-8-sig"))
    except NotRead as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except _TooBig as exc:
        where = f":{exc.mark.line + 1}:{exc.mark.column + 1}" if exc.mark else ""
        raise ConfigError(f"{path}{where}: refused: {exc.message}") from None
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
        problems = "; ".join(_explain(e) for e in exc.errors()[:5])
        more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise ConfigError(f"{path}: {problems}{more}") from None
