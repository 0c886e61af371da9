"""Running `tapfix` as a user or a CI job does: its own process, from a folder, with CI set (no progress
line) unless the test says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def tapfix(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.command_line", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true", **(env or {})},
        timeout=300,
    )
