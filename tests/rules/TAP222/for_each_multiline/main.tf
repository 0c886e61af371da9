locals {
  tenants = {
    acme    = "db.t4g.medium"
    globex  = "db.t4g.large"
    initech = ""
  }
}

# One database per tenant that has an instance class.
resource "aws_db_instance" "tenant" {
  for_each = {
    for name, class in local.tenants : name => class
    if class != "" # initech is not migrated yet
  }

  identifier        = "tenant-${each.key}"
  engine            = "postgres"
  engine_version    = "16.4"
  instance_class    = each.value
  allocated_storage = 20

  username                    = "tenant"
  manage_master_user_password = true
  skip_final_snapshot         = true
}
