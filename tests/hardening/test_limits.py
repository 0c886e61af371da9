"""The limits that keep one input from hanging tapfix or exhausting memory, and regression tests for
each super-linear path or crash the fuzzing found (named after what it was).

Timings are CPU time (`time.process_time`), with thresholds far above the fixed cost and far below
the broken one, so a loaded CI machine does not make them flaky.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixers.engine
import fixers.hcl.parser
from fixers.aws.iam import action_matches
from fixers.config import Config
from fixers.edits import add_depends_on
from fixers.engine import fix_module, run_rules, scan
from fixers.evaluate import MAX_VALUE_SIZE, UNKNOWN, is_known
from fixers.findings import Applicability, Finding, Fix, FixAvailability, Rule, Severity
from fixers.hcl.parser import HclSyntaxError, parse
from fixers.hcl.source import decode
from fixers.limits import REGEX_SECONDS, Budget
from fixers.module import MAX_BLOCK_DEPTH, Module, parse_file
from fixers.rules import RuleUnit, all_rules
from fixers.workspace import ModuleInput

CONFIG = Config()
BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'


def scan_text(text: str):
    return scan([ModuleInput(path=".", files={"main.tf": text.encode()})], CONFIG, jobs=1)


def cpu_seconds(fn, *args):
    start = time.process_time()
    result = fn(*args)
    return time.process_time() - start, result


def locals_module(lines: list[str]) -> Module:
    text = "locals {\n" + "\n".join(lines) + "\n}\n"
    return Module.build(".", [parse_file(decode("main.tf", text.encode()))])


def local_value(expr: str):
    module = Module.build(".", [parse_file(decode("main.tf", f"locals {{\n  x = {expr}\n}}\n".encode()))])
    return module.locals["x"].value()


# --- the parser ----------------------------------------------------------------------------------

# python-hcl2's own heredoc patterns, as shipped in 8.1.4's hcl2.lark.
_QUADRATIC_HEREDOC = re.compile(
    r"<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc)\r?\n"
)
_LINEAR_HEREDOC = re.compile(fixers.hcl.parser._LINEAR_HEREDOCS["HEREDOC_TEMPLATE"])


def test_heredoc_with_a_run_of_blank_lines_parses_in_linear_time():
    # python-hcl2's pattern took 1.1 s for 8,000 blank lines before a non-marker line, O(n²).
    text = "x = <<EOF\n" + "\n" * 40_000 + "text\nEOF\n"
    seconds, tree = cpu_seconds(parse, text)
    assert tree is not None and seconds < 2


def test_unterminated_heredoc_after_blank_lines_is_a_quick_located_error():
    seconds, _ = cpu_seconds(scan_text, "locals {\n  x = <<EOF\n" + "\n" * 40_000 + "text\n}\n")
    report = scan_text("locals {\n  x = <<EOF\n" + "\n" * 40_000 + "text\n}\n")
    assert seconds < 4
    assert [(e.line, e.column) for e in report.errors] == [(2, 7)]


_HEREDOC_PIECES = ["EOF", "E", "EO", "\n", "\r\n", " ", "\t", "x", "\r", "<<EOF\n", "  EOF\n", "\u00a0", "\f"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["EOF", "E", "EO"]), st.lists(st.sampled_from(_HEREDOC_PIECES), max_size=14))
def test_linear_heredoc_pattern_matches_the_same_span_as_python_hcl2s(marker, pieces):
    text = "<<" + marker + "".join(pieces)
    old, new = _QUADRATIC_HEREDOC.match(text), _LINEAR_HEREDOC.match(text)
    assert (old and old.span()) == (new and new.span())


def test_a_file_over_the_token_limit_is_a_located_parse_error(monkeypatch):
    monkeypatch.setattr(fixers.hcl.parser, "MAX_FILE_TOKENS", 50)
    with pytest.raises(HclSyntaxError) as exc:
        parse("locals {\n" + "".join(f"  x{i} = {i}\n" for i in range(40)) + "}\n")
    assert exc.value.message.startswith("file has more than 50 tokens")
    assert exc.value.line > 1  # where the parser stopped, not the top of the file


def test_a_parse_over_its_cpu_budget_is_a_located_tap000(monkeypatch):
    monkeypatch.setattr(fixers.hcl.parser, "PARSE_SECONDS", 0.05)
    text = "locals {\n" + "".join(f"  x{i} = [1, 2, 3]\n" for i in range(100_000)) + "}\n"
    report = scan([ModuleInput(path=".", files={"main.tf": text.encode()})], CONFIG, verify=False, jobs=1)
    (error,) = report.errors
    assert error.message == "parsing stopped after 0.05 s of CPU time (tapfix's limit per file)"
    assert error.line > 1
    assert [(f.rule_id, f.line) for f in report.findings if f.rule_id == "TAP000"] == [("TAP000", error.line)]


def test_blocks_nested_past_the_limit_are_a_located_error_not_a_recursion_error():
    # 1,000 nested blocks raised RecursionError while the model was built: a traceback.
    depth = 1000
    report = scan_text('resource "aws_s3_bucket" "x" {\n' + "a {\n" * depth + "}\n" * depth + "}\n")
    assert [(e.line, e.message) for e in report.errors] == [
        (
            MAX_BLOCK_DEPTH + 1,
            f"blocks nested more than {MAX_BLOCK_DEPTH} deep; tapfix reads up to that depth",
        )
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("resource {}\n", 1, "a resource block takes 2 labels (type, name), this one has 0"),
        ('resource "aws_s3_bucket" {}\n', 1, "a resource block takes 2 labels (type, name), this one has 1"),
        ('data "a" "b" "c" {}\n', 1, "a data block takes 2 labels (type, name), this one has 3"),
        ("variable {}\n", 1, "a variable block takes 1 label (name), this one has 0"),
        ('locals "x" {}\n', 1, "a locals block takes no label, this one has 1"),
        (
            'resource "aws_security_group" "x" {\n  dynamic {\n  }\n}\n',
            2,
            "a dynamic block takes 1 label (block type), this one has 0",
        ),
    ],
)
def test_blocks_with_the_wrong_number_of_labels_are_located_errors(text, line, message):
    # `resource {}` made Module.resources() raise IndexError in every rule that asked for two types.
    report = scan_text(text + BUCKET)
    assert [(e.line, e.message) for e in report.errors] == [(line, f"{message}; Terraform rejects it")]
    assert "aws_s3_bucket.logs" in {f.resource for f in report.findings}  # the rest is still checked


def test_resources_of_one_type_come_from_the_index_in_module_order():
    text = "".join(f'resource "{t}" "r{i}" {{\n}}\n' for i, t in enumerate(["a", "b", "a", "c", "a"]))
    module = Module.build(".", [parse_file(decode("main.tf", text.encode()))])
    assert [b.name for b in module.resources("a")] == ["r0", "r2", "r4"]
    assert [b.name for b in module.resources("a", "c")] == ["r0", "r2", "r3", "r4"]
    assert module.resources("missing") == []


# --- the engine ----------------------------------------------------------------------------------


def _unit(rule_id: str, check) -> RuleUnit:
    return RuleUnit(Rule(id=rule_id, name="test-rule", severity=Severity.LOW, why="test"), check, None)


def test_a_rule_over_its_cpu_budget_is_reported_and_the_other_rules_still_run(monkeypatch):
    def endless(module, options):
        while True:
            pass
        yield

    monkeypatch.setattr(fixers.engine, "RULE_SECONDS", 0.05)
    tap201 = next(u for u in all_rules() if u.rule.id == "TAP201")
    module = Module.build(".", [parse_file(decode("main.tf", BUCKET.encode()))])
    findings, errors = run_rules(module, CONFIG, [_unit("TAP999", endless), tap201])
    assert [f.rule_id for f in findings] == ["TAP201"]
    assert [(e.kind, e.rule_id, e.path) for e in errors] == [("rule-timeout", "TAP999", ".")]
    assert module.errors == []  # returned, not stored on the model
    assert [e.message for e in errors] == [
        "rule TAP999 stopped after 0.05 s of CPU time on this module (tapfix's limit per rule); "
        "its findings in this module are not reported"
    ]


def test_a_fix_whose_edited_module_crashes_a_rule_is_rejected(monkeypatch):
    # A rule that crashed on the edited text reported nothing, so the finding looked fixed.
    def fragile(module, options):
        if any("aws_s3_bucket_versioning" in pf.source.text for pf in module.files.values()):
            raise ValueError("cannot read versioning")
        return iter(())

    monkeypatch.delenv("TAPFIX_DEBUG", raising=False)
    units = (*all_rules(), _unit("TAP998", fragile))
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: units)
    report = scan_text(BUCKET)
    (finding,) = [f for f in report.findings if f.rule_id == "TAP201"]
    assert finding.fix is None
    assert finding.fix_rejected == (
        "a rule could not check the edited module "
        "(internal error in rule TAP998: ValueError: cannot read versioning)"
    )


def test_a_fix_that_makes_a_dependency_cycle_is_rejected_naming_the_loop(monkeypatch):
    # Rules check findings, not Terraform's graph: a fix adding a reference that closes a loop
    # through the user's own references would fail `terraform validate` with "Cycle: ...".
    text = (
        'resource "aws_lb" "web" {\n  name = "web"\n}\n\n'
        'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n\n  tags = {\n    Lb = aws_lb.web.name\n  }\n}\n'
    )
    rule = Rule(
        id="TAP997",
        name="loop-maker",
        severity=Severity.LOW,
        why="test",
        fix=Applicability.SAFE,
        fix_availability=FixAvailability.ALWAYS,
    )

    def loop_maker(module, options):
        lb = module.find("aws_lb.web")
        if lb is not None and lb.get("depends_on") is None:
            yield rule.finding(
                lb, "needs the bucket first", fix=Fix.safe("wait", *add_depends_on(lb, "aws_s3_bucket.logs"))
            )

    units = (*all_rules(), RuleUnit(rule, loop_maker, None))
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: units)
    report = scan(
        [ModuleInput(path=".", files={"main.tf": text.encode()})], Config(select=["TAP997"]), jobs=1
    )
    (finding,) = report.findings
    assert finding.fix is None
    assert finding.fix_rejected == (
        "the edit would make a dependency cycle, which Terraform rejects: "
        "aws_lb.web -> aws_s3_bucket.logs -> aws_lb.web"
    )


def test_fixes_not_verified_within_the_budget_are_withheld(monkeypatch):
    monkeypatch.setattr(fixers.engine, "VERIFY_SECONDS", 0.0)
    report = scan_text(BUCKET)
    fixable = [f for f in report.findings if f.rule_id in ("TAP201", "TAP202")]
    assert fixable and all(f.fix is None for f in fixable)
    assert {f.fix_rejected for f in fixable} == {
        "not verified: checking this module's fixes took more than 0 s of CPU time (tapfix's limit)"
    }


def test_many_malformed_suppressions_are_reported_in_linear_time():
    # Each malformed suppression walked every block of the module to find its owner: O(n²).
    blocks = 5000
    text = "".join(f'# tapfix:ignore TAP201\nresource "aws_s3_bucket" "b{i}" {{\n}}\n' for i in range(blocks))
    module = Module.build(".", [parse_file(decode("main.tf", text.encode()))])
    seconds, (findings, _) = cpu_seconds(run_rules, module, CONFIG, [])
    assert len(findings) == blocks and findings[-1].resource == f"aws_s3_bucket.b{blocks - 1}"
    assert seconds < 3


def test_suppressed_findings_are_matched_without_a_scan_of_every_suppression():
    # Every finding was tested against every suppression in its file: O(findings × suppressions).
    blocks = 5000
    text = "".join(
        f'# tapfix:ignore TAP999 scratch\nresource "aws_s3_bucket" "b{i}" {{\n}}\n' for i in range(blocks)
    )
    module = Module.build(".", [parse_file(decode("main.tf", text.encode()))])

    def one_per_block(module, options):
        for block in module.blocks:
            yield Finding(
                rule_id="TAP999",
                name="test-rule",
                severity=Severity.LOW,
                path=block.path,
                line=block.line,
                column=1,
                end_line=block.end_line,
                end_column=1,
                resource=block.address,
                message="m",
            )

    seconds, (findings, _) = cpu_seconds(
        run_rules, module, Config(ignore=["TAP000"]), [_unit("TAP999", one_per_block)]
    )
    assert len(findings) == blocks and all(f.suppressed for f in findings)
    assert seconds < 3


def test_budgets_nest_and_only_the_expired_one_stops_its_block():
    with Budget(10) as outer:
        with Budget(0.02) as inner:
            while True:
                pass
        after_inner = True
    assert inner.expired and not outer.expired and after_inner


# --- the evaluator ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr",
    [
        'format("%s-%s", "a")',  # too few arguments: StopIteration escaped the rule's generator
        'format("%999999999d", 1)',  # a 1 GB string in one step
        'format("%.999999999f", 1)',
        'replace("abc", "/(/", "x")',  # an invalid pattern: re.error escaped
        'replace("abc", "/\\\\pL/", "x")',  # RE2 syntax Python does not know
        'replace(join("", [for i in range(1000) : "aaaaaaaaaa"]), "", join("", [for i in range(1000) : "b"]))',
        "length(range(100000000000))",  # range() built the whole list
        "length(range(1e300))",
        "title(1)",  # AttributeError escaped
        'lower(["a"])',
        "md5(1)",
        'startswith(1, "a")',
    ],
)
def test_hostile_function_calls_are_unknown_quickly(expr):
    seconds, value = cpu_seconds(local_value, expr)
    assert value is UNKNOWN
    assert seconds < 1


def test_a_catastrophic_regex_is_unknown_after_its_budget():
    seconds, value = cpu_seconds(
        local_value, 'replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "/(a+)+$/", "x")'
    )
    assert value is UNKNOWN
    assert seconds < 2


def test_a_regex_that_ran_out_of_time_is_not_run_again_on_the_same_text():
    # Every rule and every fix verification evaluates the module's values again: a pattern that
    # used up its budget once would cost it every time (a 614-byte mutant took 2.3 s to fix).
    expr = 'replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "/(a+)+$/", "y")'
    first, value = cpu_seconds(local_value, expr)
    again, same = cpu_seconds(local_value, expr)
    assert value is UNKNOWN and same is UNKNOWN
    assert first >= REGEX_SECONDS * 0.9
    assert again < REGEX_SECONDS / 5
    # the same pattern on other text still runs
    assert local_value('replace("aab", "/(a+)+$/", "y")') == "aab"
    assert local_value('replace("aaa", "/(a+)+$/", "y")') == "y"


def test_a_doubling_chain_of_locals_is_unknown_not_gigabytes():
    # Each local doubles the last: 2^40 characters at the end.
    lines = ['  l0 = "ab"'] + [f'  l{i} = "${{local.l{i - 1}}}${{local.l{i - 1}}}"' for i in range(1, 41)]
    module = locals_module(lines)
    seconds, value = cpu_seconds(lambda: module.locals["l40"].value())
    assert value is UNKNOWN and seconds < 2
    assert module.locals["l10"].value() == "ab" * 2**10


def test_a_doubling_chain_of_lists_is_unknown_not_exponential():
    lines = ["  l0 = [1]"] + [f"  l{i} = [local.l{i - 1}, local.l{i - 1}]" for i in range(1, 60)]
    module = locals_module(lines)
    seconds, value = cpu_seconds(lambda: module.locals["l59"].value())
    assert not is_known(value) and seconds < 2


def test_a_squaring_chain_of_locals_is_unknown_not_a_million_digits():
    # Each local squares the last: 2^30 times the digits at the end, multiplied in C, uninterruptible.
    lines = ["  l0 = 99999999999"] + [f"  l{i} = local.l{i - 1} * local.l{i - 1}" for i in range(1, 31)]
    module = locals_module(lines)
    seconds, value = cpu_seconds(lambda: module.locals["l30"].value())
    assert value is UNKNOWN and seconds < 2
    assert module.locals["l2"].value() == 99999999999**4


def test_values_up_to_the_size_limit_are_still_known():
    assert local_value("length(range(1024))") == 1024
    assert local_value('length(join("", [for i in range(1024) : "abcdefghij"]))') == 10240
    assert local_value('replace("a-b", "/-/", "+")') == "a+b"
    assert MAX_VALUE_SIZE >= 1_000_000


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"),
        ('cidrsubnet("10.0.0.0/8", 24, 5)', "10.0.0.5/32"),
        ('cidrsubnet("fd00::/8", 120, 1)', "fd00::1/128"),
        ('cidrsubnet("::/0", 120, 0)', "::/120"),  # listed 2^120 subnets to pick one
        ('cidrsubnet("10.0.0.0/16", 8, 256)', UNKNOWN),
        ('cidrsubnet("10.0.0.0/16", 8, -1)', UNKNOWN),
        ('cidrsubnet("10.0.0.0/30", 8, 0)', UNKNOWN),
    ],
)
def test_cidrsubnet_is_computed_not_listed(expr, expected):
    seconds, value = cpu_seconds(local_value, expr)
    assert value == expected if expected is not UNKNOWN else value is UNKNOWN
    assert seconds < 1


def test_distinct_of_many_scalars_is_linear_and_keeps_the_first_of_each():
    assert local_value('distinct([1, "a", 1, ["x"], "a", ["x"], 2])') == [1, "a", ["x"], 2]
    items = ", ".join(f'"s{i}"' for i in range(20_000))
    seconds, value = cpu_seconds(local_value, f"length(distinct([{items}]))")
    assert value == 20_000 and seconds < 3


@pytest.mark.parametrize(
    "count", ["1e300 * 1e300", "1e300 * 1e300 - 1e300 * 1e300", "100000000000", "2.5", "-1"]
)
def test_a_count_that_is_huge_infinite_or_not_whole_means_unknown_instances(count):
    # `count = <inf>` raised OverflowError in instance_count; a huge count built a scope per instance.
    text = (
        f"locals {{\n  n = {count}\n}}\n\n"
        'resource "aws_elasticache_replication_group" "r" {\n'
        '  count                = local.n\n  replication_group_id = "r-${count.index}"\n}\n\n'
        'resource "aws_db_instance" "d" {\n  count      = local.n\n  identifier = "d-${count.index}"\n}\n\n'
        'resource "aws_security_group" "g" {\n  count = local.n\n}\n'
    )
    seconds, report = cpu_seconds(scan_text, text)
    assert report.errors == []
    assert seconds < 20


def _regex_action_matches(pattern: str, action: str) -> bool:
    regex = re.escape(pattern.lower()).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, action.lower()) is not None


@settings(max_examples=300, deadline=None)
@given(st.text("ab*?S:", max_size=8), st.text("abAs:", max_size=8))
def test_iam_wildcards_match_as_the_regex_did(pattern, action):
    assert action_matches(pattern, action) == _regex_action_matches(pattern, action)


def test_iam_wildcards_match_in_linear_time():
    # As a regex, 12 stars took 2.5 s and every further star multiplied it.
    seconds, matched = cpu_seconds(action_matches, "*a" * 40 + "*c", "a" * 30 + "b")
    assert not matched and seconds < 0.1


def test_flow_log_rule_is_not_cubic_in_the_number_of_vpcs():
    # TAP306 asked for every VPC's flow logs once per flow log: V × F × F.
    n = 150
    text = "".join(
        f'resource "aws_vpc" "v{i}" {{\n  cidr_block = "10.{i % 250}.0.0/16"\n}}\n\n'
        f'resource "aws_flow_log" "f{i}" {{\n  vpc_id       = aws_vpc.v{i}.id\n'
        f'  traffic_type = "ALL"\n  log_destination = "arn:aws:s3:::logs"\n'
        f'  log_destination_type = "s3"\n}}\n\n'
        for i in range(n)
    )
    module = Module.build(".", [parse_file(decode("main.tf", text.encode()))])
    tap306 = next(u for u in all_rules() if u.rule.id == "TAP306")
    seconds, findings = cpu_seconds(lambda: list(tap306.check(module, CONFIG.rule_options)))
    assert findings == [] and seconds < 5


def test_fix_of_a_module_with_a_crashing_rule_still_terminates(monkeypatch):
    monkeypatch.delenv("TAPFIX_DEBUG", raising=False)

    def broken(module, options):
        raise ValueError("boom")

    units = (*all_rules(), _unit("TAP997", broken))
    monkeypatch.setattr(fixers.engine, "all_rules", lambda: units)
    outcome = fix_module(ModuleInput(path=".", files={"main.tf": BUCKET.encode()}), CONFIG)
    assert {f.rule_id for f in outcome.applied} >= {"TAP201", "TAP202"}


# --- docs/limits.md states them ------------------------------------------------------------------


def test_the_docs_state_the_limits_the_code_applies():
    from pathlib import Path

    import fixers.companions
    import fixers.config
    import fixers.evaluate
    import fixers.limits
    from fixers.hcl.source import MAX_FILE_BYTES

    page = (Path(__file__).resolve().parents[2] / "docs" / "limits.md").read_text()
    section = page[: page.index("\n- **Why tokens")]
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in section.splitlines()
        if line.startswith("| ")
    }
    assert rows["file size"] == f"{MAX_FILE_BYTES // 1048576} MiB"
    assert rows["tokens in one file"] == f"{fixers.hcl.parser.MAX_FILE_TOKENS:,}"
    assert rows["blocks nested in blocks"] == str(MAX_BLOCK_DEPTH)
    assert rows["CPU time to parse one file"] == f"{fixers.limits.PARSE_SECONDS:g} s"
    assert rows["CPU time for one rule on one module"] == f"{fixers.limits.RULE_SECONDS:g} s"
    assert rows["CPU time to verify one module's fixes"] == f"{fixers.limits.VERIFY_SECONDS:g} s"
    assert rows['CPU time for one `replace(s, "/regex/", ...)`'] == f"{fixers.limits.REGEX_SECONDS:g} s"
    assert rows['CPU time for all the `replace(s, "/regex/", ...)` of one value'] == (
        f"{fixers.limits.REGEX_TOTAL_SECONDS:g} s"
    )
    assert rows['CPU time for all the `replace(s, "/regex/", ...)` of one module'] == (
        f"{fixers.limits.REGEX_MODULE_SECONDS:g} s"
    )
    assert rows["CPU time to find the files one module's `file()` calls read (PR review)"] == (
        f"{fixers.limits.RULE_SECONDS:g} s"
    )
    assert rows["work to evaluate one value"].startswith(f"{fixers.evaluate._MAX_STEPS:,} steps")
    assert (
        rows["a value the evaluator builds"] == f"{fixers.evaluate.MAX_VALUE_SIZE:,} characters and elements"
    )
    assert rows["`range()`"].startswith(f"{fixers.evaluate._MAX_RANGE:,} values")
    assert rows["instances listed from a `count`"] == f"{fixers.companions.MAX_INSTANCES:,}"
    assert rows["`.tapfix.yml`"] == (
        f"{fixers.config.MAX_CONFIG_BYTES // 1048576} MiB, {fixers.config.MAX_YAML_DEPTH} levels, "
        f"{fixers.config.MAX_YAML_VALUES:,} values with aliases expanded"
    )
