"""Lessons that keep working when the Wi-Fi drops: the service worker and what it may keep.

The worker (static/js/service-worker.js) keeps only what is the same for everybody: static
files and *offline copies* of lessons (served here), drawn without a name, a token or
progress. Personal pages are never stored. Presses made offline are queued on the tablet and
sent later (learnapp/learn/offline_writes.py).
"""
