"""Squeezed text: a block of text that has room for fewer than 8 characters on a line.

A label that takes the whole width leaves its value a sliver, and dates and titles then print
a letter or two per line. Measured as the browser laid the page out: every visible element
with text of its own that wraps, the width of the box it wraps in, divided by the average
width of its characters. (Text on one line had all the room it needed.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

MIN_CHARACTERS_PER_LINE = 8

SQUEEZED_JS = """(least) => {
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList.length) name += "." + [...el.classList].join(".");
    return `${name} "${el.innerText.replace(/\\s+/g, " ").trim().slice(0, 40)}"`;
  };
  // The box the text wraps in: the element itself unless it flows inline in its parent.
  const block = (el) => {
    let box = el;
    while (box.parentElement && getComputedStyle(box).display.startsWith("inline")) {
      box = box.parentElement;
    }
    return box;
  };
  const range = document.createRange();
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const own = [...el.childNodes].filter(
      (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim()
    );
    if (!own.length) continue;
    const half = parseFloat(getComputedStyle(el).fontSize) / 2;
    let lines = 0;
    let lineTop = null;
    let characters = 0;
    let advance = 0;
    for (const node of own) {
      for (let i = 0; i < node.textContent.length; i += 1) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (lineTop === null || Math.abs(box.top - lineTop) > half) {
          lines += 1;
          lineTop = box.top;
        }
        characters += 1;
        advance += box.width;
      }
    }
    if (lines < 2 || !advance) continue;  // on one line it has all the room it needs
    const wrapper = block(el);
    const style = getComputedStyle(wrapper);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const room = wrapper.clientWidth - padding;
    const perLine = room / (advance / characters);
    if (perLine < least) {
      found.push(`${describe(el)}: ${lines} lines in ${Math.round(room)} px, room for ` +
        `${perLine.toFixed(1)} characters`);
    }
  }
  return found;
}"""


def squeezed(page: Page) -> list[str]:
    """The wrapping text blocks of the page with room for fewer than 8 characters a line."""
    return list(page.evaluate(SQUEEZED_JS, MIN_CHARACTERS_PER_LINE))
