#!/bin/bash
# Installs and starts the CloudWatch agent with the config from SSM.
