"""GitHub's contract, from the committed extracts of its official descriptions: which operation a
request is, and whether its JSON body is valid for that operation (OpenAPI 3.0 via
openapi-schema-validator's OAS30Validator, which knows `nullable`), and whether a GraphQL document
is valid against GitHub's GraphQL schema (graphql-core).

The spec's request schemas are open (`additionalProperties` unset); they are closed here, so a
misspelt key ("lines") fails instead of being ignored by GitHub.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, build_schema, parse, validate
from graphql.error import GraphQLSyntaxError
from openapi_schema_validator import OAS30Validator

FIXTURES = Path(__file__).parent / "fixtures"
OPENAPI = FIXTURES / "openapi" / "github-rest-extract.json"
GRAPHQL = FIXTURES / "graphql" / "github-extract.graphql"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    spec: dict[str, Any]


@functools.cache
def spec() -> dict[str, Any]:
    return json.loads(OPENAPI.read_text())


@functools.cache
def operations() -> tuple[Operation, ...]:
    ops = []
    for template, item in spec()["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                regex = _path_regex(template, op)
                ops.append(Operation(op["operationId"], method.upper(), template, re.compile(regex), op))
    # Literal segments win over parameters (`/pulls/comments/{id}` before `/pulls/{number}/...`).
    return tuple(sorted(ops, key=lambda o: (-o.template.count("/"), o.template.count("{"))))


def _path_regex(template: str, op: dict[str, Any]) -> str:
    """`{path}` and parameters the spec marks `x-multi-segment` (a git ref: `heads/feature/x`) may
    span several segments; every other parameter is one segment."""
    params = [_resolve(p, spec()) for p in op.get("parameters", [])]
    multi = {"path"} | {p["name"] for p in params if p.get("x-multi-segment")}

    def group(m: re.Match[str]) -> str:
        name = m.group(1)
        return f"(?P<{name}>.+)" if name in multi else f"(?P<{name}>[^/]+)"

    return "^" + re.sub(r"\\\{(\w+)\\\}", group, re.escape(template)) + "$"


def match(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    for op in operations():
        if op.method == method.upper() and (m := op.pattern.match(path)):
            return op, m.groupdict()
    return None


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    """Inline local $refs (request schemas are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolve(target, root)
        return {k: _resolve(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, root) for v in node]
    return node


def _closed(schema: Any) -> Any:
    if isinstance(schema, dict):
        schema = {k: _closed(v) for k, v in schema.items()}
        if schema.get("type") == "object" and "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    return schema


@functools.cache
def request_schema(operation_id: str) -> dict[str, Any] | None:
    op = next(o for o in operations() if o.operation_id == operation_id)
    body = op.spec.get("requestBody")
    if body is None:
        return None
    schema = _resolve(copy.deepcopy(body["content"]["application/json"]["schema"]), spec())
    return _closed(schema)


def body_problems(operation_id: str, body: Any) -> list[str]:
    schema = request_schema(operation_id)
    if schema is None:
        return [] if body in (None, b"", "") else [f"{operation_id} takes no request body"]
    validator = OAS30Validator(schema)
    return [
        f"{operation_id}: {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
        for e in validator.iter_errors(body)
    ]


@functools.cache
def response_schema(operation_id: str, status: int) -> dict[str, Any] | None:
    op = next(o for o in operations() if o.operation_id == operation_id)
    response = op.spec.get("responses", {}).get(str(status))
    if response is None:
        return None
    response = _resolve(copy.deepcopy(response), spec())
    content = (response.get("content") or {}).get("application/json")
    return content["schema"] if content else None


def response_problems(operation_id: str, status: int, payload: Any) -> list[str]:
    """A mock answer checked against the spec's response schema for that status (left open, as
    GitHub adds fields), so a fake cannot hand the bot a shape GitHub never sends."""
    op = next(o for o in operations() if o.operation_id == operation_id)
    if str(status) not in op.spec.get("responses", {}):
        return [f"{operation_id}: GitHub does not document status {status}"]
    schema = response_schema(operation_id, status)
    if schema is None:
        return []
    if "discriminator" in schema and not isinstance(payload, dict):
        # A discriminator picks a oneOf branch by an object's property; the validator would apply
        # it to a directory listing (an array) too, where GitHub's own "array" mapping cannot work.
        schema = {k: v for k, v in schema.items() if k != "discriminator"}
    return [
        f"{operation_id} response {status}: {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
        for e in OAS30Validator(schema).iter_errors(payload)
    ]


@functools.cache
def graphql_schema() -> GraphQLSchema:
    return build_schema(GRAPHQL.read_text())


def graphql_problems(query: str) -> list[str]:
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return [f"graphql syntax: {exc.message}"]
    return [f"graphql: {e.message}" for e in validate(graphql_schema(), document)]
