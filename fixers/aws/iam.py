"""IAM policy documents: reading them (with the place each principal is written, for rules that
check and rewrite who a policy grants to) and writing the statements fixes add.

Three forms are read: `jsonencode({...})` (directly or through a local), JSON text (a heredoc or a
string, `${...}` interpolations evaluated where known), and a `data "aws_iam_policy_document"` with
`statement`/`principals` blocks. Principals are read with `evaluate_partial`, so one written as
`data.aws_elb_service_account.this.arn` reads as "${data.aws_elb_service_account.this.arn}"
instead of unknown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lark import Tree

from fixers.edits import (
    HclBlock,
    edit,
    hcl_list,
    hcl_object,
    hcl_string,
    indent_continuation,
    insert_nested_block,
)
from fixers.evaluate import UNKNOWN, evaluate, evaluate_partial, is_placeholder, template_tree, traversals
from fixers.findings import TextEdit
from fixers.hcl.source import SourceText
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.rules._module_level import call_args as call_of
from fixers.rules._module_level import unwrap
from fixers.rules._observability import partial_value

JSONENCODE, JSON_TEXT, DOCUMENT = "jsonencode", "json", "aws_iam_policy_document"


@dataclass
class Span:
    """A stretch of a file: what a finding points at and what an edit replaces."""

    file: SourceText
    start: int
    end: int

    @property
    def line(self) -> int:
        return self.file.line_col(self.start)[0]


@dataclass
class Principal:
    kind: str  # "AWS", "Service", "Federated", "*"
    value: Any  # the evaluated entry: a string (placeholders for computed parts) or UNKNOWN
    span: Span | None  # where the entry is written
    form: str  # JSONENCODE, JSON_TEXT or DOCUMENT
    # The whole principal (HCL object / JSON `"AWS": ...` pair / `principals` block) and whether
    # this entry is its only one: then it can be rewritten as another kind of principal.
    whole: Span | Block | None = None
    alone: bool = False
    in_list: bool = False  # the entry is an element of a list


@dataclass
class _ReadStatement:
    effect: Any
    actions: Any  # list of strings, or UNKNOWN
    principals: list[Principal] = field(default_factory=list)


@dataclass
class Document:
    form: str
    statements: list[_ReadStatement]
    complete: bool = True  # False when part of the document could not be read


def read_policy(module: Module, attr: Attribute) -> Document | None:
    """The document an attribute such as `aws_s3_bucket_policy.policy` holds, or None."""
    node, holder = _resolve(module, attr.expr, attr.file)
    if node is None:
        return None
    if node.data == "function_call" and _function_name(node) == "jsonencode":
        args = _arguments(node)
        return _from_hcl(module, args[0], holder) if len(args) == 1 else None
    if node.data in ("heredoc_template", "heredoc_template_trim", "string"):
        return _from_json_text(module, node, holder)
    found = traversals(node)
    if len(found) == 1 and found[0][:2] == ("data", DOCUMENT) and len(found[0]) >= 4:
        block = module.find(f"data.{DOCUMENT}.{found[0][2]}")
        return _from_document(module, block) if block is not None else None
    return None


def _resolve(module: Module, expr: Tree, file: SourceText, depth: int = 0) -> tuple[Tree | None, SourceText]:
    """Follow `local.x` to the expression it names (and the file that holds it)."""
    node = _unwrap(expr)
    if isinstance(node, Tree) and node.data == "get_attr_expr_term" and depth < 8:
        found = traversals(node)
        if len(found) == 1 and len(found[0]) == 2 and found[0][0] == "local":
            local = module.locals.get(found[0][1])
            if local is not None:
                return _resolve(module, local.expr, local.file, depth + 1)
    return (node if isinstance(node, Tree) else None), file


# --- jsonencode({...}) ------------------------------------------------------------------------------


def _from_hcl(module: Module, expr: Tree, file: SourceText) -> Document | None:
    node, file = _resolve(module, expr, file)
    if node is None or node.data != "object":
        return None
    elems = _object_elems(module, node)
    statements_node = elems.get("Statement")
    if statements_node is None:
        return Document(JSONENCODE, [])
    statements_node, file = _resolve(module, statements_node, file)
    if statements_node is None:
        return None
    if statements_node.data == "object":
        items = [statements_node]
    elif statements_node.data == "tuple":
        items = [_unwrap(c) for c in _children(statements_node)]
    else:
        return Document(JSONENCODE, [], complete=False)
    document = Document(JSONENCODE, [])
    for item in items:
        if not isinstance(item, Tree) or item.data != "object":
            document.complete = False
            continue
        document.statements.append(_hcl_statement(module, item, file))
    return document


def _hcl_statement(module: Module, node: Tree, file: SourceText) -> _ReadStatement:
    elems = _object_elems(module, node)
    effect = evaluate(module, elems["Effect"]) if "Effect" in elems else UNKNOWN
    actions = _as_list(evaluate(module, elems["Action"])) if "Action" in elems else UNKNOWN
    statement = _ReadStatement(effect, actions)
    principal = elems.get("Principal")
    if principal is None:
        return statement
    principal, pfile = _resolve(module, principal, file)
    whole = _span(pfile, principal) if principal is not None else None
    if principal is not None and principal.data == "object":
        kinds = _object_elems(module, principal)
        for kind, value_node in kinds.items():
            value_node, vfile = _resolve(module, value_node, pfile)
            if value_node is not None and value_node.data == "tuple":
                entries = [_unwrap(c) for c in _children(value_node)]
                in_list = True
            else:
                entries, in_list = [value_node], False
            for entry in entries:
                statement.principals.append(
                    Principal(
                        kind,
                        evaluate_partial(module, entry) if entry is not None else UNKNOWN,
                        _span(vfile, entry) if entry is not None else None,
                        JSONENCODE,
                        whole=whole,
                        alone=len(kinds) == 1 and len(entries) == 1,
                        in_list=in_list,
                    )
                )
    elif principal is not None:
        value = evaluate_partial(module, principal)
        kind = "*" if value == "*" else "?"
        statement.principals.append(Principal(kind, value, whole, JSONENCODE, whole=whole, alone=True))
    return statement


def _object_elems(module: Module, node: Tree) -> dict[str, Tree]:
    out: dict[str, Tree] = {}
    for elem in _children(node):
        key_node, value_node = elem.children[0], elem.children[-1]
        key_expr = _unwrap(key_node.children[0]) if key_node.children else None
        if isinstance(key_expr, Tree) and key_expr.data == "identifier":
            key = str(key_expr.children[0])
        else:
            key = evaluate(module, key_expr) if key_expr is not None else UNKNOWN
        if isinstance(key, str):
            out[key] = value_node
    return out


# --- JSON text ----------------------------------------------------------------------------------------

# A JSON string literal, and an `"AWS": <string or list>` member.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_AWS_MEMBER = re.compile(rf'"AWS"\s*:\s*(?P<value>{_JSON_STRING}|\[[^\]]*\])')


def _from_json_text(module: Module, node: Tree, file: SourceText) -> Document | None:
    text = evaluate_partial(module, node)
    if not isinstance(text, str) or is_placeholder(text):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    raw_start = node.meta.start_pos
    raw = file.text[raw_start : node.meta.end_pos]
    located = _aws_entries_in_text(module, raw, raw_start, file)
    statements = data.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    document = Document(JSON_TEXT, [])
    aws_entries: list[Principal] = []
    for item in statements if isinstance(statements, list) else []:
        if not isinstance(item, dict):
            document.complete = False
            continue
        statement = _ReadStatement(item.get("Effect", UNKNOWN), _as_list(item.get("Action", UNKNOWN)))
        principal = item.get("Principal")
        if isinstance(principal, dict):
            for kind, values in principal.items():
                entries = values if isinstance(values, list) else [values]
                for value in entries:
                    entry = Principal(
                        kind, value, None, JSON_TEXT, alone=len(principal) == 1 and len(entries) == 1
                    )
                    entry.in_list = isinstance(values, list)
                    statement.principals.append(entry)
                    if kind == "AWS":
                        aws_entries.append(entry)
        elif principal is not None:
            statement.principals.append(
                Principal("*" if principal == "*" else "?", principal, None, JSON_TEXT)
            )
        document.statements.append(statement)
    if len(located) == len(aws_entries):
        for entry, (span, whole) in zip(aws_entries, located, strict=True):
            entry.span, entry.whole = span, whole
    return document


def _aws_entries_in_text(module: Module, raw: str, offset: int, file: SourceText) -> list[tuple[Span, Span]]:
    """(entry, whole `"AWS": ...` member) spans of every AWS principal string in JSON text."""
    out = []
    for member in _AWS_MEMBER.finditer(raw):
        whole = Span(file, offset + member.start(), offset + member.end())
        value = member.group("value")
        base = offset + member.start("value")
        for string in re.finditer(_JSON_STRING, value):
            out.append((Span(file, base + string.start(), base + string.end()), whole))
    return out


def json_text_value(module: Module, span: Span) -> Any:
    """The value of a JSON string literal written in a heredoc, interpolations evaluated."""
    inner = span.file.text[span.start + 1 : span.end - 1]
    tree = template_tree(inner)
    return UNKNOWN if tree is None else evaluate_partial(module, tree)


# --- data "aws_iam_policy_document" -------------------------------------------------------------------


def _from_document(module: Module, block: Block) -> Document:
    document = Document(DOCUMENT, [])
    extra = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")
    if block.dynamic("statement") or any(block.has(name) for name in extra):
        document.complete = False
    for statement_block in block.nested("statement"):
        effect = statement_block.value("effect", "Allow")
        actions = _as_list(statement_block.value("actions", UNKNOWN))
        statement = _ReadStatement(effect, actions)
        if statement_block.dynamic("principals"):
            document.complete = False
        for principals in statement_block.nested("principals"):
            kind = principals.value("type", UNKNOWN)
            identifiers = principals.get("identifiers")
            if identifiers is None:
                continue
            node = _unwrap(identifiers.expr)
            elements = [_unwrap(c) for c in _children(node)] if node.data == "tuple" else None
            if elements is None:
                values = evaluate_partial(module, identifiers.expr)
                for value in values if isinstance(values, list) else [UNKNOWN]:
                    statement.principals.append(Principal(kind, value, None, DOCUMENT, whole=principals))
                continue
            for element in elements:
                statement.principals.append(
                    Principal(
                        kind,
                        evaluate_partial(module, element),
                        _span(identifiers.file, element),
                        DOCUMENT,
                        whole=principals,
                        alone=len(elements) == 1,
                        in_list=True,
                    )
                )
        document.statements.append(statement)
    return document


# --- small tree helpers --------------------------------------------------------------------------------


def _span(file: SourceText, node: Tree) -> Span:
    return Span(file, node.meta.start_pos, node.meta.end_pos)


def _as_list(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else UNKNOWN


def _unwrap(node: Any) -> Any:
    while isinstance(node, Tree) and node.data == "expr_term":
        inner = _children(node)
        if len(inner) != 1:
            return node
        node = inner[0]
    return node


def _children(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _function_name(node: Tree) -> str:
    idents = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
    return "::".join(str(i.children[0]) for i in idents)


def _arguments(node: Tree) -> list[Tree]:
    args = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
    return _children(args) if args is not None else []


# --- policy documents as JSON values --------------------------------------------------------------------------


def policy_document(module: Module, attr: Attribute | None) -> Any:
    """A policy as a dict whose unknowable parts are UNKNOWN, or UNKNOWN. Reads `jsonencode({...})`
    partially (a statement with an unknown ARN still shows its actions), JSON strings and
    heredocs, and `data.aws_iam_policy_document.x.json`."""
    if attr is None:
        return UNKNOWN
    args = call_of(attr.expr, "jsonencode")
    if args is not None and len(args) == 1:
        value = partial_value(module, args[0])
        return value if isinstance(value, dict) else UNKNOWN
    document = policy_data_source(module, attr)
    if document is not None:
        return document_from_data(document)
    value = attr.value()
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return UNKNOWN
        return parsed if isinstance(parsed, dict) else UNKNOWN
    return UNKNOWN


def policy_data_source(module: Module, attr: Attribute) -> Block | None:
    """The `aws_iam_policy_document` data source when `attr` is exactly its `.json`."""
    node = unwrap(attr.expr)
    parts = traversals(node)
    if len(parts) != 1 or not isinstance(node, Tree) or node.data != "get_attr_expr_term":
        return None
    path = parts[0]
    if len(path) == 4 and path[:2] == ("data", "aws_iam_policy_document") and path[3] == "json":
        return module.find(f"data.aws_iam_policy_document.{path[2]}")
    return None


def document_from_data(document: Block) -> Any:
    """An `aws_iam_policy_document` data source as the JSON document it renders."""
    if document.dynamic("statement") or any(
        document.has(a) for a in ("source_policy_documents", "override_policy_documents")
    ):
        return UNKNOWN
    statements = []
    for block in document.nested("statement"):
        statement: dict[str, Any] = {"Effect": block.value("effect", "Allow")}
        for hcl_name, json_name in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
        ):
            if block.has(hcl_name):
                statement[json_name] = block.value(hcl_name)
        principals: dict[str, Any] = {}
        for principal in block.nested("principals"):
            kind = principal.value("type")
            if not isinstance(kind, str):
                return UNKNOWN
            principals[kind] = principal.value("identifiers")
        if principals:
            statement["Principal"] = principals
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}


def statements(document: Any) -> list[Any] | None:
    """The statements of a policy document, or None when they cannot be listed."""
    if not isinstance(document, dict):
        return None
    found = document.get("Statement", UNKNOWN)
    if isinstance(found, dict):
        return [found]
    if isinstance(found, list):
        return found
    return None


def as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value]


def grants(document: Any, action: str) -> bool | None:
    """Does the document allow `action` ("xray:PutTraceSegments")? None when it cannot be told."""
    found = statements(document)
    if found is None:
        return None
    unknown = False
    for statement in found:
        if not isinstance(statement, dict):
            unknown = True
            continue
        effect = statement.get("Effect", UNKNOWN)
        if effect == "Deny":
            continue
        actions = statement.get("Action", [])
        if effect is UNKNOWN or actions is UNKNOWN:
            unknown = True
            continue
        for pattern in as_list(actions):
            if pattern is UNKNOWN:
                unknown = True
            elif isinstance(pattern, str) and action_matches(pattern, action):
                return True
    return None if unknown else False


def action_matches(pattern: str, action: str) -> bool:
    """IAM wildcards (`*` any run, `?` one character), case-insensitive. Matched greedily, in
    O(len(pattern) * len(action)): as a regular expression of `.*`s, an author's `*a*a*a...*z`
    backtracked exponentially (20 stars took hours)."""
    p, s = pattern.lower(), action.lower()
    i = j = 0
    star, resume = -1, 0
    while j < len(s):
        if i < len(p) and p[i] != "*" and (p[i] == "?" or p[i] == s[j]):
            i, j = i + 1, j + 1
        elif i < len(p) and p[i] == "*":
            star, resume, i = i, j, i + 1
        elif star != -1:
            resume += 1
            i, j = star + 1, resume
        else:
            return False
    return all(c == "*" for c in p[i:])


def principal_services(statement: dict[str, Any]) -> list[Any]:
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        return as_list(principal.get("Service", []))
    return []


@dataclass(frozen=True)
class Statement:
    """An IAM statement a fix adds; values are HCL source."""

    sid: str
    principal: str  # a service ("events.amazonaws.com"), or an AWS principal with principal_type="AWS"
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, str], ...] = ()  # (test, variable, value)
    principal_type: str = "Service"

    def as_object(self) -> str:
        def one(values: tuple[str, ...]) -> str:
            return values[0] if len(values) == 1 else hcl_list(values)

        items: list[tuple[str, str] | None] = [
            ("Sid", hcl_string(self.sid)),
            ("Effect", hcl_string("Allow")),
            ("Principal", "{ " + self.principal_type + " = " + hcl_string(self.principal) + " }"),
            ("Action", _actions(self.actions)),
            ("Resource", one(self.resources)),
        ]
        if self.conditions:
            tests: dict[str, list[tuple[str, str]]] = {}
            for test, variable, value in self.conditions:
                tests.setdefault(test, []).append((hcl_string(variable), value))
            items.append(("Condition", hcl_object([(t, _inline_object(v)) for t, v in tests.items()])))
        return hcl_object(items)

    def as_block(self) -> HclBlock:
        items: list[tuple[str, str] | HclBlock | None] = [
            ("sid", hcl_string(self.sid)),
            ("effect", hcl_string("Allow")),
            ("actions", hcl_list(hcl_string(a) for a in self.actions)),
            ("resources", hcl_list(self.resources)),
            None,
            HclBlock(
                "principals",
                [
                    ("type", hcl_string(self.principal_type)),
                    ("identifiers", hcl_list([hcl_string(self.principal)])),
                ],
            ),
        ]
        for test, variable, value in self.conditions:
            items.append(None)
            items.append(
                HclBlock(
                    "condition",
                    [
                        ("test", hcl_string(test)),
                        ("variable", hcl_string(variable)),
                        ("values", hcl_list([value])),
                    ],
                )
            )
        return HclBlock("statement", items)


def append_statements(module: Module, attr: Attribute, new: list[Statement]) -> list[TextEdit]:
    """Edits that add statements to the policy `attr` holds, keeping every statement it has:
    a `jsonencode({Statement = [...]})` gets new list elements, an `aws_iam_policy_document`
    data source gets `statement` blocks. Empty when the policy has another shape."""
    args = call_of(attr.expr, "jsonencode")
    if args is not None and len(args) == 1:
        return _append_to_statement_list(attr, args[0], new)
    document = policy_data_source(module, attr)
    if document is not None and not document.dynamic("statement") and document.nested("statement"):
        edits = [insert_nested_block(document, s.as_block()) for s in new]
        # terraform fmt accepts adjacent blocks; a blank line keeps them readable like their neighbours.
        return [e.model_copy(update={"new_text": "\n" + e.new_text}) for e in edits]
    return []


def _append_to_statement_list(attr: Attribute, argument: Any, new: list[Statement]) -> list[TextEdit]:
    obj = unwrap(argument)
    if not (isinstance(obj, Tree) and obj.data == "object"):
        return []
    for element in obj.children:
        if not (isinstance(element, Tree) and element.data == "object_elem"):
            continue
        key = unwrap(element.children[0].children[0]) if element.children[0].children else None
        name = "".join(str(t) for t in key.scan_values(lambda _: True)) if isinstance(key, Tree) else ""
        if name.strip('"') != "Statement":
            continue
        tuple_node = unwrap(element.children[-1])
        if not (isinstance(tuple_node, Tree) and tuple_node.data == "tuple"):
            return []
        items = [c for c in tuple_node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        if not items:
            return []
        last = items[-1]
        file = attr.file
        line = file.line_col(last.meta.start_pos)[0]
        indent = file.text[file.line_start(line) : last.meta.start_pos]
        if indent.strip() or file.line_col(tuple_node.meta.start_pos)[0] == line:
            return []  # a one-line list: leave its layout alone
        text = "".join(",\n" + indent + indent_continuation(s.as_object(), indent) for s in new)
        return [edit(file, last.meta.end_pos, last.meta.end_pos, text)]
    return []


def _actions(actions: tuple[str, ...]) -> str:
    quoted = [hcl_string(a) for a in actions]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) <= 3:
        return hcl_list(quoted)
    return "[\n" + "".join(f"  {q},\n" for q in quoted) + "]"


def _inline_object(items: list[tuple[str, str]]) -> str:
    if len(items) == 1:
        return "{ " + items[0][0] + " = " + items[0][1] + " }"
    return hcl_object(list(items))
