"""IAM policy documents, read once per module and written by fixes.

`read_policy(module, attr)` gives the `Document` an attribute such as `aws_s3_bucket_policy.policy`
or `aws_iam_role.assume_role_policy` holds, in any of the forms modules write it:
`jsonencode({...})` (directly or through locals), JSON text (a heredoc or a quoted string, `${...}`
interpolations evaluated where known, or a `file()`/`templatefile()` the evaluator reads), and a
`data "aws_iam_policy_document"` with `statement`/`principals` blocks. Principals are read with
`evaluate_partial` and keep where they are written, so a rule can name and rewrite one:
`data.aws_elb_service_account.this.arn` reads as "${data.aws_elb_service_account.this.arn}"
instead of unknown. Every other value is plain (UNKNOWN where not known).

`Statement.grant(...)` builds a statement a fix adds; `append_statements` adds statements to an
existing policy, `trust_policy` writes a role's trust policy for an AWS service, and
`trusts_service` tells whether a role already has one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fixers.edits import (
    HclBlock,
    edit,
    hcl_list,
    hcl_object,
    hcl_string,
    indent_continuation,
    insert_nested_block,
)
from fixers.evaluate import UNKNOWN, evaluate, evaluate_partial, is_placeholder
from fixers.findings import TextEdit
from fixers.hcl.source import SourceText
from fixers.model import Attribute, Block
from fixers.module import Module
from fixers.semantic.expressions import (
    Conditional,
    Expr,
    Object,
    Reference,
    Template,
    Tuple,
    call_of,
)

JSONENCODE, JSON_TEXT, DOCUMENT = "jsonencode", "json", "aws_iam_policy_document"
DOCUMENT_SOURCES = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")
_LOCAL_DEPTH = 8  # `local.a` naming `local.b` ...: deeper chains are not followed


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
    """One entry of a statement's `Principal` (or of a `principals` block's identifiers)."""

    kind: Any  # "AWS", "Service", "Federated", ...; "*" for `Principal = "*"`, "?" when unreadable;
    # a data source's `type` as evaluated (UNKNOWN when it cannot be)
    value: Any  # a string (`${...}` placeholders for computed parts) or UNKNOWN
    span: Span | None = None  # where the entry is written, when it is written in the module
    form: str = JSONENCODE  # JSONENCODE, JSON_TEXT or DOCUMENT
    # The whole principal (HCL object / JSON `"AWS": ...` member / `principals` block) and whether
    # this entry is its only one: then it can be rewritten as another kind of principal.
    whole: Span | Block | None = None
    alone: bool = False
    in_list: bool = False  # the entry is an element of a list


@dataclass
class Statement:
    """One statement of a policy.

    Read from a module, `effect`, `sid`, `actions` and `resources` are evaluated values (UNKNOWN
    where not known; `actions`/`resources` are lists, None when the statement does not write them,
    e.g. a `NotAction` statement). Built by a fix with `grant`, `actions` and principal values are
    plain strings, `resources` and condition values HCL source (`aws_sns_topic.alerts.arn`)."""

    effect: Any = "Allow"
    actions: Any = None
    principals: list[Principal] = field(default_factory=list)
    sid: Any = None
    resources: Any = None
    conditions: tuple[tuple[str, str, str], ...] = ()  # (test, variable, value source)

    @classmethod
    def grant(
        cls,
        sid: str,
        principal: str,
        actions: tuple[str, ...],
        resources: tuple[str, ...],
        conditions: tuple[tuple[str, str, str], ...] = (),
        principal_type: str = "Service",
    ) -> Statement:
        """An Allow statement a fix adds: `principal` is a service ("events.amazonaws.com"), or
        an AWS principal with principal_type="AWS"."""
        return cls(
            "Allow", list(actions), [Principal(principal_type, principal)], sid, list(resources), conditions
        )

    def services(self) -> list[Any]:
        """The service principals the statement names (`Principal = { Service = ... }`)."""
        return [p.value for p in self.principals if p.kind == "Service"]

    def allows(self, action: str) -> bool | None:
        """Does this statement allow `action`? None when it cannot be told."""
        if self.effect == "Deny" or self.actions is None:
            return False
        if self.effect is UNKNOWN or self.actions is UNKNOWN:
            return None
        unknown = False
        for pattern in self.actions:
            if pattern is UNKNOWN:
                unknown = True
            elif isinstance(pattern, str) and action_matches(pattern, action):
                return True
        return None if unknown else False

    # --- writing ---------------------------------------------------------------------------------

    def as_object(self) -> str:
        """The statement as an object for `jsonencode`, laid out as terraform fmt does."""
        principal = self.principals[0]

        def one(values: list[str]) -> str:
            return values[0] if len(values) == 1 else hcl_list(values)

        items: list[tuple[str, str] | None] = [
            ("Sid", hcl_string(self.sid)),
            ("Effect", hcl_string(self.effect)),
            ("Principal", "{ " + principal.kind + " = " + hcl_string(principal.value) + " }"),
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
        """The statement as a `statement` block of an `aws_iam_policy_document`."""
        principal = self.principals[0]
        items: list[tuple[str, str] | HclBlock | None] = [
            ("sid", hcl_string(self.sid)),
            ("effect", hcl_string(self.effect)),
            ("actions", hcl_list(hcl_string(a) for a in self.actions)),
            ("resources", hcl_list(self.resources)),
            None,
            HclBlock(
                "principals",
                [
                    ("type", hcl_string(principal.kind)),
                    ("identifiers", hcl_list([hcl_string(principal.value)])),
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


@dataclass
class Document:
    form: str  # JSONENCODE, JSON_TEXT or DOCUMENT
    statements: list[Statement]
    complete: bool = True  # False when statements may be missing (unreadable, dynamic, merged in)

    def grants(self, action: str) -> bool | None:
        """Does the document allow `action` ("xray:PutTraceSegments")? None when it cannot be told."""
        unknown = not self.complete
        for statement in self.statements:
            verdict = statement.allows(action)
            if verdict is True:
                return True
            unknown = unknown or verdict is None
        return None if unknown else False

    def sids(self) -> set[str] | None:
        """The statement ids the document uses; None when its statements cannot all be read."""
        if not self.complete:
            return None
        return {s.sid for s in self.statements if isinstance(s.sid, str)}

    def trusts(self, service: str) -> bool:
        """True when a statement that is not a Deny names `service` as its principal: as a role's
        trust policy, the service may assume the role."""
        return any(s.effect != "Deny" and service in s.services() for s in self.statements)


# --- reading -------------------------------------------------------------------------------------


def read_policy(module: Module, attr: Attribute | None) -> Document | None:
    """The document an attribute holds, or None when it cannot be read. Read once per module."""
    if attr is None:
        return None
    key = ("aws.iam.policy", attr.file.path, attr.start)
    return module.memo(key, lambda: _read(module, attr.expression))


def grants(module: Module, attr: Attribute | None, action: str) -> bool | None:
    """Does the policy `attr` holds allow `action`? None when it cannot be told."""
    document = read_policy(module, attr)
    return None if document is None else document.grants(action)


def trusts_service(module: Module, role: Block, service: str) -> bool:
    """True when `service` ("monitoring.rds.amazonaws.com") may assume `role`: its
    `assume_role_policy` names the service. A trust policy chosen by a condition that cannot be
    evaluated counts when either choice names it."""
    attr = role.get("assume_role_policy")
    if attr is None:
        return False
    return module.memo(
        ("aws.iam.trusts", attr.file.path, attr.start, service),
        lambda: _trusts(module, _resolve(module, attr.expression), service),
    )


def _trusts(module: Module, expr: Expr | None, service: str) -> bool:
    if isinstance(expr, Conditional):
        condition = evaluate(module, expr.condition)
        if isinstance(condition, bool):
            return _trusts(module, _resolve(module, expr.if_true if condition else expr.if_false), service)
        return any(_trusts(module, _resolve(module, e), service) for e in (expr.if_true, expr.if_false))
    document = _read(module, expr) if expr is not None else None
    return document is not None and document.trusts(service)


def _read(module: Module, expr: Expr) -> Document | None:
    node = _resolve(module, expr)
    if node is None:
        return None
    call = call_of(node, "jsonencode")
    if call is not None:
        args = call.args
        if len(args) != 1 or call.expand:
            return None
        argument = _resolve(module, args[0])
        if isinstance(argument, Object):
            return _from_object(module, argument)
        value = evaluate(module, args[0])
        return _from_value(JSONENCODE, value) if isinstance(value, dict) else None
    if isinstance(node, Template):
        return _from_json_text(module, node)
    if isinstance(node, Reference):
        parts = node.parts
        if len(parts) >= 4 and parts[:2] == ("data", DOCUMENT) and isinstance(parts[2], str):
            block = module.find(f"data.{DOCUMENT}.{parts[2]}")
            return _from_data_source(module, block) if block is not None else None
    value = evaluate(module, node)  # file("policy.json"), a variable's default, ...
    return _from_text(JSON_TEXT, value) if isinstance(value, str) else None


def _resolve(module: Module, expr: Expr, depth: int = 0) -> Expr | None:
    """Follow `local.x` to the expression it names (in the file that holds it)."""
    if isinstance(expr, Reference) and depth < _LOCAL_DEPTH:
        parts = expr.parts
        if len(parts) == 2 and parts[0] == "local" and isinstance(parts[1], str):
            local = module.locals.get(parts[1])
            if local is not None:
                return _resolve(module, local.expression, depth + 1)
    return expr


# --- jsonencode({...}) ---------------------------------------------------------------------------


def _from_object(module: Module, document: Object) -> Document | None:
    elems = _object_elems(module, document)
    statements = elems.get("Statement")
    if statements is None:
        return Document(JSONENCODE, [])
    statements = _resolve(module, statements)
    if isinstance(statements, Object):
        items: list[Expr | None] = [statements]
    elif isinstance(statements, Tuple):
        items = [_resolve(module, item) for item in statements.items]
    else:
        return Document(JSONENCODE, [], complete=False)
    out = Document(JSONENCODE, [])
    for item in items:
        if isinstance(item, Object):
            out.statements.append(_hcl_statement(module, item))
        else:
            out.complete = False
    return out


def _hcl_statement(module: Module, node: Object) -> Statement:
    elems = _object_elems(module, node)
    effect = evaluate(module, elems["Effect"]) if "Effect" in elems else UNKNOWN
    sid = evaluate(module, elems["Sid"]) if "Sid" in elems else None
    statement = Statement(
        effect, _values(module, elems.get("Action")), [], sid, _values(module, elems.get("Resource"))
    )
    principal = elems.get("Principal")
    if principal is None:
        return statement
    principal = _resolve(module, principal)
    whole = _span(principal)
    if isinstance(principal, Object):
        kinds = _object_elems(module, principal)
        for kind, value in kinds.items():
            value = _resolve(module, value)
            in_list = isinstance(value, Tuple)
            entries = value.items if isinstance(value, Tuple) else [value]
            for entry in entries:
                statement.principals.append(
                    Principal(
                        kind,
                        evaluate_partial(module, entry),
                        _span(entry),
                        JSONENCODE,
                        whole=whole,
                        alone=len(kinds) == 1 and len(entries) == 1,
                        in_list=in_list,
                    )
                )
    else:
        value = evaluate_partial(module, principal)
        kind = "*" if value == "*" else "?"
        statement.principals.append(Principal(kind, value, whole, JSONENCODE, whole=whole, alone=True))
    return statement


def _object_elems(module: Module, node: Object) -> dict[str, Expr]:
    """The object's values by key; a computed key counts when it evaluates to a string."""
    out: dict[str, Expr] = {}
    for item in node.items:
        name = item.name if item.name is not None else evaluate(module, item.key)
        if isinstance(name, str):
            out[name] = item.value
    return out


