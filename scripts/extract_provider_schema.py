"""Regenerate fixers/aws_schema.json, the AWS provider schema extract fix verification checks against.

`terraform providers schema -json` of hashicorp/aws is 13 MB (4 MB without descriptions) and
takes a provider binary of 700 MB to produce; the verification (fixers/terraform_check.py) needs
far less, and must run where neither exists. The extract keeps:

- the name of every resource and data source type (a block of a type the provider lacks is
  invalid whatever its body);
- the full argument and block structure (which arguments are required, optional or computed only,
  which nested blocks, their nesting and item limits) of the provider configuration and of every
  type the rules name in fixers/ (the types they read, and all the types their fixes write);
- the provider version and the Terraform version it came from.
A type whose structure alone is larger than 100 kB (aws_wafv2_web_acl's recursive rule statements
are 0.9 MB) keeps only its name and is listed under "too_large"; no fix may write such a type.

Usage (offline, from the local provider mirror):
    python scripts/extract_provider_schema.py [--plugin-dir /opt/tf-plugins]
The plugin dir defaults to what tests/support/hcl_reference.py finds (TAPFIX_TF_PLUGIN_DIR, else a
search under /opt, /usr/local and ~/.terraform.d).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixers" / "aws_schema.json"
PROVIDER = "registry.terraform.io/hashicorp/aws"
_TYPE_NAME = re.compile(r"\baws_[a-z0-9_]+\b")
_MAX_TYPE_BYTES = 100_000


def _block(schema: dict[str, Any]) -> dict[str, Any]:
    """{"attributes": {name: "required" | "optional" | "computed"}, "blocks": {name: block}}, where
    a nested block also has its "nesting" (single, list, set, map, group) and "min"/"max" items.
    An attribute of type list or set of objects that Terraform also accepts written as blocks
    (`ingress { ... }` of aws_security_group) is "required-blocks" or "optional-blocks"."""
    attributes = {}
    for name, attr in sorted(schema.get("attributes", {}).items()):
        if attr.get("required"):
            kind = "required"
        elif attr.get("optional"):
            kind = "optional"
        else:
            kind = "computed"
        shape = attr.get("type")
        elements = shape[1] if isinstance(shape, list) and shape[0] in ("list", "set") else None
        if kind != "computed" and isinstance(elements, list) and elements[0] == "object":
            kind += "-blocks"
        attributes[name] = kind
    out: dict[str, Any] = {"attributes": attributes}
    blocks = {}
    for name, nested in sorted(schema.get("block_types", {}).items()):
        inner = _block(nested["block"])
        inner["nesting"] = nested["nesting_mode"]
        if nested.get("min_items"):
            inner["min"] = nested["min_items"]
        if nested.get("max_items"):
            inner["max"] = nested["max_items"]
        blocks[name] = inner
    if blocks:
        out["blocks"] = blocks
    return out


def named_in_fixers(known: set[str]) -> set[str]:
    """The provider's type names that appear in tapfix's engine and rules."""
    found: set[str] = set()
    for path in sorted((ROOT / "fixers").rglob("*.py")):
        found |= set(_TYPE_NAME.findall(path.read_text(encoding="utf-8"))) & known
    return found


def extract(schema: dict[str, Any], versions: dict[str, Any]) -> dict[str, Any]:
    aws = schema["provider_schemas"][PROVIDER]
    resources, data_sources = aws["resource_schemas"], aws["data_source_schemas"]
    detailed = named_in_fixers(set(resources) | set(data_sources))
    structure: dict[str, dict[str, Any]] = {"resources": {}, "data_sources": {}}
    too_large = []
    for kind, schemas in (("resources", resources), ("data_sources", data_sources)):
        for name in sorted(detailed & set(schemas)):
            block = _block(schemas[name]["block"])
            if len(json.dumps(block, separators=(",", ":"))) > _MAX_TYPE_BYTES:
                too_large.append(name)
            else:
                structure[kind][name] = block
    return {
        "_about": (
            "Extract of `terraform providers schema -json` for hashicorp/aws, made by "
            "scripts/extract_provider_schema.py: every type name, and the arguments and blocks of the "
            "provider configuration and of the types named in fixers/. Do not edit by hand."
        ),
        "provider": PROVIDER,
        "provider_version": versions.get("provider_selections", {}).get(PROVIDER, "unknown"),
        "terraform_version": versions.get("terraform_version", "unknown"),
        "resource_type_names": sorted(resources),
        "data_source_type_names": sorted(data_sources),
        "provider_config": _block(aws["provider"]["block"]),
        **structure,
        "too_large": sorted(set(too_large)),
    }


def provider_schema(plugin_dir: Path, terraform: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(`terraform providers schema -json`, `terraform version -json`) for hashicorp/aws from the mirror."""
    work = Path(tempfile.mkdtemp(prefix="tapfix-schema-"))
    try:
        (work / "main.tf").write_text(
            'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
        )
        run = {"cwd": work, "capture_output": True, "text": True, "check": True}
        subprocess.run([terraform, "init", "-input=false", f"-plugin-dir={plugin_dir}"], **run)
        schema = json.loads(subprocess.run([terraform, "providers", "schema", "-json"], **run).stdout)
        versions = json.loads(subprocess.run([terraform, "version", "-json"], **run).stdout)
        return schema, versions
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plugin-dir", type=Path, help="the provider mirror (holds registry.terraform.io)")
    parser.add_argument("--terraform", default=shutil.which("terraform") or "terraform")
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    plugin_dir = args.plugin_dir
    if plugin_dir is None:
        sys.path.insert(0, str(ROOT))
        from tests.support.hcl_reference import find_plugin_dir

        plugin_dir = find_plugin_dir()
    if plugin_dir is None:
        print("no AWS provider mirror found: pass --plugin-dir", file=sys.stderr)
        return 2
    schema, versions = provider_schema(plugin_dir, args.terraform)
    extract_ = extract(schema, versions)
    args.output.write_text(
        json.dumps(extract_, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    print(
        f"{args.output}: hashicorp/aws {extract_['provider_version']}, "
        f"{len(extract_['resources'])} resource and {len(extract_['data_sources'])} data source types in "
        f"detail, {len(extract_['resource_type_names'])} + {len(extract_['data_source_type_names'])} names"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
