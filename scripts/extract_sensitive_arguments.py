"""Regenerate fixers/rules/sensitive_arguments.json: the arguments of every hashicorp/aws resource type
that the provider schema marks `sensitive` (a password, a token, a private key), which TAP224 takes as
the evidence that a value is a secret. A variable's name is none: `..._rotation_duration` and
`auth_token_update_strategy` are not secrets, whatever their names say.

Usage (offline, from the local provider mirror):
    python scripts/extract_sensitive_arguments.py [--plugin-dir /opt/tf-plugins]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixers" / "rules" / "sensitive_arguments.json"


def sensitive(block: dict[str, Any], prefix: str = "") -> list[str]:
    """Settable sensitive arguments of a schema block, nested ones as `block.argument`."""
    found = [
        prefix + name
        for name, attr in sorted(block.get("attributes", {}).items())
        if attr.get("sensitive") and (attr.get("required") or attr.get("optional"))
    ]
    for name, nested in sorted(block.get("block_types", {}).items()):
        found += sensitive(nested.get("block", {}), f"{prefix}{name}.")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plugin-dir", type=Path, help="the provider mirror (holds registry.terraform.io)")
    parser.add_argument("--terraform", default=shutil.which("terraform") or "terraform")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    # The schema comes the way scripts/extract_provider_schema.py gets it, from the same mirror.
    spec = importlib.util.spec_from_file_location(
        "extract_provider_schema", ROOT / "scripts" / "extract_provider_schema.py"
    )
    extractor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extractor)
    PROVIDER, provider_schema = extractor.PROVIDER, extractor.provider_schema

    plugin_dir = args.plugin_dir
    if plugin_dir is None:
        from tests.support.hcl_reference import find_plugin_dir

        plugin_dir = find_plugin_dir()
    if plugin_dir is None:
        print("no AWS provider mirror found: pass --plugin-dir", file=sys.stderr)
        return 2
    schema, versions = provider_schema(plugin_dir, args.terraform)
    aws = schema["provider_schemas"][PROVIDER]
    types = {
        name: found
        for name, resource in sorted(aws["resource_schemas"].items())
        if (found := sensitive(resource["block"]))
    }
    out = {
        "_about": "Settable arguments hashicorp/aws marks sensitive, per resource type (nested ones as "
        "block.argument); made by scripts/extract_sensitive_arguments.py. Do not edit by hand.",
        "provider_version": versions.get("provider_selections", {}).get(PROVIDER, ""),
        "resources": types,
    }
    OUT.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{OUT}: {sum(map(len, types.values()))} sensitive arguments in {len(types)} resource types")
    return 0


if __name__ == "__main__":
    sys.exit(main())
