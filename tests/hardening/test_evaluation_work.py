"""One evaluated value costs bounded work, however its parts are shared or its regular expressions
built: a line of a PR must not hold the review for minutes, nor a 709-byte file time the rules out.

CPU time is read with `resource.getrusage`, against bounds far above the fixed cost and far below
the unbounded one, so a loaded machine does not make them flaky."""

from __future__ import annotations

import resource

from fixers.evaluate import UNKNOWN, evaluate, is_known, referenced_files
from tests.engine.test_one_evaluator import module_of, scan_text
from tests.github.conftest import run_action
from tests.github.pr import changed_entries, pull_request_event, write_tree


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def regex_loop(body: str) -> str:
    """An instance whose user_data path runs a new catastrophic pattern at each turn of `body`,
    each failure swallowed by `try`."""
    return f"""\
locals {{ s = "{"a" * 30}b" }}
resource "aws_instance" "i" {{
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = file(join("", [{body}]))
}}
"""


LOOP = regex_loop('for i in range(200) : try(replace(local.s, "/^(a|a)*${i}$/", ""), "")')
NESTED = regex_loop(
    'for i in range(1024) : join("", [for j in range(1024) : '
    'try(replace(local.s, "/^(a|a)*${i}-${j}$/", ""), "")])'
)


def shared_list_file() -> str:
    """17 doublings of a two-element list, read 1000 times: 709 bytes."""
    lines = ["locals {", '  l0 = ["a", "b"]']
    lines += [f"  l{i} = [local.l{i - 1}, local.l{i - 1}]" for i in range(1, 18)]
    lines += ['  n = join("", [for i in range(1000) : length(local.l17) > 0 ? "" : "x"])', "}"]
    lines += ['resource "aws_lb" "x" { name = "lb${local.n}" }']
    lines += ['resource "aws_s3_bucket" "b" { bucket = "b${local.n}" }']
    return "\n".join(lines) + "\n"


def test_regular_expressions_built_in_a_loop_share_one_budget_per_value():
    # 200 patterns of 0.25 s each were 52 s of CPU before the PR review posted anything.
    module = module_of(LOOP)
    start = cpu()
    assert referenced_files(module) == set()
    assert evaluate(module, module.find("aws_instance.i").attributes["user_data"].expr) is UNKNOWN
    assert cpu() - start < 8


def test_a_regex_loop_over_a_million_iterations_stops_within_the_step_and_regex_budgets():
    # range(1024) x range(1024): about 93 minutes of regular expressions.
    module = module_of(NESTED)
    start = cpu()
    assert referenced_files(module) == set()
    assert cpu() - start < 15


def test_the_files_of_a_module_are_still_found_next_to_a_regex_loop():
    module = module_of(
        LOOP + 'resource "aws_instance" "j" {\n  user_data = file("${path.module}/boot.sh")\n}\n'
    )
    assert referenced_files(module) == {"boot.sh"}


def test_the_review_of_a_pr_with_a_regex_loop_in_a_file_path_posts_in_bounded_time(github, tmp_path, capsys):
    fake = github.fake
    bucket = '\nresource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'
    head = {"infra/main.tf": LOOP + bucket}
    base = {"infra/main.tf": LOOP}
    fake.files = changed_entries(base, head)
    for ref, files in ((fake.head_sha, head), (fake.base_sha, base)):
        for path, text in files.items():
            fake.contents[(ref, path)] = text.encode()
    workspace = write_tree(tmp_path / "ws", head)

    start = cpu()
    run = run_action(tmp_path, capsys, fake, workspace, pull_request_event(fake))
    assert cpu() - start < 30

    assert "internal error" not in run.stdout + run.stderr + run.job_summary
    assert run.exit_code in (0, 1)
    posted = [c["body"] for c in fake.issue_comments] + [r.get("body") or "" for r in fake.reviews]
    posted += [c["body"] for r in fake.reviews for c in r.get("comments", [])]
    assert any("TAP201" in body for body in posted)


def test_a_list_shared_many_times_is_sized_once_so_the_rules_finish_and_report():
    # 1000 reads of a list of 2^17 shared leaves: each was walked in full (90 s of CPU), and the
    # rules naming the load balancer and the bucket stopped at their 30 s budget.
    module = module_of(shared_list_file())
    start = cpu()
    assert module.locals["n"].value() == ""
    assert cpu() - start < 5
    report = scan_text(shared_list_file())
    assert report.errors == []
    assert {f.rule_id for f in report.findings} >= {"TAP201", "TAP212"}


def test_a_shared_list_still_counts_every_time_it_appears_toward_the_size_limit():
    lines = ['  l0 = ["abcdefghijklmnop"]'] + [
        f"  l{i} = [local.l{i - 1}, local.l{i - 1}]" for i in range(1, 21)
    ]
    module = module_of("locals {\n" + "\n".join(lines) + "\n}\n")
    assert is_known(module.locals["l10"].value())
    assert not is_known(module.locals["l20"].value())  # 2^20 copies of 16 characters
