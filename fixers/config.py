"""`.tapfix.yml`: which rules run, their severities, the failure threshold, excluded paths and
rule options. Validated with pydantic; every problem names the file, the key and what is allowed."""

from __future__ import annotations

import os
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fixers.confined import NotRead, read_inside
from fixers.findings import Severity
from fixers.workspace import matches_any

CONFIG_NAMES = (".tapfix.yml", ".tapfix.yaml")
DEFAULT_REQUIRED_TAGS = ("Environment", "Owner", "Project", "CostCenter")


class ConfigError(Exception):
    pass


class FailOn(StrEnum):
    """The exit-code threshold: a severity, or `never` (report only; errors still exit 2)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
    NEVER = "never"

    @property
    def rank(self) -> int:
        return Severity(self.value).rank if self is not FailOn.NEVER else _NEVER_RANK


_NEVER_RANK = max(s.rank for s in Severity) + 1
FAIL_ON_VALUES = tuple(f.value for f in FailOn)


class RuleOptions(BaseModel):
    """What rules may read from the config."""

    model_config = ConfigDict(frozen=True)

    required_tags: tuple[str, ...] = DEFAULT_REQUIRED_TAGS
    # True when the config states the required tags; without it they are only a suggestion.
    tag_policy: bool = False


class UnknownRule(ValueError):
    pass


def rule_id(reference: Any) -> str:
    """The ID of the rule `reference` names: an ID in any case, or a rule name like
    `s3-versioning-missing` (the name itself for a name that selects part of a rule's findings:
    `suppression-invalid`, see rules.rule_selector). An ID-shaped word is kept even when no rule has it (a rule a test or a
    plugin defines): `unknown_rules` reports those where a user wrote them. UnknownRule otherwise."""
    from fixers.rules import rule_selector  # the rules import this module

    if not isinstance(reference, str):
        raise UnknownRule(reference)
    found = rule_selector(reference)
    if found is None and _RULE_ID.match(reference.strip().upper()):
        found = reference.strip().upper()
    if found is None:
        raise UnknownRule(reference)
    return found


_RULE_ID = re.compile(r"^TAP\d{3}$")


def catalog_rule_ids(references: list[str]) -> list[str]:
    """The IDs of the rules `references` name (IDs in any case, or names), each one in the catalog:
    what a user typed on a command line or in an input. UnknownRule names the first that is not."""
    from fixers.rules import resolve_rule

    ids = [rule_id(r) for r in references]
    unknown = next((i for i in ids if resolve_rule(i) is None), None)
    if unknown is not None:
        raise UnknownRule(unknown)
    return ids


def _one_or_many(value: Any) -> Any:
    """`ignore: TAP506` means `ignore: [TAP506]`."""
    return [value] if isinstance(value, str) else value


def normal_pattern(pattern: Any) -> Any:
    """A path pattern as the scan's paths are written: `./examples/` is `examples`."""
    if not isinstance(pattern, str):
        return pattern
    trimmed = pattern
    while trimmed.startswith("./"):
        trimmed = trimmed[2:]
    trimmed = trimmed.rstrip("/")
    return trimmed or pattern


def _rule_ids(value: Any) -> Any:
    value = _one_or_many(value)
    return [rule_id(v) for v in value] if isinstance(value, list) else value


