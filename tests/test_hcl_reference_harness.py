"""The reference harness must be able to fail: each check here is one it has to catch or let through.

All modules are validated in one batch (and all files parsed in one node process), as the real suites
should do: a terraform run costs about a second, a file parse about a millisecond.
"""

from __future__ import annotations

import pytest

from tests.support.hcl_reference import (
    HclReference,
    ValidateResult,
    find_plugin_dir,
    missing_tools,
    neutralise_random_provider,
)

AWS_ONLY = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}
"""

AWS_AND_RANDOM = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}
"""

MODULES: dict[str, dict[str, str]] = {
    "valid": {
        "versions.tf": AWS_ONLY,
        "main.tf": """\
variable "name" {
  type = string
}

resource "aws_s3_bucket" "logs" {
  bucket = var.name
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
""",
    },
    "unknown_argument": {
        "versions.tf": AWS_ONLY,
        "main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  bogus  = 1\n}\n',
    },
    "random_auth_token": {
        "versions.tf": AWS_AND_RANDOM,
        "main.tf": """\
resource "random_password" "auth" {
  length  = 32
  special = false
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id       = "tapfix-redis"
  description                = "redis with auth"
  engine                     = "redis"
  node_type                  = "cache.t3.micro"
  num_cache_clusters         = 2
  transit_encryption_enabled = true
  at_rest_encryption_enabled = true
  auth_token                 = random_password.auth.result

  depends_on = [random_password.auth]
}

output "token_length" {
  value     = length(random_password.auth.result)
  sensitive = true
}
""",
    },
    "deprecated_argument": {
        "versions.tf": AWS_ONLY,
        "main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl    = "private"\n}\n',
    },
    # Root-module-only rule: proves each module is validated as a root, not as a child module.
    "sensitive_output": {
        "versions.tf": AWS_ONLY,
        "main.tf": 'variable "pw" {\n  type      = string\n  sensitive = true\n}\n\noutput "pw" {\n  value = var.pw\n}\n',
    },
    "local_child_module": {
        "main.tf": 'module "queue" {\n  source = "./modules/queue"\n  name   = "jobs"\n}\n',
        "modules/queue/main.tf": 'variable "name" {\n  type = string\n}\n\nresource "aws_sqs_queue" "q" {\n  name = var.name\n}\n',
    },
}


@pytest.fixture(scope="module")
def validated(hcl_reference: HclReference) -> dict[str, ValidateResult]:
    return hcl_reference.terraform_validate(MODULES)


@pytest.mark.slow
def test_valid_module_validates(validated: dict[str, ValidateResult]) -> None:
    result = validated["valid"]
    assert result.ok, result.summary()
    assert result.errors == []


@pytest.mark.slow
def test_unknown_argument_fails_validate(validated: dict[str, ValidateResult]) -> None:
    result = validated["unknown_argument"]
    assert not result.ok
    assert any("Unsupported argument" in e and "bogus" in e for e in result.errors), result.summary()


@pytest.mark.slow
def test_random_password_is_swapped_for_a_literal(validated: dict[str, ValidateResult]) -> None:
    result = validated["random_auth_token"]
    assert result.ok, result.summary()
    main = result.files["main.tf"]
    assert "random_password" not in main
    assert "hashicorp/random" not in result.files["versions.tf"]
    # the caller's text is untouched
    assert "random_password" in MODULES["random_auth_token"]["main.tf"]


@pytest.mark.slow
def test_warnings_are_kept_apart_from_errors(validated: dict[str, ValidateResult]) -> None:
    result = validated["deprecated_argument"]
    assert result.ok, result.summary()
    assert result.errors == []
    assert any("deprecated" in w.lower() and "acl" in w for w in result.warnings), result.summary()
    assert result.diagnostics == result.warnings


@pytest.mark.slow
def test_each_module_is_validated_as_a_root_module(validated: dict[str, ValidateResult]) -> None:
    result = validated["sensitive_output"]
    assert not result.ok
    assert any("Output refers to sensitive values" in e for e in result.errors), result.summary()


@pytest.mark.slow
def test_local_child_modules_are_installed(validated: dict[str, ValidateResult]) -> None:
    result = validated["local_child_module"]
    assert result.ok, result.summary()


