resource "aws_ssm_parameter" "web_agent" {
  name = "AmazonCloudWatch-web"
  type = "String"
  value = jsonencode({
    logs = {
      logs_collected = {
        files = {
          collect_list = [
            {
              file_path       = "/var/log/nginx/access.log"
              log_group_name  = "web-access"
              log_stream_name = "{instance_id}"
            }
          ]
        }
      }
    }
  })
}
