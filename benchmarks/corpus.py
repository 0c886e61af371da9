"""A deterministic corpus of realistic Terraform-on-AWS modules, for benchmarks.

    python benchmarks/corpus.py OUT_DIR [--files 1000] [--lines 100000] [--seed 7]
    python benchmarks/corpus.py OUT_DIR --single-module --lines 1300

Each module is a folder holding variables, locals, several resource files and outputs. The resources
are the ones tapfix's rules read (VPCs, security groups and rules, S3 buckets and their companions, RDS,
ElastiCache, load balancers, auto scaling, alarms), written with variables, locals, `count` and
`for_each`. Some flaws are planted, at a fixed rate, so a scan has findings to report and fixes to
verify. The same arguments always write the same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

_TEAMS = ["payments", "search", "checkout", "identity", "catalog", "ledger", "media", "billing", "growth"]
_ENVS = ["dev", "staging", "prod"]


def _variables(r: random.Random, m: int) -> str:
    team = r.choice(_TEAMS)
    return f'''variable "environment" {{
  description = "Deployment environment."
  type        = string
  default     = "{r.choice(_ENVS)}"

  validation {{
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }}
}}

variable "team" {{
  description = "Owning team, used in names and tags."
  type        = string
  default     = "{team}"
}}

variable "vpc_cidr" {{
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.{m % 250}.0.0/16"

  validation {{
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a CIDR block."
  }}
}}

variable "instance_type" {{
  description = "EC2 instance type of the workers."
  type        = string
  default     = "{r.choice(["t3.small", "t3.medium", "m6i.large", "c6i.xlarge"])}"

  validation {{
    condition     = can(regex("^[a-z][a-z0-9]*\\\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must look like t3.small."
  }}
}}

variable "log_retention_days" {{
  description = "How long logs are kept."
  type        = number
  default     = {r.choice([30, 60, 90, 180, 365])}
}}

variable "buckets" {{
  description = "Data buckets of the service, by purpose."
  type        = map(string)
  default = {{
    raw       = "raw"
    curated   = "curated"
    artifacts = "artifacts"
  }}
}}

variable "certificate_arn" {{
  description = "ACM certificate of the HTTPS listener."
  type        = string
}}

variable "alarm_email" {{
  description = "Where alarms are sent."
  type        = string
}}
'''


def _locals(r: random.Random, m: int) -> str:
    return f"""locals {{
  name_prefix = "${{var.team}}-svc{m:03d}-${{var.environment}}"
  short_name  = substr(local.name_prefix, 0, 20)
  azs         = slice(data.aws_availability_zones.available.names, 0, 2)

  common_tags = {{
    Team        = var.team
    Environment = var.environment
    Service     = "svc{m:03d}"
    ManagedBy   = "terraform"
  }}

  worker_ports = {{
    http    = 8080
    metrics = 9100
  }}
}}

data "aws_availability_zones" "available" {{
  state = "available"
}}

data "aws_caller_identity" "current" {{}}
"""


def _network(r: random.Random, m: int) -> str:
    return """resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_hostnames = true
  enable_dns_support   = true

  tags = merge(local.common_tags, {
    Name = "${local.name_prefix}-vpc"
  })
}

resource "aws_flow_log" "main" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow.arn
  iam_role_arn         = aws_iam_role.flow.arn
}

resource "aws_iam_role" "flow" {
  name = "${local.short_name}-flow-logs"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/vpc/${local.name_prefix}/flow"
  retention_in_days = var.log_retention_days
  tags              = local.common_tags
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index)
  availability_zone = local.azs[count.index]

  tags = merge(local.common_tags, {
    Name = "${local.name_prefix}-private-${count.index}"
    Tier = "private"
  })
}

