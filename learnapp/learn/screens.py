"""Helpers the simulated practice screens draw with: the address bar's host, links in messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint

from learnapp.content.render import ltr_text

# What a phone shows as a tappable link inside a message.
LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"“”„]+[^\s<>\"“”„.,;:!?)]")


@dataclass(frozen=True)
class TextPart:
    text: str
    is_link: bool


def address_host(address: str) -> str:
    """The host name a phone's browser shows in its one-line address bar (no scheme, no path)."""
    text = str(address).strip()
    try:
        host = urlsplit(text if "://" in text else "https://" + text).hostname
    except ValueError:  # an author's odd address ("[x]"): shown as written, never a 500
        return text
    return host or text


def link_parts(text: str) -> list[TextPart]:
    """A message's text cut into plain runs and the web addresses a phone would underline."""
    text = str(text)
    parts: list[TextPart] = []
    position = 0
    for match in LINK.finditer(text):
        if match.start() > position:
            parts.append(TextPart(text[position : match.start()], False))
        parts.append(TextPart(match.group(0), True))
        position = match.end()
    if position < len(text):
        parts.append(TextPart(text[position:], False))
    return parts


def register(bp: Blueprint) -> None:
    bp.add_app_template_filter(ltr_text, "ltr_islands")
    bp.add_app_template_filter(address_host, "address_host")
    bp.add_app_template_filter(link_parts, "link_parts")
