enable_flow_logs = false
