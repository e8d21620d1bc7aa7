// Measurements taken inside the page by the browser tests (evaluated through the DevTools
// protocol, so a strict Content-Security-Policy does not stop it). Defines window.__measure.
(() => {
  const TARGETS = [
    "a[href]", "button", "input:not([type=hidden])", "select", "textarea", "summary",
    "[role=button]", "[tabindex]:not([tabindex='-1'])",
  ].join(",");
  const MIN_TARGET = 48;
  const MIN_TEXT = 20;

  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList.length) name += "." + [...el.classList].join(".");
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return text ? `${name} "${text.replace(/\s+/g, " ").slice(0, 40)}"` : name;
  };

  const shown = (el) => {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const box = el.getBoundingClientRect();
    // Off-screen until focused (the skip link) is checked by the keyboard test instead.
    if (box.bottom + window.scrollY <= 0 || box.right + window.scrollX <= 0) return false;
    return box.width > 1 && box.height > 1;
  };

  // WCAG 2.5.8 "inline" exception, taken narrowly: a link inside a paragraph or list item of
  // a lesson's running text, whose size the line of text decides.
  const inlineLink = (el) => {
    if (el.tagName !== "A") return false;
    const body = el.closest(".lesson-body");
    const block = el.closest("p, li");
    return Boolean(body && block && body.contains(block));
  };

  // A radio button or checkbox is touched through its label, which wraps it.
  const touchBox = (el) => {
    if (el.matches("input[type=radio], input[type=checkbox]")) {
      const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label && shown(label)) return label.getBoundingClientRect();
    }
    return el.getBoundingClientRect();
  };

  function targets() {
    const small = [];
    const exempt = [];
    let counted = 0;
    for (const el of document.querySelectorAll(TARGETS)) {
      if (!shown(el)) continue;
      counted += 1;
      const box = touchBox(el);
      const w = Math.round(box.width * 100) / 100;
      const h = Math.round(box.height * 100) / 100;
      if (w + 0.01 >= MIN_TARGET && h + 0.01 >= MIN_TARGET) continue;
      (inlineLink(el) ? exempt : small).push(`${describe(el)} is ${w}×${h}`);
    }
    return { counted, small, exempt };
  }

  const ownText = (el) =>
    [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());

  const generated = (el, which) => {
    const style = getComputedStyle(el, which);
    const content = style.content;
    if (!content || content === "none" || content === "normal" || !/[\p{L}\p{N}]/u.test(content)) {
      return null;
    }
    return style;
  };

  function textSizes() {
    const small = [];
    let counted = 0;
    for (const el of document.body.querySelectorAll("*")) {
      if (!shown(el)) continue;
      const checks = [];
      if (ownText(el)) checks.push([describe(el), getComputedStyle(el)]);
      for (const which of ["::before", "::after"]) {
        const style = generated(el, which);
        if (style) checks.push([describe(el) + which + " " + style.content, style]);
      }
      for (const [name, style] of checks) {
        counted += 1;
        const size = parseFloat(style.fontSize);
        if (size + 0.01 < MIN_TEXT) small.push(`${name} is ${size}px`);
      }
    }
    return { counted, small };
  }

  function overflow() {
    const root = document.documentElement;
    const width = root.clientWidth;
    const wide = [];
    if (root.scrollWidth > width) {
      for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (box.right > width + 1 && shown(el)) wide.push(`${describe(el)} ends at ${Math.round(box.right)}px`);
        if (wide.length >= 8) break;
      }
    }
    return { scrollWidth: root.scrollWidth, clientWidth: width, wide };
  }

  // Characters per rendered line in a block, found from the boxes of its characters.
  function lines(el) {
    const range = document.createRange();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const counts = [];
    let lineTop = null;
    const half = parseFloat(getComputedStyle(el).fontSize) / 2;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (let i = 0; i < text.length; i += 1) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue; // collapsed white space
        if (lineTop === null || box.top > lineTop + half) {
          counts.push(0);
          lineTop = box.top;
        }
        counts[counts.length - 1] += 1;
      }
    }
    return counts;
  }

  // Words split over two lines without a hyphen: two letters of one word on different lines
  // with neither a soft hyphen (U+00AD) nor a hyphen between them. Addresses and codes may
  // break anywhere (`allowed`); they are not words.
  function midWordBreaks(allowed) {
    const found = [];
    const range = document.createRange();
    const root = document.querySelector("main") || document.body;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const letter = /\p{L}/u;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !shown(parent) || (allowed && parent.closest(allowed))) continue;
      if (!root.contains(node) && !parent.closest("header")) continue;
      const text = node.textContent;
      let previous = null; // { top, height } of the last letter, or null after a break point
      for (let i = 0; i < text.length; i += 1) {
        const ch = text[i];
        if (ch === "\u00ad" || ch === "-" || !letter.test(ch)) {
          previous = null;
          continue;
        }
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        // The letter right after a break has a second, empty box at the end of the line before.
        const boxes = [...range.getClientRects()].filter((b) => b.width > 0);
        const box = boxes[boxes.length - 1];
        if (!box) { previous = null; continue; }
        if (previous && box.top > previous.top + previous.height / 2) {
          const start = text.lastIndexOf(" ", i) + 1;
          const end = text.indexOf(" ", i);
          const token = text.slice(start, end < 0 ? undefined : end).replace(/\u00ad/g, "");
          // With a digit, an @ or a slash it is a code or an address, not a word.
          if (!/[\d@/]/.test(token)) found.push(`${describe(parent).slice(0, 30)}: "${token}"`);
          if (found.length >= 8) return found;
        }
        previous = { top: box.top, height: box.height };
      }
    }
    return found;
  }

  function lineLengths(selector) {
    let longest = 0;
    let where = "";
    let measured = 0;
    for (const el of document.querySelectorAll(selector)) {
      if (!shown(el) || el.querySelector("p, li")) continue;
      measured += 1;
      for (const count of lines(el)) {
        if (count > longest) {
          longest = count;
          where = describe(el);
        }
      }
    }
    return { measured, longest, where };
  }

  // Text blocks laid out too narrow to read: fewer than `minimum` characters a line, estimated
  // from the content box's width and the font size (a character is about 0.55 em wide). Blocks
  // with less text than that, or on one line, cannot be squeezed and are left out.
  const TEXT_BLOCKS = "p, label, td, th, li, button, dt, dd, h1, h2, h3, h4, nav a";
  const CHARACTER_EM = 0.55;

  // The lines a block's own text takes: the distinct tops of its text nodes' boxes.
  function textLines(el, tolerance) {
    const range = document.createRange();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const tops = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      range.selectNodeContents(node);
      for (const box of range.getClientRects()) {
        if (box.width > 0 && !tops.some((top) => Math.abs(top - box.top) <= tolerance)) tops.push(box.top);
      }
    }
    return tops.length;
  }

  function narrowText(minimum) {
    const narrow = [];
    let counted = 0;
    for (const el of document.querySelectorAll(TEXT_BLOCKS)) {
      // Squeezed to no width at all is the worst case, so a zero width does not hide a block
      // here (as it does for `shown`); hidden, collapsed or off-screen ones are left out.
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const edges = el.getBoundingClientRect();
      if (edges.height <= 1 || edges.bottom + window.scrollY <= 0) continue;
      const text = (el.innerText || "").replace(/\s+/g, " ").trim();
      if (text.length < minimum) continue;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      const px = (name) => parseFloat(style[name]) || 0;
      const width = box.width - px("paddingLeft") - px("paddingRight") - px("borderLeftWidth") - px("borderRightWidth");
      const height = box.height - px("paddingTop") - px("paddingBottom") - px("borderTopWidth") - px("borderBottomWidth");
      const size = px("fontSize");
      const lineHeight = px("lineHeight") || size * 1.2;
      counted += 1;
      if (height < lineHeight * 1.5) continue; // one line: nothing is squeezed
      // Tall for another reason (an icon above its word): count the lines of the text itself.
      if (textLines(el, size / 2) < 2) continue;
      const perLine = width / (CHARACTER_EM * size);
      if (perLine < minimum) {
        narrow.push(`${describe(el)} is ${Math.round(width)} px wide at ${size} px: ~${perLine.toFixed(1)} characters a line`);
      }
    }
    return { counted, narrow };
  }

  // Every <img> of the page, once it has loaded or failed: which ones show nothing.
  async function brokenImages() {
    const images = [...document.images];
    await Promise.all(images.map((img) => (img.complete ? null : img.decode().catch(() => null))));
    return {
      counted: images.length,
      broken: images.filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.currentSrc || img.src),
    };
  }

  function focusState() {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    return {
      name: describe(el),
      visible: Boolean(outline || shadow),
      inView: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
      top: box.top + window.scrollY,
      bottom: box.bottom + window.scrollY,
      left: box.left + window.scrollX,
      width: box.width,
      height: box.height,
    };
  }

  window.__measure = { targets, textSizes, overflow, midWordBreaks, lineLengths, focusState, narrowText, brokenImages };
})();
