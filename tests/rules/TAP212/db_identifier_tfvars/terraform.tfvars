environment = "Production"
