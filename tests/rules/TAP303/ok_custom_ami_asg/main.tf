variable "golden_ami_id" {
  description = "Packer-built image with the logging agent baked in."
  type        = string
}

resource "aws_launch_template" "api" {
  name_prefix   = "api-"
  image_id      = var.golden_ami_id
  instance_type = "m7g.large"

  user_data = base64encode(<<-EOT
    #!/bin/bash
    mkdir -p /var/log/api
    systemctl enable --now api
  EOT
  )
}

resource "aws_autoscaling_group" "api" {
  name                = "api"
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

  launch_template {
    id      = aws_launch_template.api.id
    version = aws_launch_template.api.latest_version
  }
}
