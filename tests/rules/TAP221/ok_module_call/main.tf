module "analytics_db" {
  source = "./postgres"

  identifier                = "analytics"
  final_snapshot_identifier = "analytics-final"
}
