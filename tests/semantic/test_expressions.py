"""The typed view of expressions: each kind of HCL expression reads as its own class, with the
parts a rule asks for and spans into the file, so no rule needs the parser's grammar."""

import pytest

from fixers.evaluate import UNKNOWN, Index, evaluate
from fixers.hcl.source import decode
from fixers.module import Module, parse_file
from fixers.semantic.expressions import (
    Access,
    BinaryOp,
    Call,
    Conditional,
    For,
    Literal,
    Object,
    Reference,
    Splat,
    Template,
    Tuple,
    UnaryOp,
)


def expr(text: str, extra: str = ""):
    source = f"locals {{\n  x = {text}\n}}\n{extra}"
    module = Module.build(".", [parse_file(decode("main.tf", source.encode()))])
    return module.locals["x"].expression


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1", Literal),
        ("1.5", Literal),
        ("true", Literal),
        ("null", Literal),
        ('"a"', Template),
        ('"a-${var.b}"', Template),
        ("<<EOT\nhello\nEOT\n", Template),
        ("[1, 2]", Tuple),
        ("{ a = 1 }", Object),
        ("var.a", Reference),
        ("each", Reference),
        ("aws_s3_bucket.b[0].id", Reference),
        ("jsonencode({ a = 1 })", Call),
        ("var.a ? 1 : 2", Conditional),
        ("1 + 2", BinaryOp),
        ("!var.a", UnaryOp),
        ("-1 * var.a", BinaryOp),
        ("[for s in var.l : upper(s)]", For),
        ("{ for k, v in var.m : k => v }", For),
        ("var.l[*].id", Splat),
        ("var.l.*.id", Splat),
        ("keys(var.m)[0]", Access),
        ("[1, 2][0]", Access),
    ],
)
def test_each_expression_kind_reads_as_its_own_class(text, kind):
    assert type(expr(text)) is kind


def test_parentheses_are_looked_through_and_the_span_is_the_inner_expression():
    e = expr("(  var.a  )")
    assert isinstance(e, Reference)
    assert e.source == "var.a"
    assert e.file.text[e.start : e.end] == "var.a"


def test_literals_give_their_values():
    assert [expr(t).value for t in ("1", "1.5", "true", "false", "null")] == [1, 1.5, True, False, None]
    assert expr("null").is_null and not expr("false").is_null


def test_a_string_without_sequences_has_a_text_value_and_one_with_them_has_none():
    assert expr('"a\\tb"').text_value == "a\tb"
    assert expr('"$${not} %%{this}"').text_value == "${not} %{this}"
    assert expr('"a-${var.b}"').text_value is None
    assert expr('"%{if true}x%{endif}"').text_value is None
    assert not expr('"plain"').has_sequences and expr('"a${var.b}"').has_sequences


def test_a_templates_children_are_its_interpolations_and_directive_expressions_not_loop_names():
    e = expr('"${var.a}-%{for n in var.names}${n}%{endfor}-%{if var.c}y%{endif}"')
    assert [c.source for c in e.children()] == ["var.a", "var.names", "n", "var.c"]
    first = e.children()[0]
    assert first.file is not None and first.file.text[first.start : first.end] == "var.a"


def test_a_heredoc_reads_its_body_and_its_interpolations_without_file_positions():
    e = expr("<<-EOT\n    echo ${var.name}\n      indented\n    EOT\n")
    assert e.heredoc and e.trim
    assert e.body == "echo ${var.name}\n  indented\n"
    (inner,) = e.children()
    assert isinstance(inner, Reference) and inner.parts == ("var", "name")
    assert inner.source == "var.name" and not inner.positioned
    plain = expr("<<EOT\nno sequences\nEOT\n")
    assert plain.text_value == "no sequences\n" and plain.children() == []


def test_a_tuple_lists_its_items_in_order():
    assert [i.source for i in expr('[\n  1, # one\n  var.a,\n  "c",\n]').items] == ["1", "var.a", '"c"']


