output "listener_ports" {
  value = [for l in var.listeners : l.port]
}
