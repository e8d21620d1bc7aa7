// A stand-in for the browser's speech synthesis (headless Chromium has no voices): it records
// what it is asked to say, and window.speechSynthesis.finish() ends the current utterance.
(() => {
  const said = [];
  let current = null;
  const synth = {
    speaking: false,
    paused: false,
    said,
    speak(utterance) {
      said.push({ text: utterance.text, lang: utterance.lang, rate: utterance.rate });
      current = utterance;
      this.speaking = true;
    },
    pause() { this.paused = true; },
    resume() { this.paused = false; },
    cancel() {
      const utterance = current;
      this.speaking = false;
      this.paused = false;
      current = null;
      if (utterance && utterance.onerror) utterance.onerror({ error: "interrupted" });
    },
    getVoices() { return []; },
    finish() {
      const utterance = current;
      this.speaking = false;
      current = null;
      if (utterance && utterance.onend) utterance.onend({});
    },
  };
  class Utterance {
    constructor(text) { this.text = text; this.lang = ""; this.rate = 1; }
  }
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  Object.defineProperty(window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true });
})();
