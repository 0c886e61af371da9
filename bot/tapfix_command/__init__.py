"""The `/tapfix` pull-request comment command: parse it (parse.py), compute the verified fixes for
the PR's changed files (fixes.py), commit them through the Git Data API (bot/github/commit.py) or
show them as a patch (patch.py), and reply (reply.py); run.py ties it together."""
