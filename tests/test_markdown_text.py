"""What the PR author controls cannot format, ping, link or break out in our Markdown, and shows
exactly as it is: rendered with cmark-gfm (GitHub's parser) and read the way GitHub post-processes
the HTML, where mentions, issue references and links are found in the decoded text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.markdown_text import cell_code, code, escape, fence, html_text, unlinked
from bot.terminal_text import visible

ZWSP = "\u200b"
# What GitHub turns into a mention, an issue reference or a link in rendered text.
AUTOLINKED = re.compile(r"@[A-Za-z0-9]|#\d|(?i:\bgh-\d)|://|(?i:\bwww\.)")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.comments: list[str] = []
        self.text: list[str] = []
        self.code: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag == "code":
            self._in_code += 1
            self.code.append("")

    def handle_endtag(self, tag):
        if tag == "code":
            self._in_code -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self._in_code:
            self.code[-1] += data

    def handle_comment(self, data):
        self.comments.append(data)


def render(markdown: str) -> _Page:
    page = _Page()
    page.feed(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))
    return page


def shown(text: str) -> str:
    """What `escape` promises to show: the text on one line, without the edges Markdown drops, with
    control, bidi and zero-width characters as escapes."""
    one_line = text.replace("\r", " ").replace("\n", " ")
    return "\t".join(visible(part) for part in one_line.split("\t")).strip()


# Where the bot puts escaped text: its own paragraph, the line after a paragraph (a setext heading
# underline?), mid-sentence, before a line, a table cell, link text, a list item, a block quote,
# inside bold, and right before what callers write next ("(", "<br>", ".", a link).
CONTEXTS = (
    "{}",
    "intro\n{}",
    "before {} after",
    "{}\nnext line",
    "| h | i |\n|---|---|\n| {} | c |",
    "| h |\n|---|\n| [{}](https://ok.example/blob#L1) |",
    "[{}](https://ok.example/blob#L1)",
    "- {}",
    "> {}",
    "**[TAP201](https://ok.example/r) · {}** · severity",
    "x {}(after)",
    "x {}<br>caused by",
    "x {}.",
    "x {}[link](https://ok.example/l)",
)
MARK = "QQQ"

# Heavy in Markdown punctuation, with the sequences that mean something to GitHub.
_CHARS = (
    list("\\`*_{}[]()<>#+-.!|~@:&\"';=/$%^?,")
    + list("abwhtpsGHx0129")
    + [" ", " ", "\t", "\n", "\r", "é", "\u00a0", "\u202e", "\u2066", "\u200d", "\x1b", "\x85"]
)
_TOKENS = [
    "www.", "http://", "https://", "mailto:", "xmpp:", "@a", "@-", "#1", "GH-1", "o/r#1", "a@b.co",
    "<!--", "-->", "<a>", "</a>", "<http://a>", "&amp;", "&#64;", "&#x40;", "&copy", "```", "~~~",
    "](", "[a]", "[a]:", "[^1]", "[ ] ", "![", "1. ", "1) ", "- ", "+ ", "* ", "> ", "# ", "***",
    "___", "---", "===", "~~", "  ", "    ", "\\\n", "aws_s3_bucket.logs", "a_b", "_a_",
]  # fmt: skip
HOSTILE_TEXT = st.lists(st.sampled_from(_CHARS + _TOKENS), max_size=24).map("".join)


def _assert_shows_exactly(template: str, text: str) -> None:
    # Not even the raw body holds a tag or a forged `<!-- tapfix ... -->` marker.
    assert not re.search(r"<[^ \t]", escape(text)), escape(text)
    plain = render(template.format(MARK))
    page = render(template.format(escape(text)))
    assert page.tags == plain.tags, (template, escape(text))  # no element the text made
    assert page.hrefs == plain.hrefs and page.comments == [], (template, escape(text))
    seen = "".join(page.text)
    assert seen.replace(ZWSP, "") == "".join(plain.text).replace(MARK, shown(text)), (template, escape(text))
    assert not AUTOLINKED.search(seen), (template, escape(text), AUTOLINKED.findall(seen))


@settings(max_examples=1500, deadline=None)
@given(HOSTILE_TEXT)
def test_escaped_text_renders_as_exactly_that_text_in_every_context_the_bot_uses(text):
    if not shown(text):
        return
    for template in CONTEXTS:
        _assert_shows_exactly(template, text)


@settings(max_examples=500, deadline=None)
@given(HOSTILE_TEXT)
def test_text_in_a_details_summary_shows_exactly_and_stays_inert(text):
    # A `<details><summary>` line is an HTML block: Markdown escapes would show, entities work.
    template = "<details><summary>Fix at {}</summary>\n\nbody\n\n</details>"
    if not shown(text):
        return
    plain = render(template.format(MARK))
    page = render(template.format(html_text(text)))
    assert page.tags == plain.tags and page.comments == []
    seen = "".join(page.text)
    assert seen.replace(ZWSP, "") == "".join(plain.text).replace(MARK, shown(text))
    assert not AUTOLINKED.search(seen)


@settings(max_examples=500, deadline=None)
@given(HOSTILE_TEXT)
def test_a_code_span_holds_exactly_the_text_in_a_sentence_and_in_a_table_cell(text):
    if not text.replace("\r", "").replace("\n", ""):
        return
    one_line = "\t".join(visible(p) for p in text.replace("\r", " ").replace("\n", " ").split("\t"))
    for markdown, tags in (
        (f"x {code(text)} y", ["p", "code"]),
        (
            f"| h | i |\n|---|---|\n| {cell_code(text)} | c |",
            render("| h | i |\n|---|---|\n| `q` | c |").tags,
        ),
    ):
        page = render(markdown)
        assert page.tags == tags and page.code == [one_line], (markdown, page.code)


# --- ordinary Terraform text stays as it is ------------------------------------------------------

ORDINARY = [
    "aws_s3_bucket.logs",
    "modules/net/main.tf",
    "modules/net/main.tf:12",
    "10.0.0.0/16",
    "arn:aws:iam::123:role/x",
    "aws_s3_bucket.logs has no versioning: overwritten or deleted objects cannot be recovered",
    'module.vpc["eu-west-1"].aws_subnet.private[0] is public',
    "s3-versioning-missing",
    "var.cidr_blocks must not include 0.0.0.0/0",
    "it (expiration.days = var.log_retention_days) expires; STANDARD_IA from day 30 costs less",
    '"arn:aws:iam::${local.elb_account_id}:root"',
    "x >= 1, y < 2 && z",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_terraform_addresses_paths_cidrs_and_arns_are_not_escaped_and_render_as_themselves(text):
    assert escape(text) == text
    assert "".join(render(escape(text)).text).strip() == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("aws_instance.web[*].id", "aws_instance.web[\\*].id"),  # `*` makes emphasis even inside words
        ("1. first", "1\\. first"),  # only at the start, only as a list marker
        ("- item", "\\- item"),
        ("# title", "\\# title"),
        ("> quote", "\\> quote"),
        ("_private", "\\_private"),  # `_` at a word's edge can open emphasis; inside a word it cannot
        ("a|b", "a\\|b"),
        ("~> 5.0", "\\~> 5.0"),
        ("<b> a < b", "&lt;b> a < b"),
        ("&amp; &copy; a & b", "\\&amp; \\&copy; a & b"),
        ("x[0]", "x\\[0\\]"),  # a `]` that ends the text could meet a "(" the caller writes next
        ("[x](y)", "\\[x\\](y)"),
        ("C:\\dir\\*", "C:\\dir\\\\\\*"),  # a backslash stays unless it would escape what follows
        ('"${var.env}-${var.name}"', '"\\${var.env}-\\${var.name}"'),  # GitHub math: `$...$`
    ],
)
def test_markdown_punctuation_is_escaped_only_where_it_means_something(text, escaped):
    assert escape(text) == escaped
    assert "".join(render(escaped).text).strip() == text


# --- nothing from the PR can ping, link or inject -------------------------------------------------


def test_escape_neutralises_mentions_issue_refs_html_and_markers():
    out = escape("@octocat fixes #12 <!-- tapfix:fp=abc --> <img src=x> [x](http://e)")
    # GitHub decodes escapes and entities before it looks for mentions and references: only a
    # zero-width space after the trigger breaks them.
    assert f"@{ZWSP}octocat" in out and f"#{ZWSP}12" in out
    page = render(out)
    assert page.tags == ["p"] and page.comments == [] and page.hrefs == []
    assert not AUTOLINKED.search("".join(page.text))


@pytest.mark.parametrize(
    "text",
    [
        "user@-x.com",  # cmark-gfm links an e-mail address whose domain starts with "-"
        "x_www.evil.example",  # and www. after an underscore
        "mailto:a@b.co",
        "xmpp:a@b.co/x",
        "HTTPS://evil.example",
        "o/r#1 GH-7 gh-8 @org/team",
    ],
)
def test_autolinks_that_need_no_word_boundary_are_broken_too(text):
    page = render(escape(text))
    assert page.hrefs == [] and not AUTOLINKED.search("".join(page.text))


def test_unlinked_breaks_the_same_triggers_in_plain_text():
    assert unlinked("fixes #12 by @me via https://x and www.y GH-3") == (
        f"fixes #{ZWSP}12 by @{ZWSP}me via https:{ZWSP}//x and www{ZWSP}.y GH-{ZWSP}3"
    )


def test_escape_keeps_table_cells_on_one_line_and_pipes_escaped():
    assert escape("a|b\nc") == "a\\|b c"


def test_html_text_escapes_only_what_html_reads():
    assert html_text("a<b>&c d_e.f") == "a&lt;b&gt;&amp;c d_e.f"


# --- code spans and fences -----------------------------------------------------------------------


def test_code_span_survives_backticks_in_content():
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"


def test_code_span_keeps_spaces_at_both_ends():
    assert render(code(" a ")).code == [" a "]


def test_fence_is_longer_than_any_backtick_run_in_content():
    content = 'x = "```"\ny = "````"\n'
    block = fence(content, "suggestion")
    assert block.startswith("`````suggestion\n") and block.endswith("\n`````")
    assert fence("plain").startswith("```\n")