resource "aws_subnet" "public" {
  count                   = length(local.azs)
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, count.index + 8)
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = false

  tags = merge(local.common_tags, {
    Name = "${local.name_prefix}-public-${count.index}"
    Tier = "public"
  })
}
"""


def _security(r: random.Random, m: int) -> str:
    open_ssh = r.random() < 0.15
    all_egress = r.random() < 0.2
    ssh_cidr = "0.0.0.0/0" if open_ssh else f"10.{m % 250}.0.0/16"
    egress = (
        """resource "aws_vpc_security_group_egress_rule" "workers_all" {
  security_group_id = aws_security_group.workers.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
"""
        if all_egress
        else """resource "aws_vpc_security_group_egress_rule" "workers_https" {
  security_group_id = aws_security_group.workers.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  description       = "AWS APIs"
}
"""
    )
    return f'''resource "aws_security_group" "lb" {{
  name        = "${{local.short_name}}-lb"
  description = "Load balancer of ${{local.name_prefix}}"
  vpc_id      = aws_vpc.main.id
  tags        = local.common_tags
}}

resource "aws_security_group" "workers" {{
  name        = "${{local.short_name}}-workers"
  description = "Workers of ${{local.name_prefix}}"
  vpc_id      = aws_vpc.main.id
  tags        = local.common_tags
}}

resource "aws_vpc_security_group_ingress_rule" "lb_https" {{
  security_group_id = aws_security_group.lb.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  description       = "HTTPS from the internet"
}}

resource "aws_vpc_security_group_egress_rule" "lb_to_workers" {{
  for_each                     = local.worker_ports
  security_group_id            = aws_security_group.lb.id
  referenced_security_group_id = aws_security_group.workers.id
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  description                  = "to workers: ${{each.key}}"
}}

resource "aws_vpc_security_group_ingress_rule" "workers_from_lb" {{
  for_each                     = local.worker_ports
  security_group_id            = aws_security_group.workers.id
  referenced_security_group_id = aws_security_group.lb.id
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  description                  = "from the load balancer: ${{each.key}}"
}}

resource "aws_vpc_security_group_ingress_rule" "workers_ssh" {{
  security_group_id = aws_security_group.workers.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "{ssh_cidr}"
  description       = "SSH"
}}

{egress}'''


def _storage(r: random.Random, m: int) -> str:
    versioned = r.random() < 0.7
    versioning = (
        """
resource "aws_s3_bucket_versioning" "data" {
  for_each = aws_s3_bucket.data
  bucket   = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""
        if versioned
        else ""
    )
    return f"""resource "aws_s3_bucket" "data" {{
  for_each = var.buckets
  bucket   = "${{local.name_prefix}}-${{each.value}}"

  tags = merge(local.common_tags, {{
    Purpose = each.key
  }})
}}
{versioning}
resource "aws_s3_bucket_public_access_block" "data" {{
  for_each = aws_s3_bucket.data
  bucket   = each.value.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_lifecycle_configuration" "data" {{
  for_each = aws_s3_bucket.data
  bucket   = each.value.id

  rule {{
    id     = "tiering"
    status = "Enabled"

    filter {{
      prefix = ""
    }}

    transition {{
      days          = 30
      storage_class = "STANDARD_IA"
    }}

    expiration {{
      days = 400
    }}
  }}
}}
"""


def _database(r: random.Random, m: int) -> str:
    return f"""resource "aws_db_subnet_group" "main" {{
  name       = "${{local.name_prefix}}-db"
  subnet_ids = aws_subnet.private[*].id
  tags       = local.common_tags
}}

resource "aws_db_instance" "main" {{
  identifier                  = "${{local.name_prefix}}-db"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.t4g.{r.choice(["micro", "small", "medium"])}"
  allocated_storage           = {r.choice([20, 50, 100])}
  db_subnet_group_name        = aws_db_subnet_group.main.name
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  backup_retention_period     = 7
  monitoring_interval         = 60
  monitoring_role_arn         = aws_iam_role.rds_monitoring.arn
  deletion_protection         = var.environment == "prod"
  skip_final_snapshot         = var.environment != "prod"
  vpc_security_group_ids      = [aws_security_group.workers.id]

  tags = local.common_tags
}}

resource "aws_iam_role" "rds_monitoring" {{
  name = "${{local.short_name}}-rds-monitoring"

  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "monitoring.rds.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {{
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}}
"""


def _compute(r: random.Random, m: int) -> str:
    return f"""resource "aws_launch_template" "workers" {{
  name_prefix   = "${{local.short_name}}-"
  image_id      = data.aws_ssm_parameter.ami.value
  instance_type = var.instance_type
  user_data     = base64encode(templatefile("${{path.module}}/user_data.sh", {{ team = var.team }}))

  metadata_options {{
    http_tokens = "required"
  }}

  tag_specifications {{
    resource_type = "instance"
    tags          = local.common_tags
  }}
}}

data "aws_ssm_parameter" "ami" {{
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}}

resource "aws_autoscaling_group" "workers" {{
  name_prefix         = "${{local.short_name}}-"
  min_size            = {r.choice([1, 2])}
  max_size            = {r.choice([4, 6, 10])}
  vpc_zone_identifier = aws_subnet.private[*].id

  launch_template {{
    id      = aws_launch_template.workers.id
    version = "$Latest"
  }}

  dynamic "tag" {{
    for_each = local.common_tags
    content {{
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }}
  }}
}}

resource "aws_cloudwatch_metric_alarm" "cpu_high" {{
  alarm_name          = "${{local.name_prefix}}-cpu-high"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 300
  statistic           = "Average"
  threshold           = {r.choice([70, 80, 90])}
  alarm_actions       = [aws_sns_topic.alarms.arn]

  dimensions = {{
    AutoScalingGroupName = aws_autoscaling_group.workers.name
  }}
}}

resource "aws_sns_topic" "alarms" {{
  name = "${{local.name_prefix}}-alarms"
  tags = local.common_tags
}}

resource "aws_sns_topic_subscription" "alarms_email" {{
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}}
"""


def _cache(r: random.Random, m: int) -> str:
    return f"""resource "aws_elasticache_subnet_group" "main" {{
  name       = "${{local.short_name}}-cache"
  subnet_ids = aws_subnet.private[*].id
}}

resource "aws_elasticache_replication_group" "main" {{
  replication_group_id       = "svc{m:03d}-${{var.environment}}-cache"
  description                = "Cache of ${{local.name_prefix}}"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.t4g.{r.choice(["micro", "small", "medium"])}"
  num_cache_clusters         = 2
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.main.name
  security_group_ids         = [aws_security_group.workers.id]
  at_rest_encryption_enabled = true
  transit_encryption_enabled = false
  automatic_failover_enabled = true

  tags = local.common_tags
}}
"""


def _alb(r: random.Random, m: int) -> str:
    return f"""resource "aws_lb" "main" {{
  name                       = "${{local.short_name}}-alb"
  load_balancer_type         = "application"
  internal                   = {str(r.random() < 0.3).lower()}
  security_groups            = [aws_security_group.lb.id]
  subnets                    = aws_subnet.public[*].id
  drop_invalid_header_fields = true

  tags = local.common_tags
}}

resource "aws_lb_target_group" "workers" {{
  name_prefix = "w{m % 100:02d}-"
  port        = local.worker_ports.http
  protocol    = "HTTP"
  vpc_id      = aws_vpc.main.id

  health_check {{
    path                = "/healthz"
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }}
}}

resource "aws_lb_listener" "https" {{
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.workers.arn
  }}
}}
"""


def _outputs(r: random.Random, m: int) -> str:
    return """output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.main.id
}

output "private_subnet_ids" {
  description = "Private subnets, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "bucket_arns" {
  description = "Data bucket ARNs by purpose."
  value       = { for k, b in aws_s3_bucket.data : k => b.arn }
}

output "db_endpoint" {
  description = "Endpoint of the database."
  value       = aws_db_instance.main.endpoint
}
"""


# Resource files of 85-160 lines, like real modules' files; `main.tf` also holds the locals.
_FILES: list[tuple[str, tuple[Callable[[random.Random, int], str], ...]]] = [
    ("main.tf", (_locals, _network, _security)),
    ("data.tf", (_storage, _cache, _database)),
    ("app.tf", (_compute, _alb)),
]
_HEADER = (
    "# Generated by benchmarks/corpus.py: a realistic module for timing tapfix. Not real infrastructure.\n\n"
)


def _module(r: random.Random, m: int, files: int) -> dict[str, str]:
    """Variables, locals and outputs plus resource files, `files` files in all. A module with more
    resource files than there are kinds gets numbered copies, with renamed resources."""
    out = {"variables.tf": _variables(r, m), "outputs.tf": _outputs(r, m)}
    for i in range(max(files - len(out), 1)):
        name, makers = _FILES[i % len(_FILES)]
        copy = i // len(_FILES)
        text = "\n".join(make(r, m) for make in makers if not (copy and make is _locals))
        if copy:
            name = name.replace(".tf", f"_{copy}.tf")
            text = _rename(text, f"_{copy}")
        out[name] = text
    return {name: _HEADER + text for name, text in out.items()}


def _rename(text: str, suffix: str) -> str:
    """Copies of a resource file in one module need distinct resource names."""
    return re.sub(r'^(resource|data) "([^"]+)" "([^"]+)"', rf'\1 "\2" "\3{suffix}"', text, flags=re.M)


def _lines(files: dict[str, str]) -> int:
    return sum(t.count("\n") for t in files.values())


def one_file_module(lines: int) -> str:
    """One module of at least `lines` lines of realistic resources, as a single file's text (the
    soak's and benchmarks/large_module.py's large module)."""
    count = 4
    while True:
        module = _module(random.Random(7), 0, count)
        if _lines(module) >= lines:
            return "\n".join(module.values())
        count = max(count + 1, int(count * lines / max(_lines(module), 1)))


def write_corpus(out: Path, files: int = 1000, lines: int = 100_000, seed: int = 7) -> dict[str, int]:
    """Write about `files` files and `lines` lines of modules under `out`; returns the real counts."""
    r = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    written_files = written_lines = modules = 0
    while written_files < files or written_lines < lines:
        m = modules
        module = _module(r, m, 4 + m % 4)  # 4 to 7 files, as modules vary
        folder = out / f"team-{m % 9}" / f"svc{m:03d}"
        folder.mkdir(parents=True)
        for name, text in module.items():
            (folder / name).write_text(text)
        (folder / "user_data.sh").write_text("#!/bin/bash\nset -euo pipefail\necho ${team}\n")
        written_files += len(module)
        written_lines += _lines(module)
        modules += 1
    return {"files": written_files, "lines": written_lines, "modules": modules}


def write_single_module(out: Path, lines: int = 1300, seed: int = 7) -> dict[str, int]:
    """One module of about `lines` lines, as many files as that takes."""
    r = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    count = 4
    module = _module(r, 0, count)
    while _lines(module) < lines:
        count += 1
        module = _module(random.Random(seed), 0, count)
    for name, text in module.items():
        (out / name).write_text(text)
    (out / "user_data.sh").write_text("#!/bin/bash\nset -euo pipefail\necho ${team}\n")
    return {"files": len(module), "lines": _lines(module), "modules": 1}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--single-module", action="store_true")
    args = parser.parse_args()
    if args.single_module:
        counts = write_single_module(args.out, args.lines, args.seed)
    else:
        counts = write_corpus(args.out, args.files, args.lines, args.seed)
    print(f"{counts['files']} files, {counts['lines']} lines, {counts['modules']} modules in {args.out}")


if __name__ == "__main__":
    main()
