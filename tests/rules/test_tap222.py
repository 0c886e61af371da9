"""TAP222 rds-enhanced-monitoring-disabled: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fixed_files, scan_fixture, where

OFF = (
    "Enhanced Monitoring is off, so there are no OS metrics (per-process CPU and memory, swap, "
    "file system) to tell why the database is slow"
)

NEW_ROLE = """\
resource "aws_iam_role" "{name}" {{
{count}  name_prefix = "rds-mon-"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = {{ Service = "monitoring.rds.amazonaws.com" }}
    }}]
  }})
}}
"""


def test_instance_without_monitoring_gets_a_role_and_the_partition_aware_policy():
    findings = scan_fixture("TAP222/new_role_with_partition", "TAP222")
    assert where(findings) == [("TAP222", "main.tf", 3, "aws_db_instance.inventory")]
    assert findings[0].message == (f"aws_db_instance.inventory has no monitoring_interval (default 0): {OFF}")
    assert findings[0].fix.applicability == "safe"
    text = fixed_files("TAP222/new_role_with_partition", "TAP222")["main.tf"]
    assert text.endswith(
        """\
  performance_insights_enabled = true
  skip_final_snapshot          = true
  monitoring_interval          = 60
  monitoring_role_arn          = aws_iam_role.inventory_monitoring.arn

  depends_on = [aws_iam_role_policy_attachment.inventory_monitoring]
}

"""
        + NEW_ROLE.format(name="inventory_monitoring", count="")
        + """
resource "aws_iam_role_policy_attachment" "inventory_monitoring" {
  role       = aws_iam_role.inventory_monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
"""
    )


def test_existing_monitoring_role_in_another_file_is_reused():
    findings = scan_fixture("TAP222/reuse_role_split_files", "TAP222")
    assert where(findings) == [("TAP222", "db.tf", 11, "aws_db_instance.payments")]
    assert findings[0].message == f"aws_db_instance.payments has monitoring_interval 0: {OFF}"
    assert findings[0].fix.description == "Enable Enhanced Monitoring with aws_iam_role.rds_monitoring"
    assert fixed_files("TAP222/reuse_role_split_files", "TAP222") == {
        "db.tf": """\
resource "aws_db_instance" "payments" {
  identifier        = "payments-mysql"
  engine            = "mysql"
  engine_version    = "8.0.39"
  instance_class    = "db.r7g.large"
  allocated_storage = 200

  username                    = "payments_admin"
  manage_master_user_password = true

  monitoring_interval = 60
  monitoring_role_arn = aws_iam_role.rds_monitoring.arn
  skip_final_snapshot = true

  depends_on = [aws_iam_role_policy_attachment.rds_monitoring]
}
"""
    }


def test_interval_from_a_variable_default_is_raised_there_and_depends_on_is_extended():
    findings = scan_fixture("TAP222/interval_from_variable", "TAP222")
    assert where(findings) == [("TAP222", "db.tf", 22, "aws_db_instance.search")]
    assert findings[0].message == (
        f"aws_db_instance.search has monitoring_interval 0 (from var.monitoring_interval): {OFF}"
    )
    fixed = fixed_files("TAP222/interval_from_variable", "TAP222")
    assert fixed["variables.tf"] == (
        'variable "monitoring_interval" {\n'
        '  description = "Enhanced Monitoring interval in seconds (0 switches it off)."\n'
        "  type        = number\n"
        "  default     = 60\n"
        "}\n"
    )
    assert """\
  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = aws_iam_role.search_monitoring.arn
  skip_final_snapshot = true

  depends_on = [aws_db_parameter_group.search, aws_iam_role_policy_attachment.search_monitoring]
}
""" in fixed["db.tf"]


def test_counted_instances_get_a_role_per_instance():
    findings = scan_fixture("TAP222/count", "TAP222")
    assert where(findings) == [("TAP222", "main.tf", 7, "aws_db_instance.analytics")]
    text = fixed_files("TAP222/count", "TAP222")["main.tf"]
    assert "  monitoring_role_arn         = aws_iam_role.analytics_monitoring[count.index].arn\n" in text
    assert NEW_ROLE.format(name="analytics_monitoring", count="  count       = var.replicas\n") in text
    assert (
        """\
resource "aws_iam_role_policy_attachment" "analytics_monitoring" {
  count      = var.replicas
  role       = aws_iam_role.analytics_monitoring[count.index].name
"""
        in text
    )


def test_trusted_role_without_the_policy_is_reused_and_granted_it():
    findings = scan_fixture("TAP222/trusted_role_without_policy", "TAP222")
    assert where(findings) == [("TAP222", "main.tf", 17, "aws_db_instance.crm")]
    assert findings[0].fix.description == (
        "Enable Enhanced Monitoring with aws_iam_role.enhanced_monitoring and grant it the monitoring policy"
    )
    text = fixed_files("TAP222/trusted_role_without_policy", "TAP222")["main.tf"]
    assert (
        """\
  EOT
}

resource "aws_iam_role_policy_attachment" "enhanced_monitoring" {
  role       = aws_iam_role.enhanced_monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "crm" {"""
        in text
    )
    assert (
        """\
  skip_final_snapshot         = true
  monitoring_interval         = 60
  monitoring_role_arn         = aws_iam_role.enhanced_monitoring.arn

  depends_on = [aws_iam_role_policy_attachment.enhanced_monitoring]
}
"""
        in text
    )


@pytest.mark.parametrize(
    "case",
    [
        "ok_enabled",  # monitoring_interval = 30 with a role
        "ok_unknown_interval",  # interval from a variable without default: unknown
        "ok_count_zero",  # count = 0: no instance to monitor
        "ok_interval_input_of_called_module",  # interval_from_variable without a provider: callers choose
    ],
)
def test_no_finding_when_monitoring_is_on_or_unknowable(case):
    assert scan_fixture(f"TAP222/{case}", "TAP222") == []


def test_for_each_database_gets_a_role_per_instance_from_a_copy_of_its_for_each():
    # `for_each = aws_db_instance.tenant` on the role would be a cycle (the database refers to the
    # role); the copied expression keys the roles alike, comment and all.
    findings = scan_fixture("TAP222/for_each_multiline", "TAP222")
    assert where(findings) == [("TAP222", "main.tf", 10, "aws_db_instance.tenant")]
    text = fixed_files("TAP222/for_each_multiline", "TAP222")["main.tf"]
    assert text.endswith(
        """\
  skip_final_snapshot         = true
  monitoring_interval         = 60
  monitoring_role_arn         = aws_iam_role.tenant_monitoring[each.key].arn

  depends_on = [aws_iam_role_policy_attachment.tenant_monitoring]
}

resource "aws_iam_role" "tenant_monitoring" {
  for_each = {
    for name, class in local.tenants : name => class
    if class != "" # initech is not migrated yet
  }
"""
        + NEW_ROLE.format(name="tenant_monitoring", count="").split("\n", 1)[1]
        + """
resource "aws_iam_role_policy_attachment" "tenant_monitoring" {
  for_each   = aws_iam_role.tenant_monitoring
  role       = each.value.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
"""
    )


def test_an_interval_whose_role_the_module_leaves_null_gets_no_fix_that_would_fail_at_apply():
    # monitoring_role_arn = var.create_monitoring_role ? role : var.monitoring_role_arn, both off:
    # setting the interval alone would make RDS reject the instance at apply.
    findings = scan_fixture("TAP222/role_off_by_module_logic", "TAP222")
    assert where(findings) == [("TAP222", "main.tf", 43, "aws_db_instance.this")]
    assert findings[0].fix is None
