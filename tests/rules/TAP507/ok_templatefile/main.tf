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

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.small"

  user_data = base64encode(templatefile("${path.module}/templates/app.sh.tftpl", {
    app_port = var.app_port
  }))
}