def _values(module: Module, expr: Expr | None) -> Any:
    """A list of values (elements UNKNOWN where not known), UNKNOWN, or None when not written."""
    if expr is None:
        return None
    expr = _resolve(module, expr)
    if isinstance(expr, Tuple):
        return [evaluate(module, item) for item in expr.items]
    return _as_list(evaluate(module, expr))


# --- JSON text -------------------------------------------------------------------------------------

# A JSON string literal, and an `"AWS": <string or list>` member.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_AWS_MEMBER = re.compile(rf'"AWS"\s*:\s*(?P<value>{_JSON_STRING}|\[[^\]]*\])')


def _from_json_text(module: Module, node: Template) -> Document | None:
    text = evaluate_partial(module, node)
    if not isinstance(text, str) or is_placeholder(text):
        return None
    document = _from_text(JSON_TEXT, text, placeholders=True)
    if document is None or node.file is None:
        return document
    aws = [p for s in document.statements for p in s.principals if p.kind == "AWS"]
    located = _aws_entries_in_text(node.file, node.start, node.end)
    if len(located) == len(aws):
        for entry, (span, whole) in zip(aws, located, strict=True):
            entry.span, entry.whole = span, whole
    return document


def _aws_entries_in_text(file: SourceText, start: int, end: int) -> list[tuple[Span, Span]]:
    """(entry, whole `"AWS": ...` member) spans of every AWS principal string in JSON text."""
    out = []
    for member in _AWS_MEMBER.finditer(file.text, start, end):
        whole = Span(file, member.start(), member.end())
        base = member.start("value")
        for string in re.finditer(_JSON_STRING, member.group("value")):
            out.append((Span(file, base + string.start(), base + string.end()), whole))
    return out


