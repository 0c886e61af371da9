variable "github_token" {
  description = "Token the deploy pipeline uses to read private modules."
  type        = string
  sensitive   = false
  default     = null
}

resource "aws_secretsmanager_secret" "github" {
  name = "ci/github-token"
}

resource "aws_secretsmanager_secret_version" "github" {
  count = var.github_token == null ? 0 : 1

  secret_id     = aws_secretsmanager_secret.github.id
  secret_string = var.github_token
}
