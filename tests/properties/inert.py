"""A strict judge of sanitised lesson HTML: an allowlist, read the way a browser reads the page.

tests/security/hostile.py `active_content` judges whole pages, so it must let the app's own
`<script src="/static/...">`, `<link href="/static/...">` and forms posting to the site pass.
Sanitised author content may contain none of these, so this checker is an allowlist instead of
a denylist: every element must be a known inert formatting element, every attribute a known
inert one, every URL relative or http(s)/mailto/tel as a browser would read its scheme, and a
class attribute may only name the admonition styles (site CSS is no author's paint box).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import html5lib

# Elements that cannot run script, load a document or take input (html/head/body come from
# the parser itself).
INERT_ELEMENTS = frozenset(
    {
        "html",
        "head",
        "body",
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
# Attributes that carry no behaviour (URL attributes are judged by their value below).
INERT_ATTRIBUTES = frozenset(
    {"alt", "title", "width", "height", "align", "id", "class", "colspan", "rowspan", "start"}
)
URL_ATTRIBUTES = frozenset({"href", "src"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
SAFE_CLASSES = frozenset({"admonition", "admonition-title", "tip", "note", "warning", "mentor"})

# WHATWG URL parsing: leading/trailing C0 controls and spaces are stripped, tabs and newlines
# removed anywhere; then a scheme is letters, digits, + - . up to the first colon. To be on the
# safe side (older browsers, other readers) Unicode spaces and zero-width characters around the
# value are stripped too, which can only find more schemes, never fewer.
_STRIPPED = (
    "".join(chr(code) for code in range(0x21))
    + "\u0085\u00a0\u1680\u180e"
    + "".join(
        chr(code)
        for code in (*range(0x2000, 0x200E), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF)
    )
)
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads in an attribute value (None: a relative URL)."""
    cleaned = _TAB_OR_NEWLINE.sub("", value.strip(_STRIPPED))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _local(name: str) -> str:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        prefix = "xlink:" if namespace.endswith("xlink") else ""
        return prefix + local.lower()
    return name.lower()


def strict_findings(html: str) -> list[str]:
    """Everything in a fragment of sanitised HTML that is not plainly inert."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    tree = parser.parse(html, scripting=True)
    findings: list[str] = []
    for element in tree.iter():
        if isinstance(element.tag, str):
            findings.extend(_findings(element))
    return findings


def _findings(element: Element) -> Iterator[str]:
    tag = _local(element.tag)
    if element.tag.startswith("{") or tag not in INERT_ELEMENTS:
        yield f"element <{element.tag}> is not an inert formatting element"
    for raw_name, value in element.attrib.items():
        name = _local(raw_name)
        where = f"<{tag} {name}={value!r}>"
        if name in URL_ATTRIBUTES:
            scheme = url_scheme(value)
            if scheme is not None and scheme not in SAFE_SCHEMES:
                yield f"URL with scheme {scheme!r}: {where}"
        elif name == "class":
            unknown = set(value.split()) - SAFE_CLASSES
            if unknown:
                yield f"class outside the admonition styles {sorted(unknown)}: {where}"
        elif name not in INERT_ATTRIBUTES:
            yield f"attribute {name!r} is not inert: {where}"


def assert_inert(html: str, source: str = "") -> None:
    findings = strict_findings(html)
    assert not findings, f"active content from {source!r}:\n" + "\n".join(findings[:20])
