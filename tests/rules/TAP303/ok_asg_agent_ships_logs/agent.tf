resource "aws_cloudwatch_log_group" "api" {
  name              = "/ec2/billing-api"
  retention_in_days = 60
}

resource "aws_ssm_parameter" "agent" {
  name = "AmazonCloudWatch-billing-api"
  type = "String"
  value = jsonencode({
    logs = {
      logs_collected = {
        files = {
          collect_list = [
            {
              file_path       = "/var/log/billing-api/*.log"
              log_group_name  = aws_cloudwatch_log_group.api.name
              log_stream_name = "{instance_id}"
            },
            {
              file_path         = "/var/log/billing-api/gc.log"
              log_group_name    = "billing-api-gc"
              retention_in_days = 7
            }
          ]
        }
      }
    }
  })
}
