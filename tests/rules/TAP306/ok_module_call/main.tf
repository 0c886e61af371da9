resource "aws_vpc" "main" {
  cidr_block = "10.93.0.0/16"
}

module "flow_logs" {
  source = "./flow-logs"
  vpc_id = aws_vpc.main.id
}
