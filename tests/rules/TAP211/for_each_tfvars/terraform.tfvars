tls = true
