"""A hostile `.tapfix.yml` (a pull request's own config is the one its review reads): an alias
bomb, deep nesting, a recursive alias, a link to a file outside the repository or to a device, a
huge value. Each is one clear error line and exit 2, and no line quotes more than a clipped value."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.command_line import main
from fixers.config import MAX_YAML_DEPTH, ConfigError, load_config
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree
from tests.hardening.test_hostile_hcl import bounded

BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'


def _alias_bomb(levels: int = 9) -> str:
    """Billion laughs: each anchor is a list of nine aliases of the one before (9^9 values)."""
    rows = ['  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "severity:\n" + "\n".join(rows) + "\n"


def _scan(tmp_path: Path, capsys, config: str) -> tuple[int, str, str]:
    write_tree(tmp_path, {"main.tf": BUCKET, ".tapfix.yml": config})
    code = bounded(main, ["scan", str(tmp_path)], seconds=10)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "config, where, problem",
    [
        (_alias_bomb(), "7:7", "more than 100,000 values once its aliases are expanded"),
        (
            "severity: " + "[" * 5000 + "]" * 5000 + "\n",
            "1:42",
            f"nested more than {MAX_YAML_DEPTH} levels deep",
        ),
        (
            "severity:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(100)),
            "32:63",
            "nested more than 32 levels deep",
        ),
        ("severity: " + "{a: " * 5000 + "}" * 5000 + "\n", "1:132", "nested more than 32 levels deep"),
        (
            "".join(f"l{i}: &l{i} [*l{i - 1}]\n" if i else "l0: &l0 [x]\n" for i in range(60))
            + "severity: *l59\n",
            "32:6",
            "nested more than 32 levels deep once its aliases are expanded",
        ),
        ("severity: &loop [*loop]\n", "1:11", "an alias refers to a value that contains it"),
    ],
    ids=[
        "alias-bomb",
        "deep-flow",
        "deep-block",
        "deep-flow-mapping",
        "deep-through-aliases",
        "recursive-alias",
    ],
)
def test_a_config_built_to_explode_is_one_line_and_exit_2(tmp_path, capsys, config, where, problem):
    code, out, err = _scan(tmp_path, capsys, config)
    assert (code, out) == (2, "")
    assert err == f"tapfix: error: {tmp_path / '.tapfix.yml'}:{where}: refused: {problem}\n"


def test_a_few_aliases_in_a_config_still_work(tmp_path, capsys):
    code, out, _ = _scan(
        tmp_path, capsys, "select: [TAP201]\nseverity:\n  TAP201: &sev low\n  TAP202: *sev\n"
    )
    assert code == 0 and "TAP201 [low]" in out


def test_a_value_quoted_in_an_error_is_clipped(tmp_path, capsys):
    code, _, err = _scan(tmp_path, capsys, f"severity:\n  TAP201: {'x' * 100_000}\n")
    assert code == 2
    assert err.count("\n") == 1 and len(err) < 300
    assert "'severity.TAP201': 'xxxxxxxx" in err and "x... is not a severity" in err


def test_a_config_link_out_of_the_repository_or_to_a_device_is_not_read(tmp_path, capsys, monkeypatch):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "credentials").write_text("aws_secret_access_key: wJalrXUtnFEMI\n")
    repo = write_tree(tmp_path / "repo", {"main.tf": BUCKET})
    os.symlink("../outside/credentials", repo / ".tapfix.yml")
    monkeypatch.chdir(repo)

    config = repo.resolve() / ".tapfix.yml"
    assert main(["scan", "."]) == 2
    assert capsys.readouterr().err == (
        f"tapfix: error: {config}: cannot read config: not read: a symbolic link to a file outside the repository\n"
    )

    (repo / ".tapfix.yml").unlink()
    os.symlink("/dev/zero", repo / ".tapfix.yml")  # endless: refused before a byte is read
    assert main(["scan", "."]) == 2
    assert capsys.readouterr().err.endswith(
        ": cannot read config: not read: a symbolic link to a file outside the repository\n"
    )
    with pytest.raises(ConfigError, match="not a regular file"):  # named by the user: opened, refused
        load_config(repo / ".tapfix.yml")

    (repo / ".tapfix.yml").unlink()
    (repo / ".tapfix.yml").write_text("# padding\n" * 200_000)
    assert main(["scan", "."]) == 2
    assert (
        capsys.readouterr().err
        == f"tapfix: error: {config}: cannot read config: file is 1.9 MiB; the limit is 1 MiB\n"
    )


def test_a_review_refuses_a_config_link_out_of_the_checkout(github, tmp_path, capsys):
    fake = github.fake
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "credentials").write_text("aws_secret_access_key: wJalrXUtnFEMI\n")
    fake.files = changed_entries({}, {"infra/s3.tf": BUCKET})
    ws = write_tree(tmp_path / "ws", {"infra/s3.tf": BUCKET})
    os.symlink("../outside/credentials", ws / ".tapfix.yml")

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake))

    assert run.exit_code == 2
    assert run.stderr == (
        f"::error title=tapfix::{ws / '.tapfix.yml'}: cannot read config: not read: a symbolic link to a "
        "file outside the repository\n"
    )
    assert fake.writes() == []
