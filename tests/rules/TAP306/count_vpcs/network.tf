resource "aws_vpc" "env" {
  count      = length(var.vpc_cidrs)
  cidr_block = var.vpc_cidrs[count.index]

  tags = {
    Name = "env-${count.index}"
  }
}

# Application logs keep the team's retention; flow logs should follow it.
resource "aws_cloudwatch_log_group" "app" {
  name              = "/app/orders"
  retention_in_days = var.log_retention_days
}
