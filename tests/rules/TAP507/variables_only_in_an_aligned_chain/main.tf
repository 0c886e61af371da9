variable "app_port" {
  description = "Port the service listens on."
  type        = number
  default     = 8080
}

variable "environment" {
  description = "Deployment environment."
  type        = string
  default     = "staging"
}

resource "aws_instance" "api" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.small"
  user_data     = <<-EOT
    #!/bin/bash
    echo "port=${var.app_port} env=${var.environment}" > /etc/api.conf
    echo step-0
    echo step-1
    echo step-2
    echo step-3
    echo step-4
    echo step-5
    echo step-6
    echo step-7
    echo step-8
    echo step-9
    echo step-10
    echo step-11
    echo step-12
    echo step-13
    echo step-14
    echo step-15
    echo step-16
    echo step-17
    echo step-18
    echo step-19
  EOT
  monitoring    = true
}
