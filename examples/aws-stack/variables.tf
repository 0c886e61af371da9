variable "region" {
  description = "AWS region to deploy the checkout stack into."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "The region must be an AWS region name such as us-east-1."
  }
}

variable "project" {
  description = "Project name, used as the prefix of most resource names."
  type        = string
  default     = "storefront-checkout"
}

variable "project_code" {
  description = "Short project code for resources with tight name limits (load balancers, target groups)."
  type        = string
  default     = "sfc"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,5}$", var.project_code))
    error_message = "The project_code must be 2-6 lowercase letters or digits and start with a letter."
  }
}

variable "environment" {
  description = "Deployment environment."
  type        = string
  default     = "production"

  validation {
    condition     = contains(["development", "staging", "production"], var.environment)
    error_message = "The environment must be one of development, staging or production."
  }
}

variable "owner" {
  description = "Team that owns the stack, written to the Owner tag."
  type        = string
  default     = "checkout-team"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "The vpc_cidr must be a valid IPv4 CIDR block."
  }
}

variable "ssh_ingress_cidr" {
  description = "CIDR allowed to SSH into the app instances (on-call debugging)."
  type        = string
  default     = "0.0.0.0/0"
}

variable "instance_type" {
  description = "EC2 instance type of the app instances."
  type        = string
  default     = "m6i.large"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "The instance_type must look like m6i.large."
  }
}

variable "asg_min_size" {
  description = "Minimum number of app instances."
  type        = number
  default     = 2
}

variable "asg_max_size" {
  description = "Maximum number of app instances."
  type        = number
  default     = 6
}

variable "app_port" {
  description = "Port the checkout service listens on."
  type        = number
  default     = 8080
}

variable "app_version" {
  description = "Release of the checkout service to install."
  type        = string
  default     = "1.42.0"
}

variable "artifact_bucket" {
  description = "Bucket holding the checkout service release artifacts."
  type        = string
  default     = "storefront-release-artifacts"
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listener."
  type        = string
}

variable "db_instance_class" {
  description = "RDS instance class of the MySQL database."
  type        = string
  default     = "db.r6g.large"

  validation {
    condition     = startswith(var.db_instance_class, "db.")
    error_message = "The db_instance_class must start with \"db.\"."
  }
}

variable "db_username" {
  description = "Master user name of the MySQL database."
  type        = string
  default     = "checkout_admin"
}

variable "db_password" {
  description = "Master password of the MySQL database."
  type        = string
}

variable "redis_node_type" {
  description = "ElastiCache node type of the session store."
  type        = string
  default     = "cache.r6g.large"

  validation {
    condition     = startswith(var.redis_node_type, "cache.")
    error_message = "The redis_node_type must start with \"cache.\"."
  }
}

variable "log_retention_days" {
  description = "Days to keep ALB access logs."
  type        = number
  default     = 90
}

variable "alarm_email" {
  description = "Address that receives CloudWatch alarm notifications."
  type        = string
}
