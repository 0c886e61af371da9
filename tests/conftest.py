import os

# Rule bugs must fail tests loudly instead of becoming "internal error" scan errors.
os.environ.setdefault("TAPFIX_DEBUG", "1")

from tests.support.fixtures import *  # noqa: F403  (HashiCorp parser / terraform validate harness)
