"""The release workflow's checks and its one edit (.github/workflows/release.yml runs this).

    python scripts/release.py check VERSION           the version to release is pyproject's, and new
    python scripts/release.py pin-image IMAGE:VERSION  point action.yml at the published image

On main, action.yml builds the image from the Dockerfile (`image: Dockerfile`), so a workflow that
uses a branch or a commit runs the code it names. A release publishes the image to ghcr.io and makes
one commit on top of the released one, in which action.yml runs that image
(`image: docker://ghcr.io/OWNER/tapfix:VERSION`): the tags `vX.Y.Z` and `vX` point at that commit,
so `uses: tapfix/tapfix@v1` pulls the image instead of building it (about a minute per run).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
IMAGE = re.compile(r"^ghcr\.io/[a-z0-9._-]+/[a-z0-9._-]+:(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_BUILD_LINE = re.compile(r"^(  image: )Dockerfile$", re.M)


class ReleaseError(Exception):
    pass


def project_version(root: Path = ROOT) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]


def check(version: str, root: Path = ROOT, existing_tags: list[str] | None = None) -> list[str]:
    """The tags a release of `version` creates or moves: `vX.Y.Z` (new) and `vX` (moved)."""
    if not VERSION.match(version):
        raise ReleaseError(f"{version!r} is not a version like 1.2.3 (no leading v)")
    if version != project_version(root):
        raise ReleaseError(
            f"pyproject.toml says version {project_version(root)}, not {version}: "
            "bump it on main first, then release that commit"
        )
    if existing_tags is None:
        existing_tags = subprocess.run(
            ["git", "tag", "--list", "v*"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.split()
    if f"v{version}" in existing_tags:
        raise ReleaseError(f"v{version} is already released: a released version is never moved")
    return [f"v{version}", f"v{version.split('.')[0]}"]


def pin_image(action_yml: str, image: str) -> str:
    """action.yml with `image: Dockerfile` replaced by the published image."""
    if not IMAGE.match(image):
        raise ReleaseError(f"{image!r} is not ghcr.io/OWNER/NAME:X.Y.Z in lower case")
    pinned, count = _BUILD_LINE.subn(rf"\g<1>docker://{image}", action_yml)
    if count != 1:
        raise ReleaseError("action.yml has no `  image: Dockerfile` line under runs: nothing to pin")
    return pinned


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 2 and argv[0] == "check":
            print(" ".join(check(argv[1])))
        elif len(argv) == 2 and argv[0] == "pin-image":
            path = ROOT / "action.yml"
            path.write_text(pin_image(path.read_text(), argv[1]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except ReleaseError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
