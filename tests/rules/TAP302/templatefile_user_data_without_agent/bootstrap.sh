#!/bin/bash
# The memory alarm below expects the CloudWatch agent; this script never starts it.
%{ for package in packages ~}
dnf install -y ${package}
%{ endfor ~}
echo "region ${region}" > /etc/app-region
