"""TAP504 output-description-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, scan_fixture, where


def test_each_output_gets_a_description_written_from_its_value_as_its_first_argument():
    findings = scan_fixture("TAP504/outputs_split_files", "TAP504")
    assert where(findings) == [
        ("TAP504", "outputs.tf", 1, "output.lb_dns_name"),
        ("TAP504", "outputs.tf", 5, "output.queue_urls"),
        ("TAP504", "outputs.tf", 9, "output.queue_arns_by_index"),
        ("TAP504", "outputs.tf", 13, "output.account_id"),
        ("TAP504", "outputs.tf", 18, "output.lb_url"),
    ]
    assert findings[0].message == (
        "output.lb_dns_name has no description: callers of the module cannot tell what it holds"
    )
    assert all(f.fix.applicability == "safe" for f in findings)
    assert (
        fix_diff("TAP504/outputs_split_files", "TAP504")
        == """\
--- a/outputs.tf
+++ b/outputs.tf
@@ -1,3 +1,4 @@
 output "lb_dns_name" {
-  value = aws_lb.app.dns_name
+  description = "The DNS name of aws_lb.app."
+  value       = aws_lb.app.dns_name
 }
@@ -5,3 +6,4 @@
 output "queue_urls" {
-  value = aws_sqs_queue.jobs[*].url
+  description = "The URL of each instance of aws_sqs_queue.jobs."
+  value       = aws_sqs_queue.jobs[*].url
 }
@@ -9,3 +11,4 @@
 output "queue_arns_by_index" {
-  value = { for i, q in aws_sqs_queue.jobs : i => q.arn }
+  description = "The ARN of each instance of aws_sqs_queue.jobs, by key."
+  value       = { for i, q in aws_sqs_queue.jobs : i => q.arn }
 }
@@ -13,4 +16,5 @@
 output "account_id" {
-  value     = data.aws_caller_identity.current.account_id
-  sensitive = false
+  description = "The account ID of data.aws_caller_identity.current."
+  value       = data.aws_caller_identity.current.account_id
+  sensitive   = false
 }
@@ -18,3 +22,4 @@
 output "lb_url" {
-  value = "https://${aws_lb.app.dns_name}/"
+  description = "LB URL, built from aws_lb.app.dns_name."
+  value       = "https://${aws_lb.app.dns_name}/"
 }
"""
    )


def test_an_empty_description_is_replaced():
    findings = scan_fixture("TAP504/empty_description", "TAP504")
    assert where(findings) == [("TAP504", "main.tf", 18, "output.lb_arn")]
    assert findings[0].message == (
        "output.lb_arn has an empty description: callers of the module cannot tell what it holds"
    )
    assert '+  description = "The ARN of aws_lb.app."\n' in fix_diff("TAP504/empty_description", "TAP504")


def test_a_one_line_output_block_is_written_out_with_the_description_first():
    findings = scan_fixture("TAP504/one_line_output", "TAP504")
    assert where(findings) == [("TAP504", "main.tf", 18, "output.subnets")]
    assert (
        fix_diff("TAP504/one_line_output", "TAP504")
        == "--- a/main.tf\n+++ b/main.tf\n@@ -17,2 +17,5 @@\n \n"
        + """\
-output "subnets" { value = var.subnet_ids }
+output "subnets" {
+  description = "The value of var.subnet_ids."
+  value       = var.subnet_ids
+}
"""
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_described",
        "ok_description_with_escapes",
        "ok_heredoc_description",
    ],
)
def test_no_finding_when_the_output_has_a_description(case):
    assert scan_fixture(f"TAP504/{case}", "TAP504") == []
