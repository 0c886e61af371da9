data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

resource "aws_instance" "billing_api" {
  ami           = data.aws_ssm_parameter.al2023.value
  instance_type = "t3.large"

  user_data = <<-EOT
    #!/bin/bash
    dnf install -y amazon-cloudwatch-agent billing-api
    mkdir -p /var/log/billing-api
    /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ssm:${aws_ssm_parameter.agent.name}
  EOT
}