def _from_text(form: str, text: str, placeholders: bool = False) -> Document | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return _from_value(form, data, placeholders) if isinstance(data, dict) else None


def _from_value(form: str, data: dict[str, Any], placeholders: bool = False) -> Document:
    """A document from its JSON value. With `placeholders`, strings holding a `${...}` left by
    partial evaluation are UNKNOWN, except in principals."""
    settle = _settle if placeholders else _same
    statements = data.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    document = Document(form, [], complete=isinstance(statements, list))
    for item in statements if isinstance(statements, list) else []:
        if not isinstance(item, dict):
            document.complete = False
            continue
        statement = Statement(
            settle(item.get("Effect", UNKNOWN)),
            settle(_as_list(item["Action"])) if "Action" in item else None,
            [],
            settle(item.get("Sid")),
            settle(_as_list(item["Resource"])) if "Resource" in item else None,
        )
        principal = item.get("Principal")
        if isinstance(principal, dict):
            for kind, values in principal.items():
                entries = values if isinstance(values, list) else [values]
                for value in entries:
                    statement.principals.append(
                        Principal(
                            kind,
                            value,
                            None,
                            form,
                            alone=len(principal) == 1 and len(entries) == 1,
                            in_list=isinstance(values, list),
                        )
                    )
        elif principal is not None:
            statement.principals.append(Principal("*" if principal == "*" else "?", principal, None, form))
        document.statements.append(statement)
    return document


