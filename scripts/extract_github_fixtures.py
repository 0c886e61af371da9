"""Regenerate the GitHub contract fixtures in tests/github/fixtures/ from the npm packages.

The packages are large (`@octokit/openapi` unpacks to 385 MB), so the repository keeps only what
the bot's tests need, with the packages' MIT licence notice and their versions:

- openapi/github-rest-extract.json: the operations tapfix calls (and the ones the /tapfix command
  will call), with every component they reference, from `@octokit/openapi`;
- graphql/github-extract.graphql: the types and fields of GitHub's GraphQL schema that tapfix's
  queries use, from `@octokit/graphql-schema`;
- webhooks/*.json: example event payloads from `@octokit/webhooks-examples`.

Usage (see scripts/update-github-fixtures.sh, which installs the packages into a temporary dir):
    python scripts/extract_github_fixtures.py NODE_MODULES_DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "github" / "fixtures"

# operationIds: the review bot's, then those the /tapfix command and check runs are expected to use.
OPERATIONS = [
    "pulls/get",
    "pulls/list-files",
    "pulls/create-review",
    "pulls/list-reviews",
    "pulls/list-review-comments",
    "pulls/update-review-comment",
    "pulls/delete-review-comment",
    "pulls/create-reply-for-review-comment",
    "issues/list-comments",
    "issues/create-comment",
    "issues/update-comment",
    "issues/delete-comment",
    "issues/get",
    "repos/get-content",
    "repos/get-collaborator-permission-level",
    "reactions/create-for-issue-comment",
    "git/get-ref",
    "git/get-commit",
    "git/get-tree",
    "git/create-blob",
    "git/create-tree",
    "git/create-commit",
    "git/update-ref",
    "checks/create",
    "checks/update",
]

# (event name, index in @octokit/webhooks-examples, fixture file); tests/github/fixtures/actions/
# holds the `schedule` payloads, which are not webhooks (see its README.md).
WEBHOOK_EXAMPLES = [
    ("pull_request", 0, "pull_request.opened.json"),
    ("pull_request", 22, "pull_request.synchronize.json"),
    ("workflow_run", 1, "workflow_run.completed.json"),
    ("issue_comment", 0, "issue_comment.created.json"),
    ("push", 0, "push.json"),
    ("push", 4, "push.branch.json"),
    ("push", 1, "push.deleted.json"),
    ("workflow_dispatch", 0, "workflow_dispatch.json"),
]

# GraphQL: root fields and the object fields tapfix's queries select (see bot/github/threads.py).
GRAPHQL_KEEP = {
    "Query": {"repository"},
    "Mutation": {"resolveReviewThread"},
    "Repository": {"pullRequest"},
    "PullRequest": {"reviewThreads"},
    "PullRequestReviewThreadConnection": {"nodes", "pageInfo"},
    "PullRequestReviewThread": {"id", "isResolved", "comments"},
    "PullRequestReviewCommentConnection": {"nodes"},
    "PullRequestReviewComment": {"databaseId", "fullDatabaseId"},
    "PageInfo": {"hasNextPage", "endCursor"},
    "ResolveReviewThreadPayload": {"thread"},
    "ResolveReviewThreadInput": None,  # input objects are kept whole
}

HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _resolve(spec: dict, ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def extract_openapi(spec: dict, version: str) -> dict:
    paths: dict[str, dict] = {}
    wanted = set(OPERATIONS)
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS and op.get("operationId") in wanted:
                paths.setdefault(path, {})[method] = op
                wanted.discard(op["operationId"])
            elif method == "parameters" and path in paths:
                paths[path]["parameters"] = op
    if wanted:
        raise SystemExit(f"operations not in the spec: {sorted(wanted)}")
    components: dict[str, dict] = {}
    pending = _refs(paths)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        target = _resolve(spec, ref)
        components.setdefault(kind, {})[name] = target
        pending |= _refs(target)
    return {
        "openapi": spec["openapi"],
        "info": {
            **spec["info"],
            "x-extract": (
                f"Operations used by tapfix, extracted from npm @octokit/openapi {version} "
                "(generated/api.github.com.json) by scripts/extract_github_fixtures.py. MIT licence: see LICENSE."
            ),
        },
        "servers": spec.get("servers", []),
        "paths": dict(sorted(paths.items())),
        "components": {k: dict(sorted(v.items())) for k, v in sorted(components.items())},
    }


def extract_graphql(sdl: str, version: str) -> str:
    from graphql import parse, print_ast
    from graphql.language import (
        InterfaceTypeDefinitionNode,
        NamedTypeNode,
        ObjectTypeDefinitionNode,
        ScalarTypeDefinitionNode,
        SchemaDefinitionNode,
        Visitor,
        visit,
    )

    document = parse(sdl, no_location=True)
    by_name = {d.name.value: d for d in document.definitions if hasattr(d, "name") and d.name}
    kept: dict[str, Any] = {}
    pending = list(GRAPHQL_KEEP)

    class Named(Visitor):
        def __init__(self) -> None:
            super().__init__()
            self.names: set[str] = set()

        def enter_named_type(self, node: NamedTypeNode, *_: Any) -> None:
            self.names.add(node.name.value)

    while pending:
        name = pending.pop()
        if name in kept or name not in by_name:
            continue
        node = by_name[name]
        fields = GRAPHQL_KEEP.get(name)
        if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode) and fields is not None:
            node = node.__class__(
                name=node.name,
                description=node.description,
                directives=(),
                fields=tuple(f for f in node.fields if f.name.value in fields),
                interfaces=(),
            )
        elif isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            node = node.__class__(
                name=node.name, description=node.description, directives=(), fields=node.fields, interfaces=()
            )
        kept[name] = node
        collector = Named()
        visit(node, collector)
        pending.extend(collector.names - set(kept))
    builtin = {"String", "Int", "Boolean", "ID", "Float"}
    for name in sorted(set(kept) & builtin):
        if isinstance(kept[name], ScalarTypeDefinitionNode):
            del kept[name]
    order = [n for n in by_name if n in kept]
    schema = [d for d in document.definitions if isinstance(d, SchemaDefinitionNode)]
    body = "\n\n".join(print_ast(kept[n]) for n in order)
    if schema:
        body = print_ast(schema[0]) + "\n\n" + body
    header = (
        f"# Types and fields of GitHub's GraphQL schema used by tapfix, extracted from npm\n"
        f"# @octokit/graphql-schema {version} (schema.graphql) by scripts/extract_github_fixtures.py.\n"
        f"# MIT licence: see LICENSE.\n\n"
    )
    return header + body + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("node_modules", type=Path, help="a node_modules dir holding the @octokit packages")
    args = parser.parse_args(argv)
    octokit = args.node_modules / "@octokit"

    def version(package: str) -> str:
        return json.loads((octokit / package / "package.json").read_text())["version"]

    spec = json.loads((octokit / "openapi" / "generated" / "api.github.com.json").read_text())
    extract = extract_openapi(spec, version("openapi"))
    (OUT / "openapi").mkdir(parents=True, exist_ok=True)
    (OUT / "openapi" / "github-rest-extract.json").write_text(json.dumps(extract, indent=1) + "\n")
    (OUT / "openapi" / "LICENSE").write_text(
        f"From npm @octokit/openapi {version('openapi')}:\n\n" + (octokit / "openapi" / "LICENSE").read_text()
    )

    sdl = (octokit / "graphql-schema" / "schema.graphql").read_text()
    (OUT / "graphql").mkdir(parents=True, exist_ok=True)
    (OUT / "graphql" / "github-extract.graphql").write_text(extract_graphql(sdl, version("graphql-schema")))
    (OUT / "graphql" / "LICENSE").write_text(
        f"From npm @octokit/graphql-schema {version('graphql-schema')}:\n\n"
        + (octokit / "graphql-schema" / "LICENSE.md").read_text()
    )

    index = json.loads((octokit / "webhooks-examples" / "api.github.com" / "index.json").read_text())
    by_event = {entry["name"]: entry["examples"] for entry in index}
    (OUT / "webhooks").mkdir(parents=True, exist_ok=True)
    for event, position, filename in WEBHOOK_EXAMPLES:
        payload = by_event[event][position]
        (OUT / "webhooks" / filename).write_text(json.dumps(payload, indent=2) + "\n")
    package = json.loads((octokit / "webhooks-examples" / "package.json").read_text())
    (OUT / "webhooks" / "LICENSE").write_text(
        f"From npm @octokit/webhooks-examples {package['version']} (repository {package['repository']}), "
        f"licence {package['license']} as declared in its package.json. The package ships no licence file;\n"
        "the Octokit projects use this MIT notice:\n\n" + (octokit / "openapi" / "LICENSE").read_text()
    )
    print(
        f"wrote {len(extract['paths'])} paths, {sum(len(v) for v in extract['components'].values())} components"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
