resource "aws_instance" "small" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/bash
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
  EOT
}