def _settle(value: Any) -> Any:
    if isinstance(value, str):
        return UNKNOWN if "${" in value else value
    if isinstance(value, list):
        return [_settle(v) for v in value]
    return value


def _same(value: Any) -> Any:
    return value


# --- data "aws_iam_policy_document" -----------------------------------------------------------------


def _from_data_source(module: Module, block: Block) -> Document:
    document = Document(DOCUMENT, [])
    if block.dynamic("statement") or any(block.has(name) for name in DOCUMENT_SOURCES):
        document.complete = False
    for statement_block in block.nested("statement"):
        statement = Statement(
            statement_block.value("effect", "Allow"),
            _block_values(statement_block, "actions"),
            [],
            statement_block.value("sid", None),
            _block_values(statement_block, "resources"),
        )
        if statement_block.dynamic("principals"):
            document.complete = False
        for principals in statement_block.nested("principals"):
            kind = principals.value("type", UNKNOWN)
            identifiers = principals.get("identifiers")
            if identifiers is None:
                continue
            listed = identifiers.expression
            if not isinstance(listed, Tuple):
                values = evaluate_partial(module, listed)
                for value in values if isinstance(values, list) else [UNKNOWN]:
                    statement.principals.append(Principal(kind, value, None, DOCUMENT, whole=principals))
                continue
            elements = listed.items
            for element in elements:
                statement.principals.append(
                    Principal(
                        kind,
                        evaluate_partial(module, element),
                        _span(element),
                        DOCUMENT,
                        whole=principals,
                        alone=len(elements) == 1,
                        in_list=True,
                    )
                )
        document.statements.append(statement)
    return document


