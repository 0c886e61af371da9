# `%{~` strips the indentation of its own line before the heredoc's common indentation is removed,
# which a template file cannot reproduce line by line: the finding comes without a fix.
variable "packages" {
  description = "Packages every worker installs."
  type        = list(string)
  default     = ["jq", "htop", "tmux"]
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.small"

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail
    %{~for pkg in var.packages~}
    dnf install -y ${pkg}
    %{endfor~}
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
  )
}
