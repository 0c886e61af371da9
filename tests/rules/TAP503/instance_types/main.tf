variable "instance_type" {
  description = "EC2 instance type of the workers."
  type        = string
  default     = "m6i.large"
}

variable "db_size" {
  description = "Size of the reporting database."
  type        = string
  default     = "db.t4g.medium"
}

variable "cache_node" {
  description = "Size of the cache nodes."
  type        = string
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = var.instance_type
}

resource "aws_db_instance" "reports" {
  identifier                  = "reports"
  engine                      = "postgres"
  instance_class              = var.db_size
  allocated_storage           = 20
  username                    = "reports_admin"
  manage_master_user_password = true
  skip_final_snapshot         = true
}

resource "aws_elasticache_cluster" "cache" {
  cluster_id      = "reports-cache"
  engine          = "redis"
  node_type       = var.cache_node
  num_cache_nodes = 1
}

variable "bastion_type" {
  description = "EC2 instance type of the bastion."
  type        = string
  default     = "t3.micro"

  validation {
    condition     = startswith(var.bastion_type, "t3.")
    error_message = "The bastion runs on a t3 type."
  }
}

resource "aws_instance" "bastion" {
  ami           = "ami-0123456789abcdef0"
  instance_type = var.bastion_type
}
