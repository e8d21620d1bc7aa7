"""The `letter` practice screen: the parser checks its fields, the practice page draws it."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from learnapp.content.library import load_library
from tests.content.test_parser import messages, tree

HEAD = (
    "---\nid: letter-practice\ntype: scenario\ntitle: T\nsummary: S\norder: 1\nminutes: 3\n---\n\n"
)
LETTER = """\
      kind: letter
      sender: Meine Bank eG
      sender_address: Hauptstraße 1, 26122 Musterstadt
      date: "{date}"
      subject: Ihre Karte
      body: |
        Sehr geehrte Kundin,

        bitte scannen Sie den Code <b>heute</b>.
      {extra}
"""
SCENARIO = """\
```scenario
start: letter
steps:
  letter:
    screen:
{letter}    prompt: Was tun Sie?
    choices:
      - {{label: Ich scanne den Code., next: plain, feedback: Vorsicht.}}
      - {{label: Ich rufe die Bank an., next: end-safe, feedback: Das ist sicher.}}
  plain:
    screen:
      kind: letter
      sender: Meine Bank eG
      date: 2. Dezember 2026
      body: Ein Brief ohne Code.
    prompt: Und jetzt?
    choices:
      - {{label: Ich rufe an., next: end-safe, feedback: Gut so.}}
      - {{label: Ich warte., next: end-safe, feedback: Auch gut.}}
  end-safe:
    end: safe
    title: Gut gemacht
    text: Ende.
```
"""


def lesson(date: str = "1. Dezember 2026", extra: str = "qr: true") -> str:
    return HEAD + SCENARIO.format(letter=LETTER.format(date=date, extra=extra))


def errors_of(tmp_path: Path, text: str) -> list[str]:
    return messages(load_library(tree(tmp_path, {"de/01.md": text}), "de"))


def test_a_complete_letter_loads(tmp_path):
    library = load_library(tree(tmp_path, {"de/01.md": lesson()}), "de")
    assert messages(library) == []
    scenario = library.courses["demo"].lessons["de"]["letter-practice"].scenario
    screen = scenario.steps["letter"].screen
    assert screen["kind"] == "letter" and screen["qr"] is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An unquoted date is read by YAML as a date, not as the text the letter shows.
        (lesson().replace('date: "1. Dezember 2026"', "date: 2026-12-01"), "'date' must be text"),
        (lesson(extra="qr: yes please"), "'qr' must be true or false"),
        (lesson(extra="qr_label: Jetzt scannen"), "'qr_label' needs 'qr: true'"),
        (lesson(extra="signature: 12"), "'signature' must be text"),
        (lesson().replace("      body: |", "      text: |"), "letter screen lacks body"),
        (lesson().replace("      sender: Meine Bank eG\n", "", 1), "letter screen lacks sender"),
    ],
)
def test_letter_mistakes_are_reported_at_their_step(tmp_path, text, expected):
    errors = errors_of(tmp_path, text)
    assert any(expected in e and "step 'letter'" in e for e in errors), errors
    assert all(":" in e.split(" ")[0] for e in errors)  # path:line: message


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    extra = "qr: true\n      qr_label: Jetzt scannen\n      signature: Ihr Service-Team"
    text = lesson(extra=extra)
    return tree(tmp_path, {"de/01.md": text, "en/01.md": text})


def test_the_practice_page_draws_the_letter_and_its_code(client, auth, learner):
    auth.login("erika")
    start = auth.post(
        "/courses/demo/letter-practice/practice", token_from="/courses/demo/letter-practice"
    )
    run_url = start.headers["Location"]
    page = client.get(run_url).get_data(as_text=True)
    assert 'class="sim sim-letter"' in page
    for shown in (
        "Meine Bank eG",
        "Hauptstraße 1, 26122 Musterstadt",
        "1. Dezember 2026",
        "Ihre Karte",
        "<p>Sehr geehrte Kundin,</p>",
        "Jetzt scannen",
        "Ihr Service-Team",
    ):
        assert shown in page, shown
    assert "&lt;b&gt;heute&lt;/b&gt;" in page  # the author's text is text, never markup
    assert 'role="img" aria-label="Ein gedruckter QR-Code (Übung, kein echter Code)"' in page
    assert page.count('<svg class="sim-qr"') == 1

    auth.post(run_url, {"step": "letter", "choice": "0"}, token_from=run_url)
    plain = html.unescape(client.get(run_url).get_data(as_text=True))
    assert "Ein Brief ohne Code." in plain and "2. Dezember 2026" in plain
    assert "sim-qr" not in plain and "Hauptstraße" not in plain
