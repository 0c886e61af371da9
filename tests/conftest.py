import os

# Rule bugs must fail tests loudly instead of becoming "internal error" scan errors.
os.environ.setdefault("TAPFIX_DEBUG", "1")

try:
    from tests.support.fixtures import *  # noqa: F403  (the HashiCorp parser / terraform validate harness)
except ImportError:  # the harness module is being written; tests that need it will say so
    pass
