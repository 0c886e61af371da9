"""TAP301 xray-not-configured: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where, with_block_after

SAMPLING_RULE = """\
resource "aws_xray_sampling_rule" "{label}" {{
  rule_name      = "{label}-default"
  priority       = 1000
  version        = 1
  reservoir_size = 1
  fixed_rate     = 0.05
  host           = "*"
  http_method    = "*"
  url_path       = "*"
  service_name   = "*"
  service_type   = "*"
  resource_arn   = "*"
}}
"""


def test_instance_role_with_xray_access_gets_sampling_rule_and_daemon_in_user_data():
    # compute.tf mentions the daemon only in a comment, which does not run.
    findings = scan_fixture("TAP301/asg_grant_split_files", "TAP301")
    assert where(findings) == [("TAP301", "iam.tf", 14, "aws_iam_role_policy_attachment.orders_xray")]
    assert findings[0].message == (
        "aws_iam_role_policy_attachment.orders_xray grants X-Ray write access to aws_iam_role.orders, "
        "but nothing it runs is traced: aws_launch_template.orders runs no X-Ray daemon and the module "
        "has no sampling rule"
    )
    assert findings[0].fix.applicability == "unsafe"
    fixed = fixed_files("TAP301/asg_grant_split_files", "TAP301")
    assert fixed["iam.tf"] == with_block_after(
        "TAP301/asg_grant_split_files/iam.tf",
        'resource "aws_iam_role_policy_attachment" "orders_xray" {',
        SAMPLING_RULE.format(label="orders"),
    )
    assert (
        fix_diff("TAP301/asg_grant_split_files", "TAP301").split("--- a/iam.tf")[0]
        == """\
--- a/compute.tf
+++ b/compute.tf
@@ -24,2 +24,5 @@
     systemctl enable --now orders
+
+    # X-Ray daemon: relays the app's trace segments (UDP 2000) to X-Ray.
+    dnf install -y https://s3.us-east-2.amazonaws.com/aws-xray-assets.us-east-2/xray-daemon/aws-xray-daemon-3.x.rpm
   EOT
"""
    )


def test_counted_lambda_whose_role_may_trace_gets_active_tracing():
    findings = scan_fixture("TAP301/lambda_count_no_tracing", "TAP301")
    assert where(findings) == [("TAP301", "main.tf", 18, "aws_iam_role_policy_attachment.sync_xray")]
    assert findings[0].message.endswith("aws_lambda_function.sync has no active tracing_config")
    assert findings[0].fix.applicability == "safe"
    assert fixed_files("TAP301/lambda_count_no_tracing", "TAP301")["main.tf"].endswith(
        """\
  timeout       = 60

  tracing_config {
    mode = "Active"
  }
}
"""
    )


def test_pass_through_mode_is_switched_to_active_for_for_each_functions():
    findings = scan_fixture("TAP301/policy_document_for_each_lambda", "TAP301")
    assert where(findings) == [("TAP301", "main.tf", 37, "aws_iam_role_policy.orders")]
    assert (
        fix_diff("TAP301/policy_document_for_each_lambda", "TAP301")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -52,3 +52,3 @@
   tracing_config {
-    mode = "PassThrough"
+    mode = "Active"
   }
"""
    )


def test_daemon_whose_role_may_not_write_gets_the_daemon_policy():
    findings = scan_fixture("TAP301/daemon_without_permission", "TAP301")
    assert where(findings) == [("TAP301", "main.tf", 32, "aws_instance.tracing_demo")]
    assert findings[0].message == (
        "aws_instance.tracing_demo starts the X-Ray daemon, but its instance role aws_iam_role.tracing_demo "
        "may not call xray:PutTraceSegments: every trace segment is rejected"
    )
    assert fixed_files("TAP301/daemon_without_permission", "TAP301") == {
        "main.tf": with_block_after(
            "TAP301/daemon_without_permission/main.tf",
            'resource "aws_iam_role" "tracing_demo" {',
            """\
resource "aws_iam_role_policy_attachment" "tracing_demo_xray" {
  role       = aws_iam_role.tracing_demo.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}
""",
        )
    }


def test_user_data_in_a_quoted_string_makes_the_fix_display_only():
    findings = scan_fixture("TAP301/string_user_data_display_only", "TAP301")
    assert where(findings) == [("TAP301", "main.tf", 30, "aws_iam_role_policy_attachment.edge_tracing")]
    fix = findings[0].fix
    assert fix.applicability == "display-only"
    assert fix.description == (
        "Add aws_xray_sampling_rule.edge; still needed: the X-Ray daemon in the user data of "
        "aws_launch_template.edge"
    )
    assert fixed_files("TAP301/string_user_data_display_only", "TAP301") == {}


@pytest.mark.parametrize(
    "case",
    [
        "ok_sampling_rule_split_files",  # a sampling rule in another file: tracing is set up
        "ok_lambda_tracing_via_variable",  # mode = var.tracing_mode, "Active" by default
        "ok_custom_ami",  # a golden AMI may carry the daemon
        "ok_module_call",  # the role is handed to a module that runs (and traces) the workload
        "ok_daemon_and_permission",  # daemon and access: X-Ray's default sampling rule applies
        "ok_cwagent_policy_only",  # CloudWatchAgentServerPolicy's X-Ray actions are not a wish to trace
        "ok_api_gateway_tracing",  # an API Gateway stage traces requests
    ],
)
def test_no_finding_when_tracing_is_set_up_or_cannot_be_told(case):
    assert scan_fixture(f"TAP301/{case}", "TAP301") == []