def test_an_object_names_its_keys_as_terraform_reads_them():
    e = expr('{\n  a = 1\n  "b-c" = 2\n  (var.k) = 3\n  in = 4\n  5 = "five"\n  a = 6\n}')
    assert [i.name for i in e.items] == ["a", "b-c", None, "in", "5", "a"]
    assert e.get("a").source == "6"  # the last duplicate wins, as in Terraform
    assert e.get("missing") is None
    item = e.items[1]
    assert e.file.text[item.start : item.end] == '"b-c" = 2'


def test_an_object_item_spans_its_key_and_value_as_written_parentheses_included():
    e = expr('{\n  (var.k) = (1)\n  "b" : 2\n}')
    text = e.file.text
    computed, quoted = e.items
    assert text[computed.start : computed.key_end] == "(var.k)" and computed.key.source == "var.k"
    assert text[computed.value_start : computed.end] == "(1)" and computed.value.source == "1"
    assert text[quoted.start : quoted.key_end] == '"b"' and text[quoted.value_start : quoted.end] == "2"


def test_a_reference_gives_its_parts_like_traversals():
    e = expr('aws_instance.web[0].tags["Name"]')
    assert e.parts == ("aws_instance", "web", Index(0), "tags", Index("Name"))
    assert e.root == "aws_instance" and e.names == ("aws_instance", "web")
    dynamic = expr("var.m[var.k]")
    assert dynamic.parts == ("var", "m", Index(UNKNOWN))
    assert [c.source for c in dynamic.children()] == ["var.k"]


def test_a_reference_names_its_base_and_last_step():
    e = expr("local.sizes[var.env].cpu")
    assert e.key == "cpu" and e.base.source == "local.sizes[var.env]"
    assert e.base.key.source == "var.env" and e.base.base.parts == ("local", "sizes")
    assert expr("var.l.0").key == 0 and expr("var.l.0").base.parts == ("var", "l")
    assert expr("each").base is None and expr("each").key is None


def test_a_call_names_its_function_and_arguments():
    e = expr('provider::aws::arn_parse("x")')
    assert e.name == "provider::aws::arn_parse" and [a.source for a in e.args] == ['"x"']
    spread = expr("concat(var.a, var.lists...)")
    assert spread.name == "concat" and spread.expand and len(spread.args) == 2
    assert expr("timestamp()").args == []


def test_operators_name_their_operands():
    cond = expr('var.on ? "a" : null')
    assert (cond.condition.source, cond.if_true.source, cond.if_false.source) == ("var.on", '"a"', "null")
    op = expr("var.a >= 3")
    assert (op.op, op.left.source, op.right.source) == (">=", "var.a", "3")
    assert (expr("!var.a").op, expr("!var.a").operand.source) == ("!", "var.a")


def test_for_expressions_name_their_parts():
    e = expr("{ for k, v in var.m : upper(k) => v... if v != null }")
    assert e.is_object and e.grouped and e.names == ("k", "v") and e.key_var == "k" and e.value_var == "v"
    assert (e.collection.source, e.key.source, e.value.source, e.condition.source) == (
        "var.m",
        "upper(k)",
        "v",
        "v != null",
    )
    t = expr("[for s in var.l : s]")
    assert not t.is_object and t.key is None and t.key_var is None and t.condition is None


def test_splats_and_accesses_name_their_base_and_steps():
    s = expr("aws_instance.web[*].tags.Name")
    assert s.full and s.base.source == "aws_instance.web" and s.steps == ("tags", "Name")
    a = expr('lookup(var.m, "k")[0]')
    assert isinstance(a.base, Call) and a.key.value == 0
    assert expr("keys(var.m).0").key == 0 and expr("merge(var.a).b").key == "b"


def test_walk_visits_every_nested_expression_in_source_order():
    e = expr('merge(var.a, { k = "${local.b}" }, [for x in var.c : x])')
    refs = [w.source for w in e.walk() if isinstance(w, Reference)]
    assert refs == ["var.a", "k", "local.b", "var.c", "x"]


def test_the_evaluator_accepts_the_typed_view():
    assert evaluate(None, expr('upper("a")')) == "A"


