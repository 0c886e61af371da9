"""TAP305 waf-logging-missing: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fixed_files, scan_fixture, where, with_block_after


def test_web_acl_gets_logging_configuration_and_prefixed_log_group_after_it():
    findings = scan_fixture("TAP305/plain", "TAP305")
    assert where(findings) == [("TAP305", "main.tf", 1, "aws_wafv2_web_acl.api")]
    assert findings[0].message == (
        "aws_wafv2_web_acl.api has no aws_wafv2_web_acl_logging_configuration: the requests it "
        "blocks or allows are not recorded, only sampled for 3 hours"
    )
    assert findings[0].fix.applicability == "safe"
    assert fixed_files("TAP305/plain", "TAP305") == {
        "main.tf": with_block_after(
            "TAP305/plain/main.tf",
            'resource "aws_wafv2_web_acl" "api" {',
            """\
resource "aws_wafv2_web_acl_logging_configuration" "api" {
  resource_arn            = aws_wafv2_web_acl.api.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf_api.arn]
}

resource "aws_cloudwatch_log_group" "waf_api" {
  name              = "aws-waf-logs-orders-api"
  retention_in_days = 90
}
""",
        )
    }


def test_log_group_name_follows_the_acl_name_through_locals_and_reuses_the_module_retention():
    findings = scan_fixture("TAP305/name_via_locals_split_files", "TAP305")
    assert where(findings) == [("TAP305", "waf.tf", 1, "aws_wafv2_web_acl.edge")]
    assert fixed_files("TAP305/name_via_locals_split_files", "TAP305") == {
        "waf.tf": with_block_after(
            "TAP305/name_via_locals_split_files/waf.tf",
            'resource "aws_wafv2_web_acl" "edge" {',
            """\
resource "aws_wafv2_web_acl_logging_configuration" "edge" {
  resource_arn            = aws_wafv2_web_acl.edge.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf_edge.arn]
}

resource "aws_cloudwatch_log_group" "waf_edge" {
  name              = "aws-waf-logs-${local.name}-edge"
  retention_in_days = var.log_retention_days
}
""",
        )
    }


def test_cloudfront_acl_logs_through_its_us_east_1_provider():
    findings = scan_fixture("TAP305/cloudfront_provider_alias", "TAP305")
    assert where(findings) == [("TAP305", "waf.tf", 1, "aws_wafv2_web_acl.cdn")]
    assert findings[0].message.endswith(
        "(a CLOUDFRONT web ACL logs in us-east-1, through the ACL's own provider)"
    )
    assert fixed_files("TAP305/cloudfront_provider_alias", "TAP305") == {
        "waf.tf": with_block_after(
            "TAP305/cloudfront_provider_alias/waf.tf",
            'resource "aws_wafv2_web_acl" "cdn" {',
            """\
resource "aws_wafv2_web_acl_logging_configuration" "cdn" {
  provider                = aws.us_east_1
  resource_arn            = aws_wafv2_web_acl.cdn.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf_cdn.arn]
}

resource "aws_cloudwatch_log_group" "waf_cdn" {
  provider          = aws.us_east_1
  name              = "aws-waf-logs-storefront-cdn"
  retention_in_days = 90
}
""",
        )
    }


def test_for_each_acls_get_a_logging_configuration_and_log_group_per_instance():
    findings = scan_fixture("TAP305/for_each_acls", "TAP305")
    assert where(findings) == [("TAP305", "main.tf", 10, "aws_wafv2_web_acl.tenant")]
    assert fixed_files("TAP305/for_each_acls", "TAP305") == {
        "main.tf": with_block_after(
            "TAP305/for_each_acls/main.tf",
            'resource "aws_wafv2_web_acl" "tenant" {',
            """\
resource "aws_wafv2_web_acl_logging_configuration" "tenant" {
  for_each                = var.tenants
  resource_arn            = aws_wafv2_web_acl.tenant[each.key].arn
  log_destination_configs = [aws_cloudwatch_log_group.waf_tenant[each.key].arn]
}

resource "aws_cloudwatch_log_group" "waf_tenant" {
  for_each          = var.tenants
  name              = "aws-waf-logs-${aws_wafv2_web_acl.tenant[each.key].name}"
  retention_in_days = 90
}
""",
        )
    }


@pytest.mark.parametrize(
    ("case", "acl", "line", "destination"),
    [
        ("reuse_waf_log_bucket", "public_api", 5, "aws_s3_bucket.waf_logs"),
        ("second_acl_reuses_log_group", "admin", 26, "aws_cloudwatch_log_group.waf"),
    ],
)
def test_an_existing_aws_waf_logs_destination_is_reused(case, acl, line, destination):
    findings = scan_fixture(f"TAP305/{case}", "TAP305")
    assert where(findings) == [("TAP305", "main.tf", line, f"aws_wafv2_web_acl.{acl}")]
    assert fixed_files(f"TAP305/{case}", "TAP305") == {
        "main.tf": with_block_after(
            f"TAP305/{case}/main.tf",
            f'resource "aws_wafv2_web_acl" "{acl}" {{',
            f"""\
resource "aws_wafv2_web_acl_logging_configuration" "{acl}" {{
  resource_arn            = aws_wafv2_web_acl.{acl}.arn
  log_destination_configs = [{destination}.arn]
}}
""",
        )
    }


@pytest.mark.parametrize(
    "case",
    [
        "ok_split_files",  # the logging configuration lives in another file
        "ok_for_each",  # for_each = aws_wafv2_web_acl.site with resource_arn = each.value.arn
        "ok_module_call",  # the ACL is handed to a module that configures its logging
        "ok_unknown_arn",  # a configuration for var.logged_web_acl_arn may be this ACL
        "ok_acl_disabled",  # the ACL has count = 0
        "ok_via_local",  # resource_arn = local.web_acl_arn, which is the ACL's arn
    ],
)
def test_no_finding_when_the_acl_logs_or_cannot_be_told(case):
    assert scan_fixture(f"TAP305/{case}", "TAP305") == []
