data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }
}

variable "workers" {
  type    = map(string)
  default = { ingest = "t3.small", export = "t3.medium" }
}

resource "aws_instance" "worker" {
  for_each      = var.workers
  ami           = data.aws_ami.al2023.id
  instance_type = each.value
  user_data     = file("${path.module}/scripts/worker.sh")
}
