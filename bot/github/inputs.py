"""The action's inputs (`INPUT_*` variables, as the runner passes them to the container), its
outputs (`$GITHUB_OUTPUT`) and its job summary (`$GITHUB_STEP_SUMMARY`)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fixers.api import CONFIG_NAMES, Config, FailOn, UnknownRule, catalog_rule_ids, load_config

MAX_JOB_SUMMARY_BYTES = 1024 * 1024 - 4096  # the runner drops a summary over 1 MiB whole


class InputError(Exception):
    pass


class ActionInputs(BaseModel):
    model_config = ConfigDict(frozen=True)

    github_token: str = ""
    fail_on: FailOn | None = None
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    working_directory: str = ""
    config: str = ""
    comment_mode: Literal["review", "summary", "off"] = "review"
    paths: list[str] = Field(default_factory=list)
    sarif_file: str = ""
    max_comments: int = Field(default=25, ge=0, le=200)
    report: Literal["new", "all"] = "new"
    review_artifact: str = ""
    bot_login: str = Field(default="github-actions[bot]", min_length=1)

    @property
    def folder(self) -> str:
        """`working-directory` as a folder of the repository: `infra/live`, or "" for its root."""
        parts = [p for p in self.working_directory.replace("\\", "/").split("/") if p not in ("", ".")]
        if self.working_directory.startswith(("/", "\\")) or ".." in parts:
            raise InputError(
                f"input 'working-directory' = {self.working_directory!r}: "
                "a folder of the repository, relative to its root, without '..'"
            )
        return "/".join(parts)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionInputs:
        raw: dict[str, object] = {}
        for field in cls.model_fields:
            value = _input(env, field)
            if value is None or value == "":
                continue
            if field in ("paths", "select", "ignore"):
                raw[field] = _items(value)
            elif field == "fail_on":
                raw[field] = value.strip().lower()
            else:
                raw[field] = value.strip()
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            name = str(first["loc"][0]).replace("_", "-") if first["loc"] else "?"
            shown = "***" if name == "github-token" else repr(first.get("input"))
            raise InputError(f"input '{name}' = {shown}: {first['msg']}") from None


def _items(value: str) -> list[str]:
    """A list input: one item per line, or comma-separated (`TAP201, TAP202`)."""
    return [item.strip() for item in value.replace(",", "\n").splitlines() if item.strip()]


def _input(env: Mapping[str, str], field: str) -> str | None:
    """`fail_on` is read from INPUT_FAIL-ON (the runner keeps hyphens) or INPUT_FAIL_ON."""
    upper = field.upper()
    return env.get(f"INPUT_{upper.replace('_', '-')}", env.get(f"INPUT_{upper}"))


def write_outputs(env: Mapping[str, str], values: dict[str, str]) -> None:
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as out:
        for name, value in values.items():
            if "\n" in value:
                delimiter = f"tapfix_{secrets.token_hex(8)}"
                out.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                out.write(f"{name}={value}\n")


def write_job_summary(env: Mapping[str, str], markdown: str) -> None:
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    data = markdown.encode("utf-8")
    if len(data) > MAX_JOB_SUMMARY_BYTES:
        cut = data[:MAX_JOB_SUMMARY_BYTES].decode("utf-8", errors="ignore")
        markdown = (
            cut[: cut.rfind("\n") + 1] + "\n… (cut at GitHub's 1 MiB job summary limit; see the SARIF file)\n"
        )
    with open(target, "a", encoding="utf-8") as out:
        out.write(markdown)


def workspace(env: Mapping[str, str]) -> Path:
    return Path(env.get("GITHUB_WORKSPACE") or os.getcwd())


def inside(root: Path, relative: str, what: str) -> Path:
    """A path from an input, relative to the workspace (an absolute path is the workflow's own
    choice). The path is returned as named, its links unresolved: a file written there must not
    go through a link the pull request put in the workspace (bot.safe_write refuses one)."""
    path = Path(os.path.normpath(root.absolute() / relative))
    if not path.resolve().is_relative_to(root.resolve()) and not Path(relative).is_absolute():
        raise InputError(f"input '{what}' = {relative!r} points outside the workspace")
    return path


def run_config(inputs: ActionInputs, root: Path) -> Config:
    """The config a run uses: the `config` input's file, else the nearest `.tapfix.yml` from the
    `working-directory` up to the workspace root; then the `select`, `ignore` and `fail-on` inputs.

    Exclude patterns are written relative to the config file's folder: they come back relative to
    the workspace, which is what the review, /tapfix and the repository scan match them against
    (`per-path-ignore` patterns too)."""
    if inputs.config:
        path: Path | None = inside(root, inputs.config, "config")
    else:
        path = _nearest_config(root, inputs.folder)
    # read only as a regular file inside the workspace: a link out of it is refused, not followed
    config, used = load_config(path, boundary=root) if path is not None else (Config(), None)
    changes: dict[str, object] = {"fail_on": inputs.fail_on}
    if inputs.select:
        changes["select"] = _rule_ids(inputs.select, "select")
    if inputs.ignore:
        changes["ignore"] = [*config.ignore, *_rule_ids(inputs.ignore, "ignore")]
    base = used.parent.resolve() if used is not None else root.resolve()
    if base != root.resolve() and base.is_relative_to(root.resolve()):
        prefix = base.relative_to(root.resolve()).as_posix() + "/"
        changes["exclude"] = [prefix + pattern.lstrip("/") for pattern in config.exclude]
        changes["per_path_ignore"] = {prefix + p.lstrip("/"): r for p, r in config.per_path_ignore.items()}
    return config.with_overrides(**changes)


def _nearest_config(root: Path, folder: str) -> Path | None:
    parts = folder.split("/") if folder else []
    for depth in range(len(parts), -1, -1):
        for name in CONFIG_NAMES:
            if os.path.lexists(candidate := root.joinpath(*parts[:depth], name)):
                return candidate
    return None


def _rule_ids(references: list[str], what: str) -> list[str]:
    try:
        return catalog_rule_ids(references)
    except UnknownRule as exc:
        raise InputError(
            f"input '{what}': {exc.args[0]!r} is not a rule (IDs like TAP201 or names like "
            "s3-versioning-missing; `tapfix rules` lists them)"
        ) from None
