"""What the PR author controls cannot format, ping, link or break out in our Markdown."""

from bot.markdown_text import code, escape, fence


def test_escape_neutralises_mentions_issue_refs_html_and_markers():
    out = escape("@octocat fixes #12 <!-- tapfix:fp=abc --> <img src=x> [x](http://e)")
    # an entity alone is not enough: GitHub decodes it before it looks for mentions and references
    assert "@octocat" not in out and "&#64;\u200boctocat" in out
    assert "#12" not in out and "&#35;\u200b12" in out
    assert "<" not in out and ">" not in out
    assert "](" not in out


def test_escape_keeps_table_cells_on_one_line_and_pipes_escaped():
    assert escape("a|b\nc") == "a&#124;b c"


def test_code_span_survives_backticks_in_content():
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"


def test_fence_is_longer_than_any_backtick_run_in_content():
    content = 'x = "```"\ny = "````"\n'
    block = fence(content, "suggestion")
    assert block.startswith("`````suggestion\n") and block.endswith("\n`````")
    assert fence("plain").startswith("```\n")
