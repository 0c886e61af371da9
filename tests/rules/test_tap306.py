"""TAP306 vpc-flow-logs-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where, with_block_after


def test_vpc_without_destination_gets_flow_log_log_group_and_delivery_role():
    findings = scan_fixture("TAP306/plain_log_group", "TAP306")
    assert where(findings) == [("TAP306", "main.tf", 1, "aws_vpc.main")]
    assert findings[0].message == (
        "aws_vpc.main has no aws_flow_log: nothing records the traffic it accepts or rejects "
        "(needed to investigate an incident or a security-group change)"
    )
    assert findings[0].fix.applicability == "safe"
    assert fixed_files("TAP306/plain_log_group", "TAP306")["main.tf"] == with_block_after(
        "TAP306/plain_log_group/main.tf",
        'resource "aws_vpc" "main" {',
        """\
resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.main_flow_logs.arn
  iam_role_arn    = aws_iam_role.main_flow_logs.arn
}

resource "aws_cloudwatch_log_group" "main_flow_logs" {
  name              = "/aws/vpc-flow-logs/${aws_vpc.main.id}"
  retention_in_days = 90
}

resource "aws_iam_role" "main_flow_logs" {
  name_prefix = "vpc-flow-logs-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "main_flow_logs" {
  name = "vpc-flow-logs"
  role = aws_iam_role.main_flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = "${aws_cloudwatch_log_group.main_flow_logs.arn}:*"
      },
      {
        Effect   = "Allow"
        Action   = "logs:DescribeLogGroups"
        Resource = "*"
      },
    ]
  })
}
""",
    )


def test_counted_vpcs_get_one_flow_log_and_group_each_and_the_module_retention():
    findings = scan_fixture("TAP306/count_vpcs", "TAP306")
    assert where(findings) == [("TAP306", "network.tf", 1, "aws_vpc.env")]
    diff = fix_diff("TAP306/count_vpcs", "TAP306")
    assert (
        """\
+resource "aws_flow_log" "env" {
+  count           = length(var.vpc_cidrs)
+  vpc_id          = aws_vpc.env[count.index].id
+  traffic_type    = "ALL"
+  log_destination = aws_cloudwatch_log_group.env_flow_logs[count.index].arn
+  iam_role_arn    = aws_iam_role.env_flow_logs.arn
+}
+
+resource "aws_cloudwatch_log_group" "env_flow_logs" {
+  count             = length(var.vpc_cidrs)
+  name              = "/aws/vpc-flow-logs/${aws_vpc.env[count.index].id}"
+  retention_in_days = var.log_retention_days
+}
"""
        in diff
    )
    # One role serves every instance's group.
    assert (
        '+        Resource = [for group in aws_cloudwatch_log_group.env_flow_logs : "${group.arn}:*"]\n'
        in diff
    )


def test_log_bucket_with_managed_policy_gets_delivery_statements_merged_into_it():
    findings = scan_fixture("TAP306/log_bucket_policy_split_files", "TAP306")
    assert where(findings) == [("TAP306", "network.tf", 5, "aws_vpc.core")]
    assert findings[0].fix.description == (
        "Add aws_flow_log.core to aws_s3_bucket.access_logs (prefix vpc-flow-logs/) "
        "and let log delivery write to it in its bucket policy"
    )
    fixed = fixed_files("TAP306/log_bucket_policy_split_files", "TAP306")
    assert fixed["network.tf"] == with_block_after(
        "TAP306/log_bucket_policy_split_files/network.tf",
        'resource "aws_vpc" "core" {',
        """\
resource "aws_flow_log" "core" {
  vpc_id               = aws_vpc.core.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "${aws_s3_bucket.access_logs.arn}/vpc-flow-logs/"

  depends_on = [aws_s3_bucket_policy.access_logs]
}
""",
    )
    assert (
        fix_diff("TAP306/log_bucket_policy_split_files", "TAP306").split("--- a/s3.tf\n")[1]
        == """\
+++ b/s3.tf
@@ -17,2 +17,25 @@
         Resource  = "${aws_s3_bucket.access_logs.arn}/web/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
+      },
+      {
+        Sid       = "VPCFlowLogsWrite"
+        Effect    = "Allow"
+        Principal = { Service = "delivery.logs.amazonaws.com" }
+        Action    = "s3:PutObject"
+        Resource  = "${aws_s3_bucket.access_logs.arn}/vpc-flow-logs/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
+        Condition = {
+          StringEquals = {
+            "aws:SourceAccount" = data.aws_caller_identity.current.account_id
+            "s3:x-amz-acl"      = "bucket-owner-full-control"
+          }
+        }
+      },
+      {
+        Sid       = "VPCFlowLogsAclCheck"
+        Effect    = "Allow"
+        Principal = { Service = "delivery.logs.amazonaws.com" }
+        Action    = ["s3:GetBucketAcl", "s3:ListBucket"]
+        Resource  = aws_s3_bucket.access_logs.arn
+        Condition = {
+          StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
+        }
       }
