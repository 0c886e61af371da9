redis_version = "6.2"
