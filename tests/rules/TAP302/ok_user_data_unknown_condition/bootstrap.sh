#!/bin/bash
%{ for package in packages ~}
dnf install -y ${package}
%{ endfor ~}
%{ if with_agent ~}
dnf install -y amazon-cloudwatch-agent
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ssm:AmazonCloudWatch-app
%{ endif ~}
