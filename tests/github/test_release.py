"""The release (docs/releasing.md): the tags it creates are the ones the README and docs tell users to
pin, its action.yml runs the published image and is still a valid action, and the workflow publishes
for both platforms the tags it pins. (No Docker engine here: the image itself is not built.)"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("release", ROOT / "scripts" / "release.py")
release = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(release)

VERSION = release.project_version()
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())


def test_a_release_creates_the_version_tag_and_moves_the_major_tag():
    major = VERSION.split(".")[0]
    assert release.check(VERSION, existing_tags=["v0.9.0", f"v{major}"]) == [f"v{VERSION}", f"v{major}"]


@pytest.mark.parametrize(
    ("version", "tags", "message"),
    [
        ("v" + VERSION, [], "is not a version like 1.2.3"),
        ("1.2", [], "is not a version like 1.2.3"),
        ("99.0.0", [], f"pyproject.toml says version {VERSION}, not 99.0.0"),
        (VERSION, [f"v{VERSION}"], "is already released"),
    ],
)
def test_a_release_refuses_a_version_that_is_not_pyprojects_or_was_released(version, tags, message):
    with pytest.raises(release.ReleaseError, match=re.escape(message)):
        release.check(version, existing_tags=tags)


def test_every_pinned_tapfix_in_the_readme_and_docs_is_a_tag_the_release_creates():
    tags = set(release.check(VERSION, existing_tags=[]))
    pins = []
    for page in DOCS:
        if page.name == "releasing.md":
            continue  # explains the scheme with an example version, 1.2.3
        text = page.read_text()
        pins += [(page.name, tag) for tag in re.findall(r"uses: tapfix/tapfix@([\w.-]+)", text)]
        pins += [(page.name, tag) for tag in re.findall(r"github\.com/tapfix/tapfix@([\w.-]+)", text)]
        for block in re.findall(r"repo: https://github\.com/tapfix/tapfix\n\s+rev: (\S+)", text):
            pins.append((page.name, block))
    assert {page for page, _ in pins} >= {"README.md", "action.md", "cli.md"}
    assert [(page, tag) for page, tag in pins if tag not in tags] == []
    # pre-commit wants an immutable rev: the version tag, never the moving major tag
    readme = (ROOT / "README.md").read_text()
    assert f"rev: v{VERSION}\n" in readme


def test_the_release_s_action_yml_runs_the_published_image_and_is_a_valid_action(tmp_path):
    source = (ROOT / "action.yml").read_text()
    assert yaml.safe_load(source)["runs"]["image"] == "Dockerfile"  # main builds its own code
    pinned = release.pin_image(source, f"ghcr.io/tapfix/tapfix:{VERSION}")
    action = yaml.safe_load(pinned)
    assert action["runs"] == {"using": "docker", "image": f"docker://ghcr.io/tapfix/tapfix:{VERSION}"}
    assert action == {**yaml.safe_load(source), "runs": action["runs"]}  # nothing else changed
    assert len(pinned.splitlines()) == len(source.splitlines())  # comments and layout kept
    (tmp_path / "action.yml").write_text(pinned)
    schema = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-actions",
            str(tmp_path / "action.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("ghcr.io/TapFix/tapfix:1.0.0", "in lower case"),
        ("ghcr.io/tapfix/tapfix:latest", "in lower case"),
        ("docker.io/tapfix/tapfix:1.0.0", "in lower case"),
    ],
)
def test_pinning_refuses_anything_but_a_versioned_ghcr_image(image, message):
    with pytest.raises(release.ReleaseError, match=message):
        release.pin_image((ROOT / "action.yml").read_text(), image)


def test_pinning_twice_is_refused():
    once = release.pin_image((ROOT / "action.yml").read_text(), "ghcr.io/tapfix/tapfix:1.0.0")
    with pytest.raises(release.ReleaseError, match="nothing to pin"):
        release.pin_image(once, "ghcr.io/tapfix/tapfix:1.0.1")


def test_the_workflow_publishes_both_platforms_under_the_tags_it_pins():
    [job] = WORKFLOW["jobs"].values()
    steps = job["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    build = steps[uses.index("docker/build-push-action")]
    assert uses.index("docker/setup-qemu-action") < uses.index("docker/build-push-action")
    assert uses.index("docker/setup-buildx-action") < uses.index("docker/build-push-action")
    assert set(build["with"]["platforms"].split(",")) == {"linux/amd64", "linux/arm64"}
    assert build["with"]["push"] is True
    image = "${{ steps.version.outputs.image }}"
    assert build["with"]["tags"].splitlines() == [
        f"{image}:${{{{ inputs.version }}}}",
        f"{image}:${{{{ steps.version.outputs.major }}}}",
    ]
    pin = next(s for s in steps if "pin-image" in s.get("run", ""))
    assert pin["env"]["IMAGE"] == image and job["env"]["VERSION"] == "${{ inputs.version }}"
    assert 'pin-image "$IMAGE:$VERSION"' in pin["run"]
    assert 'git push origin "refs/tags/v$VERSION"' in pin["run"]  # the version tag: never forced
    assert 'git push --force origin "refs/tags/v$MAJOR"' in pin["run"]
    check = next(s for s in steps if "release.py check" in s.get("run", ""))
    assert steps.index(check) < steps.index(build)  # nothing is published for a refused version
    assert list(WORKFLOW[True]) == ["workflow_dispatch"]  # started by hand (YAML 1.1 reads `on` as true)
    assert WORKFLOW[True]["workflow_dispatch"]["inputs"]["version"]["required"] is True
    assert job["if"] == "github.ref == 'refs/heads/main'"
