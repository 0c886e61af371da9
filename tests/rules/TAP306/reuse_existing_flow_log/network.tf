resource "aws_vpc" "shared" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_flow_log" "shared" {
  vpc_id          = aws_vpc.shared.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn    = aws_iam_role.flow_logs.arn
}

# Added later for the PCI workloads; nobody wired up its flow log.
resource "aws_vpc" "isolated" {
  cidr_block = "10.71.0.0/16"
}
