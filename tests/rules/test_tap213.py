"""TAP213 elasticache-engine-version-mismatch: exact findings and exact fixes."""

import pytest

from tests.rules.harness import fix_diff, fixed_files, scan_fixture, where


def test_group_without_engine_version_is_pinned_to_the_family_version():
    findings = scan_fixture("TAP213/missing_version", "TAP213")
    assert where(findings) == [("TAP213", "main.tf", 21, "aws_elasticache_replication_group.cache")]
    assert findings[0].message == (
        "aws_elasticache_replication_group.cache uses aws_elasticache_parameter_group.cache "
        "(family redis7) but sets no engine_version: ElastiCache picks its default version when "
        "it creates the group, and nothing ties that default to family redis7"
    )
    assert findings[0].related == ['main.tf:10: family = "redis7"']
    assert (
        findings[0].fix.applicability == "unsafe"
    )  # the group may exist on another version: this upgrades or replaces it
    assert (
        fix_diff("TAP213/missing_version", "TAP213")
        == """\
--- a/main.tf
+++ b/main.tf
@@ -24,2 +24,3 @@
   engine               = "redis"
+  engine_version       = "7.1"
   node_type            = "cache.t4g.small"
"""
    )


def test_version_from_a_variable_default_is_upgraded_where_it_is_defined():
    findings = scan_fixture("TAP213/version_from_variable", "TAP213")
    assert where(findings) == [("TAP213", "redis.tf", 11, "aws_elasticache_replication_group.sessions")]
    assert findings[0].message.startswith(
        'aws_elasticache_replication_group.sessions sets engine_version "6.2" (from '
        "var.redis_engine_version), a redis6.x version, but uses "
        "aws_elasticache_parameter_group.sessions of family redis7"
    )
    assert findings[0].related == ['parameters.tf:3: family = "redis7"']
    assert (
        fix_diff("TAP213/version_from_variable", "TAP213")
        == """\
--- a/variables.tf
+++ b/variables.tf
@@ -9,3 +9,3 @@
   type        = string
-  default     = "6.2"
+  default     = "7.1"
 }
"""
    )


def test_downgrade_against_a_default_parameter_group_is_shown_but_never_applied():
    findings = scan_fixture("TAP213/downgrade_cluster_for_each", "TAP213")
    assert where(findings) == [("TAP213", "main.tf", 13, "aws_elasticache_cluster.tenant")]
    message = findings[0].message
    assert 'engine_version "7.1", a redis7 version' in message
    assert 'the default parameter group "default.redis6.x" of family redis6.x' in message
    assert "6.2 would be a downgrade from 7.1, which replaces the cluster" in message
    assert findings[0].fix.applicability == "display-only"
    assert findings[0].fix.edits[0].new_text == '"6.2"'
    assert fixed_files("TAP213/downgrade_cluster_for_each", "TAP213") == {}


def test_valkey_family_on_the_default_redis_engine_is_reported_without_a_fix():
    findings = scan_fixture("TAP213/valkey_family_redis_engine", "TAP213")
    assert where(findings) == [("TAP213", "main.tf", 6, "aws_elasticache_replication_group.queue")]
    assert findings[0].message == (
        'aws_elasticache_replication_group.queue runs engine "redis" (the default) but uses '
        "aws_elasticache_parameter_group.queue of family valkey8, which needs engine "
        '"valkey": AWS rejects the combination'
    )
    assert findings[0].fix is None


def test_version_set_in_tfvars_is_reported_but_not_rewritten():
    findings = scan_fixture("TAP213/version_in_tfvars", "TAP213")
    assert where(findings) == [("TAP213", "main.tf", 16, "aws_elasticache_replication_group.rate_limit")]
    assert '"6.2" (from var.redis_version, set in terraform.tfvars), a redis6.x version' in (
        findings[0].message
    )
    assert findings[0].fix is None


@pytest.mark.parametrize(
    "case",
    [
        "ok_pinned_split_files",  # valkey7 group and a 7.2 valkey group in different files
        "ok_unknown_version",  # version from a variable without default: never reported
        "ok_module_call",  # the parameter group is handed to a module that pins the version
        "ok_cluster_member",  # a cluster in a replication group inherits its version
        "ok_memcached_unpinned",  # Memcached without a version: only mismatches are reported
    ],
)
def test_no_finding_when_the_version_matches_or_is_unknowable(case):
    assert scan_fixture(f"TAP213/{case}", "TAP213") == []
