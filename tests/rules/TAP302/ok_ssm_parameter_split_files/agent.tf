resource "aws_ssm_parameter" "agent" {
  name = "AmazonCloudWatch-api"
  type = "String"
  value = jsonencode({
    metrics = {
      append_dimensions      = { InstanceId = "$${aws:InstanceId}" }
      metrics_collected      = { mem = { measurement = ["mem_used_percent"] } }
      aggregation_dimensions = [["InstanceId"]]
    }
  })
}
