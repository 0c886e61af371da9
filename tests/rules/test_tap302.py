"""TAP302 cwagent-metric-without-agent: exact findings and exact fixes."""

import pytest

from fixers.engine import apply_fix_texts, load
from tests.rules.harness import fix_diff, fixed_files, load_fixture, scan_fixture, where, with_block_after

NO_AGENT = (
    "{watcher} reads CWAgent metric {metric} (by {dims}) but no CloudWatch agent configuration reaches "
    "{compute}: no AmazonCloudWatch-* SSM parameter and no amazon-cloudwatch-agent-ctl in user data, "
    "so the metric is never published and {consequence}"
)


def test_asg_memory_alarm_gets_agent_config_policy_and_agent_start_across_files():
    findings = scan_fixture("TAP302/asg_memory_alarm_split_files", "TAP302")
    assert where(findings) == [("TAP302", "alarms.tf", 1, "aws_cloudwatch_metric_alarm.web_memory")]
    assert findings[0].message == NO_AGENT.format(
        watcher="aws_cloudwatch_metric_alarm.web_memory",
        metric="mem_used_percent",
        dims="AutoScalingGroupName",
        compute="aws_autoscaling_group.web",
        consequence="the alarm can never fire",
    )
    assert findings[0].fix.applicability == "unsafe"
    fixed = fixed_files("TAP302/asg_memory_alarm_split_files", "TAP302")
    assert sorted(fixed) == ["compute.tf", "iam.tf"]
    assert fixed["iam.tf"] == with_block_after(
        "TAP302/asg_memory_alarm_split_files/iam.tf",
        'resource "aws_iam_role" "web" {',
        """\
resource "aws_iam_role_policy_attachment" "web_cwagent" {
  role       = aws_iam_role.web.name
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
}
""",
    )
    # The alarm is keyed on the group only, so the agent also publishes the rolled-up series.
    assert (
        fix_diff("TAP302/asg_memory_alarm_split_files", "TAP302").split("--- a/iam.tf")[0]
        == """\
--- a/compute.tf
+++ b/compute.tf
@@ -23,4 +23,27 @@
     systemctl enable --now nginx
+
+    # Publishes the CWAgent metrics the alarms and scaling policies read.
+    dnf install -y amazon-cloudwatch-agent
+    /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ssm:${aws_ssm_parameter.web_cwagent.name}
   EOT
   )
+}
+
+resource "aws_ssm_parameter" "web_cwagent" {
+  name = "AmazonCloudWatch-web-${var.environment}"
+  type = "String"
+  value = jsonencode({
+    metrics = {
+      append_dimensions = {
+        AutoScalingGroupName = "$${aws:AutoScalingGroupName}"
+        InstanceId           = "$${aws:InstanceId}"
+      }
+      aggregation_dimensions = [["AutoScalingGroupName"]]
+      metrics_collected = {
+        mem = {
+          measurement = ["mem_used_percent"]
+        }
+      }
+    }
+  })
 }
"""
    )


def test_counted_instances_disk_alarm_publishes_exactly_the_alarm_dimensions():
    findings = scan_fixture("TAP302/instance_disk_alarm_count", "TAP302")
    assert where(findings) == [("TAP302", "main.tf", 46, "aws_cloudwatch_metric_alarm.broker_disk")]
    assert "(by InstanceId, path, device, fstype)" in findings[0].message
    text = fixed_files("TAP302/instance_disk_alarm_count", "TAP302")["main.tf"]
    assert (
        """\
    # Publishes the CWAgent metrics the alarms and scaling policies read.
    yum install -y amazon-cloudwatch-agent
"""
        in text
    )
    # InstanceId plus the disk plugin's own dimensions is the alarm's set: no aggregation needed.
    assert text.endswith(
        """\
resource "aws_ssm_parameter" "broker_cwagent" {
  name = "AmazonCloudWatch-broker"
  type = "String"
  value = jsonencode({
    metrics = {
      append_dimensions = {
        InstanceId = "$${aws:InstanceId}"
      }
      metrics_collected = {
        disk = {
          resources   = ["*"]
          measurement = ["disk_used_percent"]
        }
      }
    }
  })
}

resource "aws_cloudwatch_metric_alarm" "broker_disk" {
"""
        + text.split('resource "aws_cloudwatch_metric_alarm" "broker_disk" {\n')[1]
    )


def test_metric_query_alarm_on_disk_gets_per_group_aggregation():
    findings = scan_fixture("TAP302/metric_query_alarm", "TAP302")
    assert where(findings) == [("TAP302", "main.tf", 62, "aws_cloudwatch_metric_alarm.cache_disk")]
    text = fixed_files("TAP302/metric_query_alarm", "TAP302")["main.tf"]
    assert (
        """\
      aggregation_dimensions = [["AutoScalingGroupName"]]
      metrics_collected = {
        disk = {
          resources   = ["*"]
          measurement = ["disk_used_percent"]
        }
      }
"""
        in text
    )
    assert 'name = "AmazonCloudWatch-cache"' in text


def test_without_an_instance_role_in_the_module_the_fix_is_only_shown():
    findings = scan_fixture("TAP302/scaling_policy_without_role", "TAP302")
    assert where(findings) == [("TAP302", "main.tf", 40, "aws_autoscaling_policy.workers_memory")]
    assert findings[0].message.endswith("so the metric is never published and the policy never scales")
    fix = findings[0].fix
    assert fix.applicability == "display-only"
    assert fix.description.endswith(
        "still needed: an instance role allowed to read the parameter and publish metrics"
    )
    shown = apply_fix_texts(load(load_fixture("TAP302/scaling_policy_without_role")), fix.edits)["main.tf"]
    assert "-c ssm:${aws_ssm_parameter.workers_cwagent.name}\n  EOT\n" in shown
    assert fixed_files("TAP302/scaling_policy_without_role", "TAP302") == {}


def test_metric_of_a_plugin_whose_config_cannot_be_guessed_is_reported_without_fix():
    findings = scan_fixture("TAP302/unsupported_metric", "TAP302")
    assert where(findings) == [("TAP302", "main.tf", 13, "aws_cloudwatch_metric_alarm.haproxy_cpu")]
    assert "procstat_cpu_usage (by InstanceId, exe)" in findings[0].message
    assert findings[0].fix is None


@pytest.mark.parametrize(
    "case",
    [
        "ok_ssm_parameter_split_files",  # an AmazonCloudWatch-* parameter in another file
        "ok_user_data_starts_agent",  # user data runs amazon-cloudwatch-agent-ctl (namespace via a local)
        "ok_custom_ami",  # a golden AMI may carry the agent and its config
        "ok_templatefile_user_data",  # the templatefile() user data starts the agent
        "ok_module_call",  # the ASG comes from a module: module.asg.name is not a resource here
        "ok_unknown_namespace",  # namespace from a variable without default
        "ok_ssm_association",  # AmazonCloudWatch-ManageAgent association configures the agent
    ],
)
def test_no_finding_when_an_agent_may_publish_the_metric(case):
    assert scan_fixture(f"TAP302/{case}", "TAP302") == []
