"""TAP303 log-groups-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fixed_files, scan_fixture, where, with_block_after


def _group(label: str, name: str, retention: str = "90") -> str:
    return f"""\
resource "aws_cloudwatch_log_group" "{label}" {{
  name              = {name}
  retention_in_days = {retention}
}}
"""


def test_lambda_gets_its_default_log_group_with_retention():
    findings = scan_fixture("TAP303/lambda_plain", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 22, "aws_lambda_function.orders")]
    assert findings[0].message == (
        "aws_lambda_function.orders logs to /aws/lambda/orders-api, which no aws_cloudwatch_log_group "
        "defines: Lambda creates it on first run with no retention, so its logs are kept (and billed) forever"
    )
    assert findings[0].fix.applicability == "unsafe"
    assert findings[0].fix.description == (
        "Add aws_cloudwatch_log_group.orders with retention; if it already exists, import it first: "
        "terraform import aws_cloudwatch_log_group.orders /aws/lambda/orders-api"
    )
    assert fixed_files("TAP303/lambda_plain", "TAP303") == {
        "main.tf": with_block_after(
            "TAP303/lambda_plain/main.tf",
            'resource "aws_lambda_function" "orders" {',
            _group("orders", '"/aws/lambda/orders-api"'),
        )
    }


def test_only_the_function_without_a_group_is_reported_and_names_follow_locals():
    findings = scan_fixture("TAP303/lambda_name_via_locals_split_files", "TAP303")
    assert where(findings) == [("TAP303", "lambda.tf", 9, "aws_lambda_function.thumbnailer")]
    assert "/aws/lambda/media-prod-thumbnailer" in findings[0].message
    assert fixed_files("TAP303/lambda_name_via_locals_split_files", "TAP303") == {
        "lambda.tf": with_block_after(
            "TAP303/lambda_name_via_locals_split_files/lambda.tf",
            'resource "aws_lambda_function" "thumbnailer" {',
            _group("thumbnailer", '"/aws/lambda/${local.prefix}-thumbnailer"', "var.log_retention_days"),
        )
    }


def test_for_each_functions_get_a_group_per_instance():
    findings = scan_fixture("TAP303/lambda_for_each", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 14, "aws_lambda_function.report")]
    assert "logs to /aws/lambda/report-daily (and 1 more)" in findings[0].message
    assert fixed_files("TAP303/lambda_for_each", "TAP303") == {
        "main.tf": with_block_after(
            "TAP303/lambda_for_each/main.tf",
            'resource "aws_lambda_function" "report" {',
            """\
resource "aws_cloudwatch_log_group" "report" {
  for_each          = var.reports
  name              = "/aws/lambda/${aws_lambda_function.report[each.key].function_name}"
  retention_in_days = 90
}
""",
        )
    }


def test_for_each_with_heredoc_text_is_reported_without_a_fix():
    # The heredoc's lines sit at column 0: copied into the log group they would be re-indented,
    # which changes the keys, and aws_lambda_function.report[each.key] would then name nothing.
    findings = scan_fixture("TAP303/lambda_for_each_heredoc", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 5, "aws_lambda_function.report")]
    assert "logs to /aws/lambda/report-daily (and 1 more)" in findings[0].message
    assert findings[0].fix is None


def test_custom_logging_config_group_is_the_one_created():
    findings = scan_fixture("TAP303/lambda_custom_log_group", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 5, "aws_lambda_function.payments")]
    assert fixed_files("TAP303/lambda_custom_log_group", "TAP303") == {
        "main.tf": with_block_after(
            "TAP303/lambda_custom_log_group/main.tf",
            'resource "aws_lambda_function" "payments" {',
            _group("payments", '"/platform/payments"'),
        )
    }


def test_ecs_awslogs_groups_that_do_not_exist_stop_tasks_and_are_added_one_per_group():
    findings = scan_fixture("TAP303/ecs_awslogs_missing", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 17, "aws_ecs_task_definition.api")] * 2
    assert [f.key for f in findings] == ["/ecs/checkout-api", "/ecs/checkout-envoy"]
    assert findings[0].message == (
        'aws_ecs_task_definition.api: container "api" logs to awslogs group /ecs/checkout-api, which no '
        "aws_cloudwatch_log_group defines: without awslogs-create-group the tasks fail to start until it exists"
    )
    # Each group is named the way its container names it: the api's through the local.
    assert fixed_files("TAP303/ecs_awslogs_missing", "TAP303") == {
        "main.tf": with_block_after(
            "TAP303/ecs_awslogs_missing/main.tf",
            'resource "aws_ecs_task_definition" "api" {',
            _group("checkout_envoy", '"/ecs/checkout-envoy"')
            + "\n"
            + _group("checkout_api", "local.log_group"),
        )
    }


def test_ecs_heredoc_definitions_with_create_group_get_retention():
    findings = scan_fixture("TAP303/ecs_create_group_heredoc", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 4, "aws_ecs_task_definition.worker")]
    assert findings[0].message.endswith(
        "ECS creates it with no retention, so its logs are kept (and billed) forever"
    )
    assert fixed_files("TAP303/ecs_create_group_heredoc", "TAP303") == {
        "main.tf": with_block_after(
            "TAP303/ecs_create_group_heredoc/main.tf",
            'resource "aws_ecs_task_definition" "worker" {',
            _group("worker", '"/ecs/invoice-worker"'),
        )
    }


def test_group_named_in_a_cloudwatch_agent_config_is_added():
    findings = scan_fixture("TAP303/agent_config_group", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 1, "aws_ssm_parameter.web_agent")]
    assert findings[0].message == (
        "aws_ssm_parameter.web_agent (CloudWatch agent config) ships /var/log/nginx/access.log to log "
        "group web-access, which no aws_cloudwatch_log_group defines: the agent creates it with no "
        "retention, so the logs are kept (and billed) forever"
    )
    assert fixed_files("TAP303/agent_config_group", "TAP303") == {
        "main.tf": with_block_after(
            "TAP303/agent_config_group/main.tf",
            'resource "aws_ssm_parameter" "web_agent" {',
            _group("web_access", '"web-access"'),
        )
    }


def test_instances_writing_logs_nothing_ships_are_reported_without_a_guessed_fix():
    findings = scan_fixture("TAP303/asg_unshipped", "TAP303")
    assert where(findings) == [("TAP303", "main.tf", 26, "aws_autoscaling_group.queue_worker")]
    assert findings[0].message == (
        "aws_autoscaling_group.queue_worker writes /var/log/queue-worker (user data of "
        "aws_launch_template.queue_worker) but nothing ships those logs to CloudWatch Logs: the AMI is a "
        "stock image and the user data installs no CloudWatch agent or other log shipper, so the logs "
        "are lost whenever an instance is replaced"
    )
    # Which group and which files is the team's choice: no fix is invented.
    assert findings[0].fix is None and findings[0].fix_rejected is None


@pytest.mark.parametrize(
    "case",
    [
        "ok_lambda_group_split_files",  # the group refers to the function, in another file
        "ok_lambda_count_groups",  # counted functions and groups with matching names
        "ok_unknown_function_name",  # function_name is a variable without default
        "ok_module_call",  # a module call's function_name argument is not a resource
        "ok_ecs_group_reference",  # awslogs-group = aws_cloudwatch_log_group.api.name
        "ok_custom_ami_asg",  # a golden AMI may ship logs itself
        "ok_asg_agent_ships_logs",  # the agent config collects the logs; one entry sets retention itself
    ],
)
def test_no_finding_when_groups_exist_or_cannot_be_told(case):
    assert scan_fixture(f"TAP303/{case}", "TAP303") == []
