// "Read aloud": the browser's own speech synthesis reads the lesson in the lesson's language,
// one paragraph at a time, marking the paragraph it reads and keeping it in view.
// Pause, continue, stop. Where the browser cannot speak, the buttons stay hidden; where it has
// no voice for the lesson's language, a message says so instead of reading with another
// language's voice. The German original shown beside a translation ([data-german]) is not read.
(() => {
  "use strict";
  const box = document.querySelector("[data-read-aloud]");
  const synth = window.speechSynthesis;
  if (!box || !synth || typeof window.SpeechSynthesisUtterance !== "function") return;

  const article = box.closest("article") || document;
  const play = box.querySelector("[data-read-aloud-play]");
  const label = box.querySelector("[data-read-aloud-label]");
  const stop = box.querySelector("[data-read-aloud-stop]");
  const words = {
    read: label.textContent,
    pause: box.dataset.labelPause,
    resume: box.dataset.labelResume,
    picture: box.dataset.labelPicture,
  };
  const lang = article.lang || document.documentElement.lang;
  // The learner's speed is set around the lesson, which is the same for everyone.
  const holder = box.closest("[data-rate]") || box;
  const rate = Math.min(2, Math.max(0.5, parseFloat(holder.dataset.rate) || 1));
  const calm = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const BLOCKS = "h1, h2, h3, h4, p, li, dt, dd, th, td, figcaption, blockquote, img[alt]";
  const SKIP = "[data-read-aloud], [data-german], .visually-hidden, [hidden], [aria-hidden=true]";
  const missing = box.querySelector("[data-read-aloud-missing]");

  let blocks = [];
  let index = -1;
  let state = "idle"; // idle, speaking or paused

  // A block's own words: nested blocks (a list inside a list item) are read on their own turn.
  const text = (el) => {
    if (el.tagName === "IMG") return el.alt.trim() ? `${words.picture}: ${el.alt.trim()}` : "";
    const own = el.cloneNode(true);
    for (const inner of own.querySelectorAll(`${BLOCKS}, ${SKIP}`)) inner.remove();
    return own.textContent.replace(/\s+/g, " ").trim();
  };
  const readable = (el) => !el.closest(SKIP) && text(el) !== "";
  const collect = () => {
    const title = article.querySelector("h1");
    const body = [...article.querySelectorAll(".lesson-body :is(" + BLOCKS + ")")];
    return (title ? [title, ...body] : body).filter(readable);
  };

  // The voice for the lesson's language ("tr" finds "tr-TR" and "tr_TR"); undefined while the
  // browser lists no voices at all (then it chooses by utterance.lang), null when it lists
  // voices but none for this language.
  const voice = () => {
    const voices = synth.getVoices();
    if (!voices.length) return undefined;
    const wanted = lang.toLowerCase().split(/[-_]/)[0];
    return voices.find((v) => v.lang.toLowerCase().split(/[-_]/)[0] === wanted) || null;
  };

  function mark(el) {
    for (const old of article.querySelectorAll(".is-reading")) old.classList.remove("is-reading");
    if (!el) return;
    el.classList.add("is-reading");
    el.scrollIntoView({ block: "center", behavior: calm ? "auto" : "smooth" });
  }

  function show() {
    label.textContent = state === "speaking" ? words.pause : state === "paused" ? words.resume : words.read;
    stop.hidden = state === "idle";
    box.classList.toggle("is-active", state !== "idle");
  }

  function speak(at) {
    if (at >= blocks.length) {
      finish();
      return;
    }
    index = at;
    const utterance = new SpeechSynthesisUtterance(text(blocks[at]));
    const chosen = voice();
    utterance.lang = chosen ? chosen.lang : lang;
    utterance.rate = rate;
    if (chosen) utterance.voice = chosen;
    utterance.onend = () => {
      if (state === "speaking" && index === at) speak(at + 1);
    };
    utterance.onerror = (event) => {
      if (event.error !== "interrupted" && event.error !== "canceled" && index === at) finish();
    };
    mark(blocks[at]);
    synth.speak(utterance);
  }

  function start() {
    synth.cancel();
    if (voice() === null) {
      missing.hidden = false;
      return;
    }
    missing.hidden = true;
    blocks = collect();
    state = "speaking";
    show();
    speak(0);
  }

  function pause() {
    state = "paused";
    synth.pause();
    show();
  }

  function resume() {
    state = "speaking";
    show();
    // Some voices cannot resume after a pause: then the paragraph starts again.
    if (synth.paused && synth.speaking) synth.resume();
    else speak(index);
  }

  function finish() {
    state = "idle";
    index = -1;
    synth.cancel();
    mark(null);
    show();
  }

  play.addEventListener("click", () => {
    if (state === "idle") start();
    else if (state === "speaking") pause();
    else resume();
  });
  stop.addEventListener("click", () => {
    finish();
    play.focus();
  });
  window.addEventListener("pagehide", () => synth.cancel());
  box.hidden = false;
})();