def test_a_template_with_an_escaped_quote_inside_a_directive_reads_its_condition():
    e = expr('"%{if true}\\"q\\"%{endif}"')
    assert isinstance(e, Template) and e.text_value is None
    assert [(type(c), c.source) for c in e.walk()] == [(Template, e.source), (Literal, "true")]


def test_call_of_and_string_of_answer_only_for_their_kind():
    from fixers.semantic.expressions import call_of, string_of

    assert call_of(expr("jsonencode({})"), "jsonencode").name == "jsonencode"
    assert call_of(expr("jsonencode({})"), "file") is None and call_of(expr("var.a")) is None
    assert (
        string_of(expr('"x"')) == "x"
        and string_of(expr('"${var.a}-x"')) is None
        and string_of(expr("1")) is None
    )


def test_known_parts_keeps_the_known_elements_of_tuples_and_objects_around_unknown_ones():
    from fixers.semantic.expressions import known_parts

    assert known_parts(None, expr('{ a = [1, var.b], "c-d" = { e = var.f } }')) == {
        "a": [1, UNKNOWN],
        "c-d": {"e": UNKNOWN},
    }
    module = Module.build(
        ".",
        [parse_file(decode("main.tf", b'locals {\n  k = "computed"\n  x = { (local.k) = [1, var.u] }\n}\n'))],
    )
    assert known_parts(module, module.locals["x"].expression) == {"computed": [1, UNKNOWN]}
    # A key that cannot be known, or is not a string, makes the whole object unknown.
    assert known_parts(None, expr("{ (var.k) = 1, a = 2 }")) is UNKNOWN
    assert known_parts(None, expr("{ 1 = 2 }")) is UNKNOWN
    # Anything but a constructor is evaluated whole: one unknown argument makes the merge unknown.
    assert known_parts(None, expr("merge({ a = 1 }, var.b)")) is UNKNOWN


def test_an_expression_parsed_from_template_text_has_offsets_into_that_text():
    from fixers.semantic.expressions import parse_expression

    source = 'lookup(var.tags, "Name", aws_instance.web[0].id)'
    parsed = parse_expression(source)
    assert isinstance(parsed, Call) and not parsed.positioned
    refs = [(e.start, e.end, e.source) for e in parsed.walk() if isinstance(e, Reference)]
    assert refs == [(7, 15, "var.tags"), (25, 47, "aws_instance.web[0].id")]
    assert all(source[start:end] == text for start, end, text in refs)
    assert parse_expression("var.a +") is None
    assert parse_expression("a = 1") is None


def test_template_text_reads_as_a_template_that_evaluates_with_its_variables():
    from fixers.semantic.expressions import template_of

    template = template_of('echo "${name}"\n%{ for p in ports }open ${p}\n%{ endfor }')
    assert isinstance(template, Template)
    assert evaluate(None, template, {"name": "web", "ports": [22, 80]}) == 'echo "web"\nopen 22\nopen 80\n'
    assert template_of("${unclosed") is None


def test_the_sequences_of_a_template_text_are_found_and_escapes_are_text():
    from fixers.hcl.template_text import sequences

    text = 'a ${var.x} $${literal} %{ if x }"}"%{ endif } %%{no}'
    assert [text[s:e] for s, e in sequences(text)] == ["${var.x}", "%{ if x }", "%{ endif }"]
    assert sequences("${ unclosed") is None


def test_json_value_reads_jsonencode_with_known_parts_and_decodes_json_text():
    from fixers.evaluate import UNKNOWN
    from fixers.semantic.expressions import json_value

    source = (
        'locals {\n  a = jsonencode({ k = var.unknown, n = 1 })\n  b = "{\\"k\\": [1]}"\n'
        '  c = "not json"\n  d = var.unknown\n}\nvariable "unknown" {}\n'
    )
    module = Module.build(".", [parse_file(decode("main.tf", source.encode()))])
    assert json_value(module, module.locals["a"]) == {"k": UNKNOWN, "n": 1}
    assert json_value(module, module.locals["b"]) == {"k": [1]}
    assert json_value(module, module.locals["d"]) is UNKNOWN
    with pytest.raises(ValueError):
        json_value(module, module.locals["c"])
