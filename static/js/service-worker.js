/* DigiTandem's service worker: lessons keep working when the Wi-Fi drops.
   It keeps only what is the same for everybody: static files and offline copies of lessons
   (/offline/lessons/…, drawn without name, token or progress). Personal pages are never kept.
   "Done" and self-check answers pressed offline wait in IndexedDB and are sent again, with
   the time they were pressed, when a page asks (offline.js, with that page's token). */
"use strict";

const VERSION = "v1";
const STATIC = "digitandem-static-" + VERSION;
const LESSONS = "digitandem-lessons-" + VERSION;
const OFFLINE_PAGE = "/offline";
const LESSON = /^\/courses\/([^/]+)\/([^/]+)$/;
const QUEUED = /^\/courses\/([^/]+)\/([^/]+)\/(done|check)$/;
const NEEDS_CONNECTION = /^\/courses\/[^/]+\/[^/]+\/practice/;

/* Nothing is fetched as the worker installs: a lesson's first load stays light. The offline
   page is kept with the first lesson kept (in `keep`). */
self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== STATIC && n !== LESSONS).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

function copyOf(path) {
  const match = LESSON.exec(path);
  return match && match[1] !== "images" ? "/offline/lessons/" + match[1] + "/" + match[2] : null;
}

/* An offline copy and the pictures and style sheets it uses; returns the bytes of what
   `counted` did not hold yet (a course's lessons share their style sheets). */
async function keep(copyUrl, counted = new Set()) {
  const response = await fetch(copyUrl, { credentials: "same-origin", redirect: "error" });
  if (!response.ok) throw new Error("not kept: " + copyUrl);
  const html = await response.clone().text();
  const lessons = await caches.open(LESSONS);
  await lessons.put(copyUrl, response);
  if (!(await lessons.match(OFFLINE_PAGE))) await lessons.add(OFFLINE_PAGE);
  let bytes = html.length;
  const files = new Set();
  for (const match of html.matchAll(/(?:src|href)="(\/(?:static|courses\/[^/"]+\/images)\/[^"]+)"/g)) files.add(match[1]);
  const stat = await caches.open(STATIC);
  for (const file of files) {
    let kept = await stat.match(file);
    if (!kept) {
      const got = await fetch(file);
      if (got.ok) { kept = got.clone(); await stat.put(file, got); }
    }
    if (kept && !counted.has(file)) bytes += (await kept.clone().arrayBuffer()).byteLength;
    counted.add(file);
  }
  return bytes;
}

async function staticFirst(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) (await caches.open(STATIC)).put(request, response.clone());
  return response;
}

async function page(event, url) {
  try {
    const response = await fetch(event.request);
    const copy = copyOf(url.pathname);
    if (copy && response.ok) event.waitUntil(keep(copy).catch(() => null));
    return response;
  } catch (offline) {
    const copy = copyOf(url.pathname);
    return (copy && (await caches.match(copy))) || (await caches.match(url.pathname, { ignoreSearch: true }))
      || (await caches.match(OFFLINE_PAGE));
  }
}

/* --- The queue: IndexedDB, one store, one record per press. --- */
function database() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open("digitandem-queue", 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore("presses", { keyPath: "key" });
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

async function withStore(mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction("presses", mode);
    const result = work(tx.objectStore("presses"));
    tx.oncomplete = () => resolve(result.result);
    tx.onerror = () => reject(tx.error);
  });
}

function randomHex() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function queue(request, kind, path) {
  const form = new URLSearchParams(await request.text());
  const key = randomHex();
  if (kind === "check") form.set("submission", key); // the self-check's idempotency key
  form.set("offline_at", new Date().toISOString());
  await withStore("readwrite", (store) => store.put({ key, url: path, body: form.toString() }));
}

async function flush(token) {
  const presses = await withStore("readonly", (store) => store.getAll());
  let sent = 0;
  for (const press of presses) {
    const form = new URLSearchParams(press.body);
    form.set("csrf_token", token);
    let response;
    try {
      response = await fetch(press.url, { method: "POST", body: form, credentials: "same-origin", redirect: "manual" });
    } catch (offline) {
      return sent; // still no connection: try again later
    }
    // Redirects and refusals (a deleted lesson) end the press; a server error keeps it.
    if (response.type === "opaqueredirect" || response.status < 500) {
      await withStore("readwrite", (store) => store.delete(press.key));
      sent += 1;
    }
  }
  return sent;
}

async function pressOffline(event, url) {
  try {
    return await fetch(event.request.clone());
  } catch (offline) {
    const match = QUEUED.exec(url.pathname);
    const copy = "/offline/lessons/" + match[1] + "/" + match[2];
    await queue(event.request, match[3], url.pathname);
    return Response.redirect(copy + "?queued=" + match[3], 303);
  }
}

async function needsConnection(event, url) {
  try {
    return await fetch(event.request.clone());
  } catch (offline) {
    const copy = copyOf(url.pathname.split("/").slice(0, 4).join("/")) || OFFLINE_PAGE;
    return Response.redirect(copy + "?queued=online-only", 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && QUEUED.test(url.pathname)) return event.respondWith(pressOffline(event, url));
  if (request.method === "POST" && NEEDS_CONNECTION.test(url.pathname)) return event.respondWith(needsConnection(event, url));
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/") || /^\/courses\/[^/]+\/images\//.test(url.pathname)) return event.respondWith(staticFirst(request));
  if (request.mode === "navigate") return event.respondWith(page(event, url));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (answer) => event.ports[0] && event.ports[0].postMessage(answer);
  if (data.type === "flush" && data.token) {
    flush(data.token).then((sent) => reply({ sent }), () => reply({ sent: 0 }));
  } else if (data.type === "save-course" && data.list) {
    fetch(data.list, { credentials: "same-origin" })
      .then((response) => response.json())
      .then(async (files) => {
        const counted = new Set();
        let bytes = 0;
        for (const copy of files.lessons) bytes += await keep(copy, counted);
        return bytes;
      })
      .then((bytes) => reply({ saved: true, bytes }), () => reply({ saved: false }));
  } else if (data.type === "queued") {
    withStore("readonly", (store) => store.count()).then((count) => reply({ count }), () => reply({ count: 0 }));
  }
});
