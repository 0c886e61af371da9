# The fake GitHub of tests/github, for the fault matrix and the hostile pull request tests here.
from tests.github.conftest import github  # noqa: F401
