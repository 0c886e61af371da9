variable "create_sessions" {
  description = "Whether this environment has a session store."
  type        = bool
  default     = true
}

variable "redis_engine_version" {
  description = "Redis engine version of the session store."
  type        = string
  default     = "6.2"
}
