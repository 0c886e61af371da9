resource "aws_instance" "bastion" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  user_data_replace_on_change = true
  user_data                   = <<EOF
#!/bin/bash
set -euxo pipefail
dnf install -y tmux htop jq
echo 'export PATH="$${PATH}:/opt/tools/bin"' >> /etc/profile.d/tools.sh
mkdir -p /opt/tools/bin
for tool in kubectl helm k9s; do
  curl -fsSLo "/opt/tools/bin/$tool" "https://tools.example.com/$tool"
  chmod +x "/opt/tools/bin/$tool"
done
echo "bastion ready" > /etc/motd
systemctl disable --now postfix || true
systemctl enable --now amazon-ssm-agent
timedatectl set-timezone UTC
echo "net.ipv4.ip_forward = 0" > /etc/sysctl.d/99-bastion.conf
sysctl --system
useradd --create-home ops || true
install -d -m 0700 -o ops -g ops /home/ops/.ssh
echo "AllowUsers ops" >> /etc/ssh/sshd_config
systemctl restart sshd
echo "cleanup"
dnf clean all
echo done
EOF
}
