"""Everything that talks to GitHub: events, the REST/GraphQL client, diff mapping, review building,
the summary comment, fingerprints, and the two-job mode for fork pull requests.

The flow (reviewdog's three stages): read the PR (files, patches, module snapshots at base and head)
-> decide, once, where each finding goes (inline on the diff, or the summary) -> report (post the
review, edit the summary, mark fixed comments). `bot/action_main.py` wires them together.
"""
