/* Registers the service worker (static/js/service-worker.js) and talks to it: sends what was
   pressed offline as soon as a page with a connection opens, saves a course for use without
   internet, and marks up the offline copies. Without JavaScript or a service worker,
   everything works as before, online. */
"use strict";

(function () {
  if (!("serviceWorker" in navigator)) return;
  const root = document.documentElement;
  const isCopy = root.hasAttribute("data-offline-copy");

  function ask(message) {
    return navigator.serviceWorker.ready.then((registration) => new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      registration.active.postMessage(message, [channel.port2]);
    }));
  }

  function pageToken() {
    const field = document.querySelector('input[name="csrf_token"][value]');
    return field ? field.value : "";
  }

  function sendQueued() {
    const token = pageToken();
    if (!token || !navigator.onLine) return;
    ask({ type: "flush", token }).then((answer) => {
      root.dataset.offlineSent = String((Number(root.dataset.offlineSent) || 0) + answer.sent);
    });
  }

  navigator.serviceWorker.register("/service-worker.js").then(() => {
    if (!isCopy) sendQueued();
  });
  window.addEventListener("online", sendQueued);

  // The tablet's text size and contrast: remembered from her pages, put on the offline copies.
  if (isCopy) {
    const display = localStorage.getItem("digitandem-display");
    if (display) root.className = display;
    const note = new URLSearchParams(location.search).get("queued");
    const shown = note && document.querySelector('[data-offline-note="' + note + '"]');
    if (shown) shown.hidden = false;
  } else {
    localStorage.setItem("digitandem-display", root.className);
  }

  const save = document.querySelector("[data-save-course]");
  if (save) {
    save.hidden = false;
    const status = save.querySelector("[role=status]");
    save.querySelector("button").addEventListener("click", () => {
      status.textContent = status.dataset.saving;
      ask({ type: "save-course", list: save.dataset.saveCourse }).then((answer) => {
        status.textContent = answer.saved ? status.dataset.saved : status.dataset.failed;
        if (answer.saved) save.dataset.savedBytes = String(answer.bytes);
      });
    });
  }

  const saved = document.querySelector("[data-saved-lessons]");
  if (saved) {
    caches.open("digitandem-lessons-v1").then((cache) => cache.keys()).then(async (requests) => {
      const list = saved.querySelector("ul");
      for (const request of requests) {
        const path = new URL(request.url).pathname;
        if (!path.startsWith("/offline/lessons/")) continue;
        const html = await (await caches.match(request)).text();
        const title = new DOMParser().parseFromString(html, "text/html").title || path;
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = path.replace("/offline/lessons/", "/courses/");
        link.textContent = title.replace(/ – DigiTandem$/, "");
        item.appendChild(link);
        list.appendChild(item);
      }
      if (list.children.length) {
        saved.hidden = false;
        document.querySelector("[data-nothing-saved]").hidden = true;
      }
    });
  }
})();
