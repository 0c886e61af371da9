"""The README's set-up commands, for .ci/run to run as written.

    python scripts/readme_setup.py    print, for each command of the README's "Set-up" block, the exit
                                      code the README gives it and the command, NUL-separated

A comment line above a command that says "exits N" gives its expected exit code (the first command
scans the example stack, whose findings make it exit 1); every other command must exit 0.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def setup_commands(readme: str) -> list[tuple[int, str]]:
    start = readme.index("\n## Set-up\n")
    section = readme[start : readme.find("\n## ", start + 1)]
    block = re.search(r"^```sh\n(.*?)^```", section, re.S | re.M)
    if block is None:
        raise ValueError("README.md's Set-up section has no ```sh block")
    commands, expected = [], 0
    for line in block.group(1).splitlines():
        if line.startswith("#"):
            said = re.search(r"\bexits (\d+)\b", line)
            expected = int(said.group(1)) if said else 0
        elif line.strip():
            commands.append((expected, line.strip()))
            expected = 0
    return commands


def main() -> int:
    for expected, command in setup_commands(README.read_text(encoding="utf-8")):
        sys.stdout.write(f"{expected}\0{command}\0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
