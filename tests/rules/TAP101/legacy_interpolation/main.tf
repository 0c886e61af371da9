variable "app_port" {
  type    = number
  default = 8080
}

variable "certificate_arn" {
  type = string
}

variable "public_subnet_ids" {
  type = list(string)
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_security_group" "alb" {
  name_prefix = "api-alb-"
  description = "API load balancer"
  vpc_id      = "${aws_vpc.main.id}"
}

resource "aws_security_group_rule" "alb_https_in" {
  type              = "ingress"
  security_group_id = "${aws_security_group.alb.id}"
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "alb_out" {
  type              = "egress"
  security_group_id = "${aws_security_group.alb.id}"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_lb" "api" {
  name            = "api"
  security_groups = ["${aws_security_group.alb.id}"]
  subnets         = var.public_subnet_ids
}

resource "aws_lb_target_group" "api" {
  name     = "api"
  port     = var.app_port
  protocol = "HTTP"
  vpc_id   = "${aws_vpc.main.id}"

  health_check {
    path = "/health"
    port = "8081"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = "${aws_lb.api.arn}"
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = "${aws_lb_target_group.api.arn}"
  }
}
