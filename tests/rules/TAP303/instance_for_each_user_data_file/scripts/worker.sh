#!/bin/bash
dnf install -y python3.11
mkdir -p /var/log/batch-worker /opt/batch-worker
pip3.11 install batch-worker==1.4.0
nohup batch-worker --log-file /var/log/batch-worker/worker.log &
