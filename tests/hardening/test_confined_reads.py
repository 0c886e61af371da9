"""What tapfix reads: the scanned files, never a file a symbolic link leads to outside the scanned
directory (the CLI) or the checkout (the review), and no file past its size limit. A pull request
chooses where its links point; their targets' content must reach no finding, parse error or
comment. And a file or folder tapfix cannot read is an error, never "no findings"."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest

from bot.command_line import main
from fixers.hcl.source import MAX_FILE_BYTES
from fixers.workspace import read_module
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree

ROOT = Path(__file__).resolve().parents[2]
SECRET = "TOPSECRET-bucket-name"
# A bucket named by a variable: TAP212 quotes what `var.bucket` evaluates to, tfvars included.
MAIN = (
    'variable "bucket" {\n  default = "acme-logs"\n}\n\n'
    'resource "aws_s3_bucket" "logs" {\n  bucket = var.bucket\n}\n'
)
SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
CREDENTIALS = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n"
NOT_READ = "not read: a symbolic link to a file outside the scanned directory"


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secrets.tfvars").write_text(f'bucket = "{SECRET}"\n')
    (outside / "id_rsa").write_text(SSH_KEY)
    (outside / "credentials").write_text(CREDENTIALS)
    return outside


def _all_formats(capsys, *argv: str) -> tuple[dict[str, int], str]:
    codes, text = {}, ""
    for fmt in ("text", "json", "sarif", "markdown"):
        codes[fmt] = main(["scan", "--format", fmt, "--select", "TAP000,TAP212", *argv])
        out, err = capsys.readouterr()
        text += out + err
    return codes, text


@pytest.mark.parametrize(
    "link, scanned, cwd",
    [
        ("../outside/secrets.tfvars", ".", "infra"),  # the issue's layout, scanning infra from inside it
        ("../../outside/secrets.tfvars", "infra", "."),  # outside the working directory as well
    ],
)
def test_a_tfvars_link_out_of_the_scanned_directory_is_not_read(
    tmp_path, capsys, monkeypatch, link, scanned, cwd
):
    repo = write_tree(tmp_path / "repo", {"infra/main.tf": MAIN})
    target = (repo / "infra" / link).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f'bucket = "{SECRET}"\n')
    os.symlink(link, repo / "infra" / "terraform.tfvars")
    monkeypatch.chdir(repo / cwd)

    codes, text = _all_formats(capsys, scanned)

    assert SECRET not in text and SECRET.lower() not in text
    shown = "terraform.tfvars" if cwd == "infra" else "infra/terraform.tfvars"
    assert f"{shown}:1:1: TAP000 [high] terraform.tfvars cannot be parsed: {NOT_READ}\n" in text
    assert set(codes.values()) == {1}


def test_a_tfvars_link_inside_the_repository_is_read(tmp_path, capsys, monkeypatch):
    repo = write_tree(
        tmp_path / "repo", {"infra/main.tf": MAIN, "shared/prod.tfvars": 'bucket = "Acme-Prod"\n'}
    )
    (repo / ".git").mkdir()
    os.symlink("../shared/prod.tfvars", repo / "infra" / "terraform.tfvars")
    monkeypatch.chdir(repo / "infra")
    main(["scan", "--select", "TAP212", "."])
    assert 'evaluates to "Acme-Prod"' in capsys.readouterr().out


def test_a_var_file_linked_out_of_its_repository_is_not_read(tmp_path, capsys, monkeypatch):
    """CI may pass `--var-file env/prod.tfvars`; the pull request can make that file a link."""
    _outside(tmp_path)
    repo = write_tree(tmp_path / "repo", {"main.tf": MAIN})
    (repo / ".git").mkdir()
    (repo / "env").mkdir()
    os.symlink("../../outside/secrets.tfvars", repo / "env" / "prod.tfvars")
    os.symlink("../../outside/id_rsa", repo / "env" / "key.tfvars")
    monkeypatch.chdir(repo)

    for name in ("env/prod.tfvars", "env/key.tfvars"):
        assert main(["scan", "--var-file", name, "."]) == 2
        out, err = capsys.readouterr()
        assert (out, err) == (
            "",
            f"tapfix: error: --var-file {name}: not read: a symbolic link to a file outside the repository\n",
        )
    # A file outside any repository is the user's own choice: read where it is.
    assert (
        main(["scan", "--select", "TAP212", "--var-file", str(tmp_path / "outside" / "secrets.tfvars"), "."])
        == 1
    )
    assert SECRET in capsys.readouterr().out
    assert main(["scan", "--var-file", "/dev/zero", "."]) == 2  # never read: not a regular file
    assert capsys.readouterr().err == "tapfix: error: --var-file /dev/zero: not a regular file\n"


@pytest.mark.parametrize("kind", ["tfvars", "tf"])
def test_a_link_out_of_a_clone_is_not_read_when_scanning_from_the_folder_above_it(
    tmp_path, capsys, monkeypatch, kind
):
    # `cd ~ && tapfix scan src/clone`: the working directory holds the user's own files (a
    # secrets.tfvars, ~/.aws/credentials); the clone's links must not reach them.
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / "secret.tfvars").write_text(f'bucket = "{SECRET}"\n')
    (home / ".aws" / "credentials").write_text(CREDENTIALS)
    clone = write_tree(home / "src" / "clone", {"main.tf": MAIN})
    (clone / ".git").mkdir()
    if kind == "tfvars":
        os.symlink("../../secret.tfvars", clone / "terraform.tfvars")
    else:
        os.symlink("../../.aws/credentials", clone / "creds.tf")
    monkeypatch.chdir(home)

    codes, text = _all_formats(capsys, "src/clone")

    assert SECRET not in text and SECRET.lower() not in text
    assert "AKIA" not in text and "[default]" not in text
    assert NOT_READ in text
    assert set(codes.values()) == {1}


def test_a_baseline_linked_out_of_the_repository_or_to_a_device_is_not_read(tmp_path, capsys, monkeypatch):
    _outside(tmp_path)
    repo = write_tree(tmp_path / "repo", {"main.tf": MAIN})
    (repo / ".git").mkdir()
    os.symlink("../outside/credentials", repo / "baseline.json")
    os.symlink("/dev/zero", repo / "endless.json")  # endless: it would never finish reading
    monkeypatch.chdir(repo)

    for name in ("baseline.json", "endless.json"):
        assert main(["scan", "--baseline", name, "."]) == 2
        assert capsys.readouterr() == (
            "",
            f"tapfix: error: --baseline {name}: not read: a symbolic link to a file outside the repository\n",
        )


@pytest.mark.parametrize("name, content", [("id_rsa", SSH_KEY), ("credentials", CREDENTIALS)])
def test_a_tf_link_to_a_key_or_credentials_file_puts_none_of_it_in_the_report(
    tmp_path, capsys, name, content
):
    _outside(tmp_path)
    repo = write_tree(tmp_path / "repo", {"main.tf": MAIN})
    os.symlink(f"../outside/{name}", repo / "keys.tf")

    codes, text = _all_formats(capsys, str(repo))

    for line in content.splitlines():
        assert line not in text
    assert "AKIA" not in text and "BEGIN" not in text
    assert f"keys.tf cannot be parsed: {NOT_READ}" in text
    assert set(codes.values()) == {1}


def test_a_link_to_a_gigabyte_file_is_refused_by_its_size_before_a_byte_is_read(tmp_path):
    (tmp_path / "data").mkdir()
    big = tmp_path / "data" / "huge.bin"
    with open(big, "wb") as sparse:
        sparse.truncate(1 << 30)  # 1 GiB, sparse: reading it would still build 1 GiB in memory
    module = tmp_path / "infra"
    module.mkdir()
    (module / "main.tf").write_text(MAIN)
    os.symlink("../data/huge.bin", module / "generated.tf")
    os.symlink("../data/huge.bin", module / "terraform.tfvars")

    tracemalloc.start()
    try:
        read = read_module(module, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 4 * MAX_FILE_BYTES
    too_big = "file is 1024.0 MiB; tapfix reads .tf files up to 4 MiB (generated files should not be scanned)"
    assert read.unreadable == {"infra/generated.tf": too_big, "infra/terraform.tfvars": too_big}
    assert list(read.files) == ["infra/main.tf"] and read.tfvars == {}


def test_a_review_never_reads_a_link_out_of_the_checkout(github, tmp_path, capsys):
    """The PR adds `infra/terraform.tfvars` and `infra/keys.tf` as links; in the checkout they
    lead out of the workspace (a runner's files). No comment, summary or log carries their content."""
    fake = github.fake
    _outside(tmp_path)
    links = {
        "infra/terraform.tfvars": "../../outside/secrets.tfvars",
        "infra/keys.tf": "../../outside/id_rsa",
    }
    head = {"infra/main.tf": MAIN, **links}  # a link's blob is its target, as Git stores it
    fake.files = changed_entries({"infra/main.tf": MAIN}, head)
    ws = write_tree(tmp_path / "ws", {"infra/main.tf": MAIN, ".tapfix.yml": "select: [TAP000, TAP212]\n"})
    for path, target in links.items():
        os.symlink(target, ws / path)

    run = run_action(tmp_path, capsys, fake, ws, pull_request_event(fake), report="all", sarif_file="t.sarif")

    posted = json.dumps([fake.review_comments, fake.issue_comments])
    everything = posted + run.stdout + run.stderr + run.job_summary + (ws / "t.sarif").read_text()
    assert SECRET not in everything and SECRET.lower() not in everything
    assert "BEGIN OPENSSH" not in everything and "b3BlbnNzaC1rZXkt" not in everything
    located = {(c["path"], c["line"]) for c in fake.review_comments if "TAP000" in c["body"]}
    assert located == {("infra/terraform.tfvars", 1), ("infra/keys.tf", 1)}
    assert "a symbolic link to a file outside the workspace" in posted


# --- files and folders tapfix may not read --------------------------------------------------------


_CANNOT_DROP = 98


def _run_as_nobody(folder: Path, *argv: str) -> tuple[int, str, str]:
    """`tapfix <argv>` in `folder`, in a forked process that runs as an ordinary user when the tests
    run as root (root reads a file whatever its mode). The interpreter lives where only root may
    look, so the child does not exec anything: the parent scans once first, loading every module
    the scan needs, and the child calls the CLI's `main` after dropping its privileges."""
    main(["scan", "--jobs", "1", str(folder)])
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.close(out_r)
            os.close(err_r)
            os.chdir(folder)
            if os.geteuid() == 0:
                try:
                    os.setgroups([])
                    os.setgid(65534)
                    os.setuid(65534)
                except PermissionError:
                    os._exit(_CANNOT_DROP)
            sys.stdout = open(out_w, "w", encoding="utf-8")  # noqa: SIM115
            sys.stderr = open(err_w, "w", encoding="utf-8")  # noqa: SIM115
            code = main(list(argv))
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    with open(out_r, encoding="utf-8") as out, open(err_r, encoding="utf-8") as err:
        stdout, stderr = out.read(), err.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == _CANNOT_DROP:
        pytest.skip("running as root without the right to become another user: root reads mode 000 files")
    return code, stdout, stderr


@pytest.fixture
def shared_dir():
    """A folder an unprivileged user can reach (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="tapfix-perm-"))
    os.chmod(folder, 0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755)
    shutil.rmtree(folder)


@pytest.mark.parametrize(
    "locked, shown",
    [
        (
            "infra/main.tf",
            "infra/main.tf:1:1: TAP000 [high] infra/main.tf cannot be parsed: cannot read file: Permission denied",
        ),
        ("infra", "infra:1:1: TAP000 [high] infra cannot be parsed: cannot read folder: Permission denied"),
        (
            "infra/terraform.tfvars",
            "infra/terraform.tfvars:1:1: TAP000 [high] infra/terraform.tfvars cannot be parsed: cannot read file: Permission denied",
        ),
    ],
)
def test_an_unreadable_file_or_folder_is_a_located_error_and_exit_2(shared_dir, locked, shown):
    write_tree(shared_dir, {"infra/main.tf": MAIN, "infra/terraform.tfvars": 'bucket = "acme-prod"\n'})
    for path in [shared_dir / "infra", *(shared_dir / "infra").iterdir()]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.chmod(shared_dir / locked, 0o000)

    code, out, err = _run_as_nobody(shared_dir, "scan", "--jobs", "1", "--fail-on", "critical", ".")

    assert code == 2, out + err
    assert shown in out
    assert err == f"tapfix: error: cannot read {locked}: the scan is incomplete\n"
    assert "No findings" not in out