"""
    )


def test_policy_document_bucket_gets_statement_blocks_and_its_caller_identity():
    findings = scan_fixture("TAP306/policy_document_bucket", "TAP306")
    assert where(findings) == [("TAP306", "main.tf", 3, "aws_vpc.main")]
    text = fixed_files("TAP306/policy_document_bucket", "TAP306")["main.tf"]
    assert (
        """\
  statement {
    sid       = "VPCFlowLogsWrite"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.audit_logs.arn}/vpc-flow-logs/AWSLogs/${data.aws_caller_identity.me.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
"""
        in text
    )
    # The existing deny statement is kept, and exactly two statements are added.
    assert text.count("  statement {\n") == 3
    assert 'sid       = "DenyInsecureTransport"' in text


def test_for_each_vpcs_share_a_log_bucket_without_policy():
    findings = scan_fixture("TAP306/for_each_bucket_without_policy", "TAP306")
    assert where(findings) == [("TAP306", "main.tf", 10, "aws_vpc.this")]
    assert fixed_files("TAP306/for_each_bucket_without_policy", "TAP306")["main.tf"] == with_block_after(
        "TAP306/for_each_bucket_without_policy/main.tf",
        'resource "aws_vpc" "this" {',
        """\
resource "aws_flow_log" "this" {
  for_each             = var.networks
  vpc_id               = aws_vpc.this[each.key].id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "${aws_s3_bucket.network_logs.arn}/vpc-flow-logs/"
}
""",
    )


def test_second_vpc_reuses_the_destination_of_the_existing_flow_log():
    findings = scan_fixture("TAP306/reuse_existing_flow_log", "TAP306")
    assert where(findings) == [("TAP306", "network.tf", 13, "aws_vpc.isolated")]
    assert (
        fix_diff("TAP306/reuse_existing_flow_log", "TAP306")
        == """\
--- a/network.tf
+++ b/network.tf
@@ -15 +15,8 @@
 }
+
+resource "aws_flow_log" "isolated" {
+  vpc_id          = aws_vpc.isolated.id
+  traffic_type    = "ALL"
+  log_destination = aws_cloudwatch_log_group.flow_logs.arn
+  iam_role_arn    = aws_iam_role.flow_logs.arn
+}
"""
    )


def test_flow_log_behind_a_flag_in_a_configuration_applied_as_is_is_off_by_default_and_the_fix_flips_the_flag():
    findings = scan_fixture("TAP306/flag_off_in_root", "TAP306")
    # The finding points at the flag's default, the one value that decides.
    assert where(findings) == [("TAP306", "main.tf", 8, "aws_vpc.main")]
    assert findings[0].message == (
        "aws_vpc.main has aws_flow_log.main, but it is off by default: set `enable_flow_logs`; "
        "until then nothing records the traffic the VPC accepts or rejects"
    )
    assert findings[0].fix.applicability == "unsafe"
    # Never a second, always-on flow log: the existing one is turned on.
    assert fix_diff("TAP306/flag_off_in_root", "TAP306") == (
        "--- a/main.tf\n+++ b/main.tf\n@@ -7,3 +7,3 @@\n   type        = bool\n"
        "-  default     = false\n+  default     = true\n }\n"
    )


def test_flow_log_switched_off_in_tfvars_points_there_without_a_fix():
    findings = scan_fixture("TAP306/flag_off_in_tfvars", "TAP306")
    assert where(findings) == [("TAP306", "terraform.tfvars", 1, "aws_vpc.main")]
    assert "but it is off in terraform.tfvars: set `enable_flow_logs`" in findings[0].message
    assert findings[0].fix is None


@pytest.mark.parametrize(
    "case",
    [
        "ok_split_files",  # the flow log lives in another file
        "ok_for_each",  # for_each = aws_vpc.this with vpc_id = each.value.id
        "ok_module_call",  # the VPC is handed to a module that records it
        "ok_module_call_via_local",  # ... through a local (vpc_id = local.vpc.id)
        "ok_unknown_vpc_id",  # a flow log on var.flow_log_vpc_id may be this VPC: never guessed
        "ok_subnet_flow_logs",  # the VPC's subnets are recorded on purpose
        "ok_via_local",  # vpc_id = local.vpc_id, which is aws_vpc.main.id
        "ok_vpc_disabled",  # the VPC itself has count = 0
        "disabled_flow_log",  # behind var.enable_flow_logs in a module others call: their choice
        "ok_flag_in_reusable_module",  # terraform-aws-vpc's shape: local flag, vpc_id = try(...) via a local
    ],
)
def test_no_finding_when_the_vpc_is_recorded_or_cannot_be_told(case):
    assert scan_fixture(f"TAP306/{case}", "TAP306") == []