def _block_values(block: Block, name: str) -> Any:
    if not block.has(name):
        return None
    return _as_list(block.value(name, UNKNOWN))


# --- small helpers -----------------------------------------------------------------------------------


def _span(expr: Expr) -> Span | None:
    return Span(expr.file, expr.start, expr.end) if expr.file is not None else None


def _as_list(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else UNKNOWN


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


# --- writing -------------------------------------------------------------------------------------------


def trust_policy(service: str) -> str:
    """The `assume_role_policy` source of a role that `service` assumes."""
    statement = hcl_object(
        [
            ("Effect", hcl_string("Allow")),
            ("Action", hcl_string("sts:AssumeRole")),
            ("Principal", "{ Service = " + hcl_string(service) + " }"),
        ]
    )
    return (
        "jsonencode("
        + hcl_object([("Version", hcl_string("2012-10-17")), ("Statement", f"[{statement}]")])
        + ")"
    )


def policy_data_source(module: Module, attr: Attribute) -> Block | None:
    """The `aws_iam_policy_document` data source when `attr` is exactly its `.json`."""
    node = attr.expression
    if not isinstance(node, Reference):
        return None
    parts = node.parts
    if len(parts) == 4 and parts[:2] == ("data", DOCUMENT) and parts[3] == "json":
        return module.find(f"data.{DOCUMENT}.{parts[2]}")
    return None


def append_statements(module: Module, attr: Attribute, new: list[Statement]) -> list[TextEdit]:
    """Edits that add statements to the policy `attr` holds, keeping every statement it has:
    a `jsonencode({Statement = [...]})` gets new list elements, an `aws_iam_policy_document`
    data source gets `statement` blocks. Empty when the policy has another shape."""
    call = call_of(attr.expression, "jsonencode")
    if call is not None:
        args = call.args
        return _append_to_statement_list(attr, args[0], new) if len(args) == 1 else []
    document = policy_data_source(module, attr)
    if document is not None and not document.dynamic("statement") and document.nested("statement"):
        edits = [insert_nested_block(document, s.as_block()) for s in new]
        # terraform fmt accepts adjacent blocks; a blank line keeps them readable like their neighbours.
        return [e.model_copy(update={"new_text": "\n" + e.new_text}) for e in edits]
    return []


def _append_to_statement_list(attr: Attribute, argument: Expr, new: list[Statement]) -> list[TextEdit]:
    if not isinstance(argument, Object):
        return []
    listed = next((item.value for item in argument.items if item.name == "Statement"), None)
    if not isinstance(listed, Tuple):
        return []
    items = listed.items
    if not items:
        return []
    last = items[-1]
    file = attr.file
    line = file.line_col(last.start)[0]
    indent = file.text[file.line_start(line) : last.start]
    if indent.strip() or file.line_col(listed.start)[0] == line:
        return []  # a one-line list: leave its layout alone
    text = "".join(",\n" + indent + indent_continuation(s.as_object(), indent) for s in new)
    return [edit(file, last.end, last.end, text)]


def _actions(actions: list[str]) -> str:
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
