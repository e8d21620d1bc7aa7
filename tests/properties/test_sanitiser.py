"""The one Markdown renderer (learnapp/content/render.py render_markdown): nothing active out.

Whatever an author writes, the HTML has no script, no event handler, no javascript:/data:
URL, no style, no form and no element outside the inert allowlist. Two judges: the project's
page checker (tests/security/hostile.py) and the stricter allowlist in tests/properties/inert.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from learnapp.content.render import render_markdown, render_plain
from tests.properties.inert import strict_findings, url_scheme
from tests.security.hostile import VECTORS, active_content, assert_no_active_content

TAGS = ("script", "iframe", "img", "svg", "a", "style", "object", "form", "math", "embed")
TAGS += ("input", "button", "details", "video", "base", "meta", "link", "p", "div", "span")
ATTRIBUTES = ("href", "src", "style", "class", "id", "title", "srcdoc", "formaction", "action")
ATTRIBUTES += ("onerror", "onload", "onclick", "OnMouseOver", "on", "xlink:href", "srcset")
URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    " \x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:image/svg+xml;base64,PHN2Zz4=",
    "https://example.org/",
    "/courses",
    "#top",
    "mailto:a@b.example",
    "expression(alert(1))",
    "x onerror=alert(1)",
)
FRAGMENTS = (
    "<",
    ">",
    "</",
    "/>",
    '"',
    "'",
    "`",
    "=",
    "/",
    " ",
    "\n",
    "\n\n",
    "\t",
    "javascript:",
    "on",
    "onerror",
    "onclick",
    "alert(1)",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "{:",
    "}",
    "&#106;",
    "&#x6A;",
    "&colon;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&amp;",
    "<!--",
    "-->",
    "<![CDATA[",
    "!!! note",
    "    ",
    "```",
    "|",
    "---",
    "\\",
    "%",
    "\u2028",
    "\uff1c",
    *TAGS,
    *ATTRIBUTES,
    *URLS,
)

SLOW_OK = [HealthCheck.too_slow]  # a busy shared machine must not fail the run


@st.composite
def tags(draw):  # type: ignore[no-untyped-def]
    """<tag attr="value" ...>inner</tag> with hostile names and values, quoted every way."""
    name = draw(st.sampled_from(TAGS))
    parts = []
    for attribute, value in draw(
        st.lists(st.tuples(st.sampled_from(ATTRIBUTES), st.sampled_from(URLS)), max_size=3)
    ):
        quote = draw(st.sampled_from(['"', "'", "", "`"]))
        parts.append(f"{attribute}={quote}{value}{quote}")
    inner = draw(st.sampled_from(("", "x", "alert(1)", "<b>y</b>", "<script>alert(1)</script>")))
    close = draw(st.sampled_from((f"</{name}>", "", "/>")))
    return f"<{name} {' '.join(parts)}>{inner}{close}"


@st.composite
def markdown_links(draw):  # type: ignore[no-untyped-def]
    """Links, images, autolinks, reference links and attribute lists with hostile targets."""
    url = draw(st.sampled_from(URLS))
    text = draw(st.sampled_from(("x", "click", "<img src=x onerror=alert(1)>", "")))
    attribute = draw(st.sampled_from(ATTRIBUTES))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"[{text}]({url})"
    if kind == 1:
        return f"![{text}]({url})"
    if kind == 2:
        return f"<{url}>"
    if kind == 3:
        return f"[{text}][r]\n\n[r]: {url}"
    if kind == 4:
        return f'## {text}\n{{: {attribute}="{url}" }}'
    return f'[{text}]({url}){{: {attribute}="{url}" }}'


sources = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        tags(),
        markdown_links(),
        st.text(max_size=4),
        st.sampled_from(VECTORS),
    ),
    max_size=12,
).map("".join)


def _judge(source: str, html: str) -> None:
    page = f"<!doctype html><title>t</title><div>{html}</div>"
    assert_no_active_content(page, repr(source))
    findings = strict_findings(html)
    assert not findings, f"active content from {source!r}:\n{html}\n" + "\n".join(findings[:10])


@settings(max_examples=400, deadline=None, suppress_health_check=SLOW_OK)
@given(source=sources)
@example(source="<img src=x onerror=alert(1)>")
@example(source='<a href="#" onclick="alert(1)">x</a>')
@example(source="[click](javascript:alert(1))")
@example(source='<a href="javascript:alert(1)">x</a>')
@example(source="![x](javascript:alert(1))")
@example(source='## Title\n{: onclick="alert(1)" }')
@example(source='<p style="background:url(javascript:alert(1))">x</p>')
@example(source='<div class="flash-error">x</div>')
def test_rendered_markdown_has_no_active_content(source):
    _judge(source, str(render_markdown(source)))


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_OK)
@given(source=sources)
def test_short_author_text_has_no_active_content(source):
    _judge(source, str(render_plain(source)))


@pytest.mark.parametrize("vector", VECTORS)
def test_every_known_vector_renders_inert(vector):
    _judge(vector, str(render_markdown(vector)))


def test_allowed_links_and_styles_survive():
    """The sanitiser is not inert by throwing everything away: good markup stays."""
    html = str(
        render_markdown(
            "## Hallo\n\n[Hilfe](https://example.org/hilfe) [Kurs](/courses) [Tel](tel:+4912345)"
            "\n\n![Tablet](/static/tablet.svg)\n\n!!! tip\n    Gut gemacht."
        )
    )
    assert '<a href="https://example.org/hilfe">Hilfe</a>' in html
    assert '<a href="/courses">Kurs</a>' in html and 'href="tel:+4912345"' in html
    assert '<img alt="Tablet" src="/static/tablet.svg">' in html
    assert '<div class="admonition tip">' in html
    assert not strict_findings(html)


# The stricter judge must itself bite: everything below runs or pulls in something, or borrows
# the site's own look, and each must be found (most of them pass hostile.py's page checker,
# which has to allow the app's own scripts, styles and forms).
ACTIVE = (
    '<script src="/static/evil.js"></script>',
    "<script>alert(1)</script>",
    '<link rel=stylesheet href="/static/x.css">',
    "<style>p{color:red}</style>",
    '<p style="color:red">x</p>',
    "<form><input name=password type=password><button>Go</button></form>",
    '<form action="/logout" method=post><button>Weiter</button></form>',
    '<a href="https://evil.example" target="_blank">x</a>',
    '<p class="flash flash-error">Ihr Konto ist gesperrt</p>',
    '<svg><a href="/x"><text>x</text></a></svg>',
    '<math href="javascript:alert(1)">x</math>',
    '<meta name="referrer" content="unsafe-url">',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href=" \x01JavaScript:alert(1)">x</a>',
    '<a href="data:text/html,x">x</a>',
    '<img src="x" onerror="alert(1)">',
    '<img srcset="x 1x, javascript:alert(1) 2x">',
    "<div popover id=p>x</div>",
    "<p contenteditable>x</p>",
    '<video src="/x.mp4" autoplay></video>',
    '<iframe srcdoc="x"></iframe>',
    "<textarea>x</textarea>",
    "<dialog open>x</dialog>",
    '<base href="https://evil.example/">',
)


@pytest.mark.parametrize("html", ACTIVE)
def test_the_strict_judge_finds_active_content(html):
    assert strict_findings(f"<div>{html}</div>"), html


@pytest.mark.parametrize("vector", VECTORS)
def test_the_strict_judge_is_at_least_as_strict_as_the_page_checker(vector):
    page = f"<!doctype html><title>t</title><p>{vector}</p>"
    if active_content(page):
        assert strict_findings(f"<p>{vector}</p>"), vector


@pytest.mark.parametrize(
    ("value", "scheme"),
    [
        ("javascript:x", "javascript"),
        (" \x00\x1fJaVa\tScript:x", "javascript"),
        ("java\nscript:x", "javascript"),
        ("\u2028\u200bjavascript:x", "javascript"),  # stricter than browsers, on purpose
        ("java\x00script:x", None),  # a NUL is not removed: not a scheme, a relative path
        ("/a:b", None),
        ("#x:y", None),
        ("HTTPS://x", "https"),
        ("tel:+49", "tel"),
    ],
)
def test_scheme_reading_follows_the_url_standard(value, scheme):
    assert url_scheme(value) == scheme
