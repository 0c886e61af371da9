"""What `tapfix fix` (and the pre-commit hook, which runs it), `tapfix scan -o` and the action's
SARIF file write, in a repository that holds symbolic links where tapfix writes: nothing through a
link, nothing outside the scanned directory (or the module's folder), and all of a run's files or
none of them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from bot.command_line import main
from bot.safe_write import Refused, WriteFailed, stage_in, stage_output, write_all
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree

ROOT = Path(__file__).resolve().parents[2]
BASTION = (ROOT / "tests/rules/TAP507/instance_without_interpolations/main.tf").read_text()
BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'


def _snapshot(top: Path) -> dict[str, str]:
    """Every entry under `top`: a link's target, a file's hash (links are not followed)."""
    seen = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            key = path.relative_to(top).as_posix()
            if path.is_symlink():
                seen[key] = "-> " + os.readlink(path)
            elif path.is_file():
                seen[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                seen[key] = "dir"
    return seen


def _bastion_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "templates").mkdir(parents=True)
    (repo / "main.tf").write_text(BASTION)
    (tmp_path / "victim").write_text("victim: untouched\n")
    (tmp_path / "victim_main").write_text("victim_main: untouched\n")
    os.symlink("../../victim", repo / "templates" / ".bastion-user-data.sh.tapfix-tmp")
    os.symlink("../victim_main", repo / ".main.tf.tapfix-tmp")
    return repo


@pytest.mark.parametrize(
    "argv",
    [["fix", "--select", "TAP507", "."], ["fix", "--select", "TAP507", "main.tf"]],
    ids=["fix", "hook"],
)
def test_links_planted_at_the_temporary_file_names_are_never_written_through(
    tmp_path, capsys, monkeypatch, argv
):
    """The pre-commit `tapfix-fix` hook runs `tapfix fix <staged files>`: the same write path."""
    repo = _bastion_repo(tmp_path)
    monkeypatch.chdir(repo)

    code = main(argv)

    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "victim").read_text() == "victim: untouched\n"
    assert (tmp_path / "victim_main").read_text() == "victim_main: untouched\n"
    assert not (repo / "main.tf").is_symlink()
    assert 'file("${path.module}/templates/bastion-user-data.sh")' in (repo / "main.tf").read_text()
    script = repo / "templates" / "bastion-user-data.sh"
    assert not script.is_symlink() and script.read_text().startswith("#!/bin/bash\nset -euxo pipefail\n")
    # The planted links are left as they were, and no temporary file is left behind.
    assert os.readlink(repo / ".main.tf.tapfix-tmp") == "../victim_main"
    assert sorted(p.name for p in repo.rglob("*tapfix-tmp*")) == [
        ".bastion-user-data.sh.tapfix-tmp",
        ".main.tf.tapfix-tmp",
    ]


def test_new_and_rewritten_files_keep_their_permissions(tmp_path, capsys):
    repo = _bastion_repo(tmp_path)
    os.chmod(repo / "main.tf", 0o640)
    old_umask = os.umask(0o022)
    try:
        assert main(["fix", "--select", "TAP507", str(repo)]) == 0
    finally:
        os.umask(old_umask)
    assert (repo / "main.tf").stat().st_mode & 0o777 == 0o640
    assert (repo / "templates" / "bastion-user-data.sh").stat().st_mode & 0o777 == 0o644


def _two_modules(tmp_path: Path) -> tuple[Path, Path]:
    """`web` has a TAP507 fix, `data` a TAP201 fix: one run writes both, or neither (`data` comes
    first, so a run that wrote as it went would already have changed it)."""
    repo = write_tree(tmp_path / "repo", {"web/main.tf": BASTION, "data/s3.tf": BUCKET})
    outside = tmp_path / "outside"
    outside.mkdir()
    return repo, outside


def _fix(repo: Path, capsys, *extra: str) -> tuple[int, str, str]:
    code = main(["fix", "--select", "TAP507,TAP201", *extra, str(repo)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_templates_link_leading_outside_writes_nothing_at_all(tmp_path, capsys):
    repo, outside = _two_modules(tmp_path)
    os.symlink("../../outside", repo / "web" / "templates")
    before = _snapshot(tmp_path)

    code, out, err = _fix(repo, capsys)

    assert code == 2
    assert err == (
        "tapfix: error: repo/web/templates/bastion-user-data.sh: refusing to write: web/templates is a "
        "symbolic link; nothing was written\n"
    ).replace("repo/", f"{repo.relative_to(Path.cwd()) if repo.is_relative_to(Path.cwd()) else repo}/")
    assert out == ""
    assert _snapshot(tmp_path) == before  # data/s3.tf, fixable on its own, is not written either
    assert list(outside.iterdir()) == []


def test_a_label_that_climbs_out_of_the_module_writes_nothing_at_all(tmp_path, capsys):
    repo, outside = _two_modules(tmp_path)
    (repo / "web" / "main.tf").write_text(BASTION.replace('"bastion"', '"../../../../outside/pwn"'))
    before = _snapshot(tmp_path)

    code, _, err = _fix(repo, capsys)

    assert code == 2
    assert (
        "web/templates/../../../../outside/pwn-user-data.sh: refusing to write: the path has a '..' component"
        in err
    )
    assert err.endswith("; nothing was written\n")
    assert _snapshot(tmp_path) == before
    assert list(outside.iterdir()) == []

    code, out, err = _fix(repo, capsys, "--diff")  # the diff shows only what `fix` would write
    assert (code, out) == (2, "")
    assert _snapshot(tmp_path) == before


def test_a_file_that_is_itself_a_link_is_not_rewritten(tmp_path, capsys):
    repo, _ = _two_modules(tmp_path)
    (repo / "shared").mkdir()
    (repo / "shared" / "s3.tf").write_text(BUCKET.replace("logs", "shared"))
    os.symlink("../shared/s3.tf", repo / "data" / "shared.tf")  # inside the repository: read, not written
    before = _snapshot(tmp_path)

    code, _, err = _fix(repo, capsys)

    assert code == 2
    assert "data/shared.tf: refusing to write: it is a symbolic link" in err
    assert _snapshot(tmp_path) == before


def test_without_links_both_modules_are_fixed_in_one_run(tmp_path, capsys):
    repo, _ = _two_modules(tmp_path)
    code, out, _ = _fix(repo, capsys)
    assert code == 0
    assert out.startswith("Fixed 2 findings in 3 files:")
    assert (repo / "web" / "templates" / "bastion-user-data.sh").is_file()
    assert "aws_s3_bucket_versioning" in (repo / "data" / "s3.tf").read_text()


def test_scan_output_is_never_written_through_a_link(tmp_path, capsys, monkeypatch):
    repo = write_tree(tmp_path / "repo", {"main.tf": BUCKET, ".git/config": "[core]\n\tbare = false\n"})
    os.symlink(".git/config", repo / "tapfix.sarif")
    (tmp_path / "outside").mkdir()
    os.symlink("../outside", repo / "reports")
    monkeypatch.chdir(repo)

    for output, reason in (
        ("tapfix.sarif", "it is a symbolic link"),
        ("reports/x.sarif", "reports is a symbolic link"),
    ):
        code = main(["scan", "--format", "sarif", "-o", output, "."])
        err = capsys.readouterr().err
        assert code == 2
        assert err == f"tapfix: error: --output {output}: refusing to write: {reason}\n"
    assert (repo / ".git" / "config").read_text() == "[core]\n\tbare = false\n"
    assert list((tmp_path / "outside").iterdir()) == []

    assert main(["scan", "--format", "sarif", "-o", "out/tapfix.sarif", "."]) == 1  # a plain path is fine
    assert (repo / "out" / "tapfix.sarif").read_text().startswith("{")


def test_the_action_s_sarif_file_is_never_written_through_a_link(github, tmp_path, capsys):
    fake = github.fake
    head = {"infra/s3.tf": BUCKET}
    fake.files = changed_entries({}, head)
    ws = write_tree(tmp_path / "ws", {**head, ".git/config": "[core]\n", ".tapfix.yml": "select: [TAP201]\n"})
    os.symlink(".git/config", ws / "tapfix.sarif")

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake), sarif_file="tapfix.sarif")

    assert run.exit_code == 2
    assert run.stderr == (
        "::error title=tapfix::sarif-file: tapfix.sarif: refusing to write: it is a symbolic link\n"
    ).replace("tapfix.sarif: refusing", f"{ws / 'tapfix.sarif'}: refusing")
    assert (ws / ".git" / "config").read_text() == "[core]\n"
    assert "aws_s3_bucket.logs" in run.job_summary  # the findings are still in the job summary
    assert run.outputs["sarif-file"] == ""


# --- the two steps, directly ---------------------------------------------------------------------


def test_staging_refuses_paths_that_are_not_plain_or_leave_the_module(tmp_path):
    for path, reason in [
        ("../x.tf", "the path has a '..' component"),
        ("app/./x.tf", "the path has a '.' component"),
        ("/etc/passwd", "an absolute path"),
        ("app/.git/hooks/pre-commit", "the path is inside a .git folder"),
        ("other/x.tf", "it is outside the module folder app"),
    ]:
        with pytest.raises(Refused) as refused:
            stage_in(tmp_path, path, b"x", within="app")
        assert refused.value.reason == reason, path
    assert stage_in(tmp_path, "app/templates/new/x.sh", b"x", within="app").missing == (
        tmp_path.resolve() / "app",
        tmp_path.resolve() / "app" / "templates",
        tmp_path.resolve() / "app" / "templates" / "new",
    )


def test_a_failing_write_removes_its_temporary_files_and_the_folders_it_made(tmp_path):
    (tmp_path / "reports").mkdir()
    staged = [
        stage_in(tmp_path, "new/a.sh", b"a"),
        stage_output(tmp_path / "reports" / "b.sarif", b"b", base=tmp_path),
    ]
    # The second write fails (the folder became a file; root may write anywhere, so no chmod).
    (tmp_path / "reports").rmdir()
    (tmp_path / "reports").write_text("a file where the folder was")

    with pytest.raises(WriteFailed, match=r"b\.sarif: cannot write: Not a directory; nothing was written"):
        write_all(staged)

    assert not (tmp_path / "new").exists()
    assert [p.name for p in tmp_path.rglob("*tapfix-tmp")] == []
