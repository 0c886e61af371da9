variable "user_data" {
  description = "Script the instances run at boot."
  type        = string
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = var.user_data
}