# What each key accepts, said the way a person writes it: every config error ends with this.
ACCEPTS = {
    "select": "a rule or a list of rules (IDs like TAP201 or names like s3-versioning-missing)",
    "extend-select": "a rule or a list of rules (IDs like TAP201 or names like s3-versioning-missing)",
    "ignore": "a rule or a list of rules (IDs like TAP201 or names like s3-versioning-missing)",
    "severity": "a mapping of rule to severity, like {TAP203: medium}; severities: "
    + ", ".join(s.value for s in Severity),
    "fail-on": "one of " + ", ".join(FAIL_ON_VALUES),
    "exclude": "a glob pattern or a list of them, like legacy or '*/generated/*.tf'",
    "per-path-ignore": "a mapping of glob pattern to rules, like {'examples/*': [TAP506]}",
    "required-tags": "a tag key or a list of tag keys, like [Environment, Owner]",
}


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    select: list[str] | None = Field(default=None, description="run only these rules")
    extend_select: list[str] = Field(
        default_factory=list, alias="extend-select", description="run these rules besides the default set"
    )
    ignore: list[str] = Field(default_factory=list, description="never run these rules")
    severity: dict[str, Severity] = Field(default_factory=dict, description="per-rule severity overrides")
    fail_on: FailOn = Field(default=FailOn.HIGH, alias="fail-on")
    exclude: list[str] = Field(default_factory=list, description="glob patterns of paths not to scan")
    per_path_ignore: dict[str, list[str]] = Field(
        default_factory=dict, alias="per-path-ignore", description="glob pattern -> rules not run there"
    )
    # None: no tag policy was given, and TAP506 requires only the module's own tag convention.
    required_tags: list[str] | None = Field(default=None, alias="required-tags")

    @field_validator("select", "extend_select", "ignore", mode="before")
    @classmethod
    def _rules(cls, value: Any) -> Any:
        return None if value is None else _rule_ids(value)

    @field_validator("severity", mode="before")
    @classmethod
    def _severity_rules(cls, value: Any) -> Any:
        return {rule_id(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("per_path_ignore", mode="before")
    @classmethod
    def _per_path_rules(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        rules: dict[Any, Any] = {}
        for pattern, named in value.items():
            named = _rule_ids(named)
            key = normal_pattern(pattern)
            rules[key] = [*rules[key], *named] if key in rules and isinstance(named, list) else named
        return rules

    @field_validator("exclude", mode="before")
    @classmethod
    def _patterns(cls, value: Any) -> Any:
        value = _one_or_many(value)
        return [normal_pattern(v) for v in value] if isinstance(value, list) else value

    @field_validator("required_tags", mode="before")
    @classmethod
    def _strings(cls, value: Any) -> Any:
        return _one_or_many(value)

    @field_validator("required_tags")
    @classmethod
    def _tags_not_empty(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not t.strip() for t in value):
            raise ValueError("tag keys must be non-empty strings")
        return value

    @property
    def rule_options(self) -> RuleOptions:
        if self.required_tags is None:
            return RuleOptions()
        return RuleOptions(required_tags=tuple(self.required_tags), tag_policy=True)

    def rule_enabled(self, rule_id: str, name: str = "", default: bool = True) -> bool:
        """Is the rule on, or with `name`, that kind of its findings (selected by ID or by name)?
        `select` names exactly the rules that run; without it, the rules in the default set
        (`default`, from the rule's declaration) and those of `extend-select`."""
        named = {rule_id, name}
        if named.intersection(self.ignore):
            return False
        if self.select is not None:
            return bool(named.intersection(self.select))
        return default or bool(named.intersection(self.extend_select))

    def ignored_at(self, rule_id: str, path: str, name: str = "") -> bool:
        """Does `per-path-ignore` turn `rule_id` (or its findings called `name`) off for `path`
        (relative to the scanned directory)?"""
        return any(
            (rule_id in rules or name in rules) and matches_any(path, [pattern])
            for pattern, rules in self.per_path_ignore.items()
        )

    def severity_of(self, rule_id: str, name: str = "") -> Severity | None:
        """The configured severity of findings called `name`, else of the rule; None when not set."""
        return self.severity.get(name) or self.severity.get(rule_id)

    def unknown_rules(self) -> list[tuple[str, str]]:
        """(key, ID) of every rule ID the config names that is not in the catalog."""
        from fixers.rules import resolve_rule

        named = [
            *(("select", r) for r in self.select or []),
            *(("extend-select", r) for r in self.extend_select),
            *(("ignore", r) for r in self.ignore),
            *(("severity", r) for r in self.severity),
            *(("per-path-ignore", r) for rules in self.per_path_ignore.values() for r in rules),
        ]
        return [(key, r) for key, r in named if resolve_rule(r) is None]

    def with_overrides(self, **changes: Any) -> Config:
        data = self.model_dump(by_alias=False)
        data.update({k: v for k, v in changes.items() if v is not None})
        return Config.model_validate(data)


def _allowed_keys() -> str:
    return ", ".join(f.alias or n for n, f in Config.model_fields.items())


def _unknown_key(key: Any) -> str:
    """An unknown key, with the allowed key it most likely means (`fail_on` -> `fail-on`)."""
    import difflib

    allowed = [f.alias or n for n, f in Config.model_fields.items()]
    written = str(key)
    guess = difflib.get_close_matches(written.lower().replace("_", "-"), allowed, n=1, cutoff=0.75)
    hint = f": did you mean '{guess[0]}'?" if guess else ""
    shown = written if len(written) <= 80 else written[:77] + "..."
    return f"unknown key '{shown}'{hint} (allowed keys: {_allowed_keys()})"


def _shown(value: Any) -> str:
    """A value from the file, quoted and clipped: an error line stays one short line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_rule(key: str, got: Any) -> str:
    return f"'{key}': {_shown(got)} is not a rule (`tapfix rules` lists them); '{key}' accepts {ACCEPTS[key]}"


def _explain(error: dict[str, Any]) -> str:
    """One error as a person reads it: the key, what it got, what it accepts."""
    loc = [p if isinstance(p, str) else _shown(p) for p in error["loc"]]
    where = ".".join(loc) or "(top level)"
    where = where if len(where) <= 80 else where[:77] + "..."
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"][0] if error["loc"] else where)
    key = loc[0] if loc else ""
    accepts = ACCEPTS.get(key, "")
    got = error.get("input")
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, UnknownRule):
        return _unknown_rule(key, cause.args[0])
    if kind == "enum":
        noun, allowed = (
            ("a threshold", FAIL_ON_VALUES) if key == "fail-on" else ("a severity", list(Severity))
        )
        return f"'{where}': {_shown(got)} is not {noun} (allowed: {', '.join(allowed)})"
    detail = error["msg"].removeprefix("Value error, ")
    if kind in ("list_type", "dict_type", "string_type", "missing"):
        detail = f"got {_shown(got)}"
    return f"'{where}': {detail}; '{key}' accepts {accepts}" if accepts else f"'{where}': {detail}"


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
    # The model also takes its fields' Python names (`fail_on`: with_overrides builds it from them);
    # in a file only the documented keys are allowed.
    aliased = [k for k in raw if k in Config.model_fields and Config.model_fields[k].alias not in (None, k)]
    if aliased:
        raise ConfigError(f"{path}: {_unknown_key(aliased[0])}")
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_explain(e) for e in exc.errors()[:5])
        more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise ConfigError(f"{path}: {problems}{more}") from None
    for key, unknown in config.unknown_rules():
        raise ConfigError(f"{path}: {_unknown_rule(key, unknown)}")
    return config, path