def test_hashicorp_parser_accepts_valid_hcl(hcl_reference: HclReference) -> None:
    errors = hcl_reference.hashicorp_parse_errors(
        {f"{mod}/{name}": text for mod, files in MODULES.items() for name, text in files.items()}
    )
    assert all(e is None for e in errors.values()), errors


def test_hashicorp_parser_reports_errors_and_python_hcl2_quirks(hcl_reference: HclReference) -> None:
    files = {
        "ok.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n',
        "unclosed.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n',
        # accepted by python-hcl2 8.1.4, rejected by HashiCorp
        "two_on_a_line.tf": "locals {\n  a = 1 b = 2\n}\n",
        "newline_in_string.tf": 'locals {\n  a = "one\ntwo"\n}\n',
        "attribute_twice.tf": "locals {\n  a = 1\n  a = 2\n}\n",
    }
    errors = hcl_reference.hashicorp_parse_errors(files)
    assert list(errors) == list(files)
    assert errors["ok.tf"] is None
    assert "Unclosed configuration block" in (errors["unclosed.tf"] or "")
    assert "Missing newline after argument" in (errors["two_on_a_line.tf"] or "")
    assert "Invalid multi-line string" in (errors["newline_in_string.tf"] or "")
    assert "redefined" in (errors["attribute_twice.tf"] or "")


def test_hashicorp_parser_batch_of_none_is_empty(hcl_reference: HclReference) -> None:
    assert hcl_reference.hashicorp_parse_errors({}) == {}
    assert hcl_reference.terraform_validate({}) == {}


# -- no tools needed below ---------------------------------------------------------------------


def test_random_swap_leaves_strings_comments_and_other_providers_alone() -> None:
    src = (
        AWS_AND_RANDOM
        + """
provider "random" {}

# random_password.pw.result mentioned in a comment
resource "random_password" "pw" {
  length  = 24
  keepers = { x = "}${"{"}" }
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_db_instance" "db" {
  identifier = "db-${random_id.suffix.hex}"
  password   = random_password.pw.result
  tags       = { Note = "random_password.pw.result" }
  depends_on = [random_password.pw, aws_s3_bucket.b]
}
"""
    )
    out = neutralise_random_provider({"main.tf": src, "README.md": "random_password.pw.result"})
    text = out["main.tf"]
    assert 'resource "random' not in text
    assert 'provider "random"' not in text
    assert "hashicorp/random" not in text
    assert 'source  = "hashicorp/aws"' in text
    assert "# random_password.pw.result mentioned in a comment" in text
    assert 'Note = "random_password.pw.result"' in text
    assert 'identifier = "db-${"0123456789abcdef"}"' in text
    assert 'password   = "TapfixPlaceholderSecret0123456789"' in text
    assert "depends_on = [ aws_s3_bucket.b]" in text
    assert out["README.md"] == "random_password.pw.result"


def test_missing_plugin_dir_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("TAPFIX_TF_PLUGIN_DIR", str(tmp_path))
    monkeypatch.setenv("TAPFIX_NODE_DIR", str(tmp_path))
    assert find_plugin_dir() is None
    problems = "\n".join(missing_tools())
    assert "TAPFIX_TF_PLUGIN_DIR" in problems
    assert "npm ci --prefix tests/node" in problems


@pytest.fixture(scope="module")
def validated_many(hcl_reference: HclReference) -> dict[str, ValidateResult]:
    extra = {
        "required_variables": {
            "main.tf": 'variable "name" {\n  type     = string\n  nullable = false\n}\n\n'
            'resource "aws_sqs_queue" "q" {\n  name = var.name\n}\n',
        },
    }
    return hcl_reference.terraform_validate_many({**MODULES, **extra}, batch_size=3)


def test_batched_validation_blames_only_the_broken_module(validated_many: dict[str, ValidateResult]) -> None:
    assert not validated_many["unknown_argument"].ok
    assert any("bogus" in e for e in validated_many["unknown_argument"].errors)
    for name in (
        "valid",
        "random_auth_token",
        "deprecated_argument",
        "local_child_module",
        "required_variables",
    ):
        assert validated_many[name].ok, validated_many[name].summary()


def test_batched_validation_keeps_root_only_checks(validated_many: dict[str, ValidateResult]) -> None:
    assert not validated_many["sensitive_output"].ok
    assert validated_many["deprecated_argument"].warnings
