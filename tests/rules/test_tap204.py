"""TAP204 lb-log-bucket-policy-invalid: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fixed_files, fixture_dir, scan_fixture, where


def original(case: str, path: str = "main.tf") -> str:
    return (fixture_dir(f"TAP204/{case}") / path).read_text()


def test_hard_coded_account_through_a_local_becomes_the_service_account_data_source():
    findings = scan_fixture("TAP204/hardcoded_local", "TAP204")
    # The policy is in s3.tf, the load balancer in alb.tf, the region in providers.tf.
    assert where(findings) == [("TAP204", "s3.tf", 21, "aws_s3_bucket_policy.logs")]
    assert findings[0].message == (
        "aws_s3_bucket_policy.logs names the log writer of aws_lb.web as the hard-coded account "
        '127311923021 ("arn:aws:iam::${local.elb_account_id}:root"), the ELB account of us-east-1: '
        "the provider region is us-east-1; the policy breaks in any other region"
    )
    assert findings[0].fix.applicability == "safe"
    assert fixed_files("TAP204/hardcoded_local", "TAP204") == {
        "s3.tf": original("hardcoded_local", "s3.tf").replace(
            'Principal = { AWS = "arn:aws:iam::${local.elb_account_id}:root" }',
            "Principal = { AWS = data.aws_elb_service_account.main.arn }",
        )
        + '\ndata "aws_elb_service_account" "main" {}\n'
    }


def test_placeholder_in_a_heredoc_policy_is_replaced_by_an_interpolated_data_source():
    findings = scan_fixture("TAP204/placeholder_heredoc", "TAP204")
    assert where(findings) == [("TAP204", "main.tf", 18, "aws_s3_bucket_policy.logs")]
    assert findings[0].message == (
        "aws_s3_bucket_policy.logs names the log writer of aws_lb.web as the placeholder "
        '"arn:aws:iam::<elb-account-id>:root": ELB cannot write access logs there, and enabling logging fails'
    )
    fixed = fixed_files("TAP204/placeholder_heredoc", "TAP204")["main.tf"]
    expected = original("placeholder_heredoc").replace(
        '"AWS": "arn:aws:iam::<elb-account-id>:root"', '"AWS": "${data.aws_elb_service_account.main.arn}"'
    )
    expected = expected.replace("  EOT\n}\n", '  EOT\n}\n\ndata "aws_elb_service_account" "main" {}\n', 1)
    assert fixed == expected


def test_policy_document_in_a_region_without_elb_account_gets_the_log_delivery_service_principal():
    findings = scan_fixture("TAP204/document_new_region", "TAP204")
    assert where(findings) == [("TAP204", "main.tf", 17, "aws_s3_bucket_policy.logs")]
    assert (
        "the provider region ap-south-2 has no ELB account (it needs the "
        "logdelivery.elasticloadbalancing.amazonaws.com service principal), so ELB cannot write the logs"
    ) in findings[0].message
    assert fixed_files("TAP204/document_new_region", "TAP204") == {
        "main.tf": original("document_new_region").replace(
            """\
      type        = "AWS"
      identifiers = ["arn:aws:iam::127311923021:root"]
""",
            """\
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
""",
        )
    }


def test_account_of_another_region_reuses_the_declared_data_source_inside_the_principal_list():
    findings = scan_fixture("TAP204/wrong_region_account", "TAP204")
    assert where(findings) == [("TAP204", "main.tf", 18, "aws_s3_bucket_policy.logs")]
    assert findings[0].message.endswith(
        "the ELB account of us-east-1: the provider region is eu-west-1, so ELB cannot write the logs"
    )
    assert fixed_files("TAP204/wrong_region_account", "TAP204") == {
        "main.tf": original("wrong_region_account").replace(
            '{ AWS = ["arn:aws:iam::127311923021:root"] }',
            "{ AWS = [data.aws_elb_service_account.this.arn] }",
        )
    }


def test_bucket_without_a_policy_gets_one_and_the_load_balancer_waits_for_it():
    findings = scan_fixture("TAP204/missing_policy", "TAP204")
    # Reported on the load balancer's access_logs, whose bucket argument names the bucket.
    assert where(findings) == [("TAP204", "main.tf", 23, "aws_lb.web")]
    assert findings[0].message == (
        "aws_lb.web sends its access logs to aws_s3_bucket.logs, which has no bucket policy: ELB cannot "
        "write them, and enabling logging fails (ELB first writes a test object)"
    )
    fixed = fixed_files("TAP204/missing_policy", "TAP204")["main.tf"]
    # eu-central-1 (from terraform.tfvars) has an ELB account: the data source names it.
    assert (
        """\
resource "aws_s3_bucket" "logs" {
  bucket = "acme-web-alb-logs"
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowELBAccessLogs"
      Effect    = "Allow"
      Action    = "s3:PutObject"
      Principal = { AWS = data.aws_elb_service_account.main.arn }
      Resource  = "${aws_s3_bucket.logs.arn}/web/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
    }]
  })
}

data "aws_elb_service_account" "main" {}

data "aws_caller_identity" "current" {}
"""
        in fixed
    )
    assert fixed.endswith("""\
    enabled = true
  }

  depends_on = [aws_s3_bucket_policy.logs]
}
""")


def test_policy_that_grants_elb_nothing_is_reported_without_a_fix():
    findings = scan_fixture("TAP204/policy_without_elb_grant", "TAP204")
    # The only statement denies plain HTTP: nothing lets ELB write.
    assert where(findings) == [("TAP204", "main.tf", 8, "aws_s3_bucket_policy.logs")]
    assert findings[0].message == (
        "aws_s3_bucket_policy.logs does not let Elastic Load Balancing write the access logs of aws_lb.web "
        "to aws_s3_bucket.logs (no statement allows s3:PutObject to the ELB account or "
        "logdelivery.elasticloadbalancing.amazonaws.com): logging fails when it is enabled"
    )
    assert findings[0].fix is None


@pytest.mark.parametrize(
    "case",
    [
        "ok_service_account_data_source",  # the principal is data.aws_elb_service_account.main.arn
        "ok_log_delivery_service",  # a newer region's service principal, in a policy document
        "ok_logging_disabled",  # a placeholder, but access logging is off
        "ok_external_bucket",  # the bucket is not in this module
        "ok_module_call",  # the bucket is handed to a module that writes its policy
        "ok_unknown_principal",  # the principal comes from a variable without default
        "ok_network_load_balancer",  # NLB logs go through the log delivery service
    ],
)
def test_no_finding_when_the_log_writer_is_admitted_or_unknowable(case):
    assert scan_fixture(f"TAP204/{case}", "TAP204") == []


def test_a_bucket_that_reads_its_load_balancer_gets_the_policy_without_depends_on():
    # The bucket's tags read the load balancer: making the load balancer wait for the new policy,
    # which reads the bucket, would be a loop (`terraform validate`: "Cycle"). The policy is added,
    # the order left as the user's references make it.
    findings = scan_fixture("TAP204/bucket_refers_to_its_load_balancer", "TAP204")
    assert where(findings) == [("TAP204", "main.tf", 19, "aws_lb.web")]
    assert findings[0].fix is not None and findings[0].fix_rejected is None
    fixed = fixed_files("TAP204/bucket_refers_to_its_load_balancer", "TAP204")["main.tf"]
    assert 'resource "aws_s3_bucket_policy" "logs" {' in fixed
    assert "depends_on" not in fixed
