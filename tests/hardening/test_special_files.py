"""A FIFO or a device named like a Terraform file is a located TAP000 ("not a regular file") and
exit code 2, as an unreadable file is; it is never opened (a FIFO would hang the scan)."""

from __future__ import annotations

import os

from tests.support.cli import tapfix


def test_a_fifo_and_a_link_to_a_device_named_tf_are_located_errors_never_opened(tmp_path):
    (tmp_path / "ok.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "acme-logs"\n}\n')
    os.mkfifo(tmp_path / "main.tf")
    (tmp_path / "z.tf").symlink_to("/dev/zero")
    run = tapfix("scan", ".", cwd=tmp_path)
    assert run.returncode == 2
    out = run.stdout + run.stderr
    assert "main.tf" in out and "z.tf" in out
    assert out.count("not a regular file") == 2
