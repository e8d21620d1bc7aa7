"""Parity: `flask courses check` fails when a translation lost a fact of the German original.

Each test writes a German lesson and its Turkish (and Arabic) translation to a temporary
course, changes one value in the translation and expects the one error that names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from learnapp.content.check import check_library
from learnapp.content.library import load_library
from learnapp.content.parity import line_values

COURSE = "id: demo\norder: 1\ntitle:\n  de: Demo\n  tr: Demo\n  ar: Demo\n"
GERMAN = """---
id: demo-one
title: Sicher bezahlen
summary: Eine Zusammenfassung mit 3 Zahlen, die nicht verglichen wird.
order: 1
minutes: 5
---

Rufen Sie die Sperr-Nummer 116 116 an oder die Polizei unter 110.
Die Bank schreibt Ihnen nie von service@bank.example.

## Geld

Überweisen Sie keine 1.000 € an die IBAN DE02 1203 0000 0000 2020 51.
Die Frist endet am 12.03.2026 um 18 Uhr. Mehr auf https://www.bsi.bund.de/phishing.

## Quellen

- Verbraucherzentrale (verbraucherzentrale.de), Stand 2026

```quiz
- id: q1
  type: single
  question: Wie viel Geld überweisen Sie?
  answers:
    - text: Nichts
      correct: true
      why: Die Bank fragt nie nach 1.000 Euro.
    - text: Alles
      why: Das Geld ist dann weg.
- id: q2
  type: truefalse
  question: Die 110 ist die Polizei.
  answer: true
  why: Die 110 ist der Notruf der Polizei.
```
"""
TURKISH = """---
id: demo-one
title: Güvenli ödeme
summary: Karşılaştırılmayan bir özet.
order: 1
minutes: 5
---

Bloke hattını 116 116 arayın ya da polisi 110 numarasından arayın.
Banka size asla service@bank.example adresinden yazmaz.

## Para

1,000 € tutarını DE02 1203 0000 0000 2020 51 IBAN numarasına göndermeyin.
Süre 12/03/2026 saat 18'de biter. Daha fazlası: https://www.bsi.bund.de/phishing.

## Kaynaklar

- Verbraucherzentrale (verbraucherzentrale.de), 2026 itibarıyla

```quiz
- id: q1
  type: single
  question: Ne kadar para gönderirsiniz?
  answers:
    - text: Hiç
      correct: true
      why: Banka asla 1.000 avro istemez.
    - text: Hepsi
      why: Para o zaman gider.
- id: q2
  type: truefalse
  question: 110 polistir.
  answer: true
  why: 110 polisin acil numarasıdır.
```
"""
ARABIC = (
    TURKISH.replace("116 116", "١١٦ ١١٦")
    .replace("110 numarasından", "١١٠ numarasından")
    .replace("12/03/2026", "١٢٫٠٣٫٢٠٢٦")
)
PRACTICE_DE = """---
id: demo-practice
type: scenario
title: Übung
summary: Üben.
order: 2
minutes: 3
---

Eine Übung.

```scenario
start: mail
steps:
  mail:
    screen:
      kind: email
      tap: 1
      from_name: Bank
      from_address: info@bank.example
      subject: Konto gesperrt
      body: Bitte zahlen Sie 5 Euro.
      button: Jetzt zahlen
    prompt: Was tun Sie?
    choices:
      - label: Ich zahle.
        next: end-unsafe
        feedback: Das Geld ist weg.
      - label: Ich lösche die E-Mail.
        next: end-safe
        feedback: So bleibt Ihr Geld sicher.
  end-safe:
    end: safe
    title: Sicher
    text: Sie haben nichts bezahlt.
  end-unsafe:
    end: unsafe
    title: Nicht sicher
    text: Rufen Sie Ihre Bank an.
```
"""
PRACTICE_TR = (
    PRACTICE_DE.replace("title: Übung", "title: Alıştırma")
    .replace("Bitte zahlen Sie 5 Euro.", "Lütfen 5 € ödeyin.")
    .replace("Was tun Sie?", "Ne yaparsınız?")
)


def _library(tmp_path: Path, turkish: str = TURKISH, practice_tr: str = PRACTICE_TR):
    course = tmp_path / "content" / "demo"
    for lang in ("de", "tr", "ar"):
        (course / lang).mkdir(parents=True)
    (course / "course.yaml").write_text(COURSE, encoding="utf-8")
    (course / "de" / "01.md").write_text(GERMAN, encoding="utf-8")
    (course / "de" / "02.md").write_text(PRACTICE_DE, encoding="utf-8")
    (course / "tr" / "01.md").write_text(turkish, encoding="utf-8")
    (course / "tr" / "02.md").write_text(practice_tr, encoding="utf-8")
    (course / "ar" / "01.md").write_text(ARABIC, encoding="utf-8")
    return load_library(tmp_path / "content", "de")


def _errors(tmp_path: Path, **files: str) -> list[str]:
    report = check_library(_library(tmp_path, **files), ("de", "tr", "ar"))
    return [str(problem) for problem in report.errors]


def test_a_faithful_translation_passes_whatever_way_it_writes_its_numbers(tmp_path):
    # 1.000 / 1,000, 12.03.2026 / 12/03/2026, Euro / avro / €, Arabic-Indic digits
    assert _errors(tmp_path) == []


def test_arabic_indic_digits_count_as_digits():
    values = line_values("اتصل بالرقم ١١٠ أو ٠٨٠٠ ١٢٣ ٤٥٦ ٧٨٩", 1)
    assert [(v.kind, v.key) for v in values] == [("phone", "110"), ("phone", "0800123456789")]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("116 116 arayın", "116 117 arayın", "phone number '116 116' (original line 9)"),
        ("polisi 110", "polisi 112", "phone number '110' (original line 9)"),
        ("DE02 1203 0000 0000 2020 51", "DE02 1203 0000 0000 2020 52", "IBAN 'DE02 1203"),
        ("https://www.bsi.bund.de/phishing", "https://www.bsi.de/phishing", "web address"),
        ("(verbraucherzentrale.de)", "(verbraucherzentrale.com)", "'verbraucherzentrale.de'"),
        ("service@bank.example", "servis@bank.example", "web address 'service@bank.example'"),
        ("1,000 € tutarını", "100 € tutarını", "amount '1.000' (original line 14)"),
        ("1,000 € tutarını", "1,000 tutarını", "amount '1.000' (original line 14)"),
        ("12/03/2026", "13/03/2026", "date '12.03.2026' (original line 15)"),
        ("saat 18'de", "saat 19'da", "number '18' (original line 15)"),
        ("1.000 avro", "10.000 avro", "amount '1.000' (original line 28)"),
        ("2026 itibarıyla", "2025 itibarıyla", "number '2026' (original line 19)"),
    ],
)
def test_a_changed_value_fails_the_check(tmp_path, old, new, expected):
    assert old in TURKISH
    errors = _errors(tmp_path, turkish=TURKISH.replace(old, new))
    assert errors, "the check let the change through"
    assert any(expected in error and "demo/tr/01.md" in error for error in errors), errors
    assert all("(compared with de)" in error for error in errors)


def test_an_added_value_is_named_at_its_line(tmp_path):
    errors = _errors(tmp_path, turkish=TURKISH.replace("biter.", "biter. 0800 123 456."))
    assert any("tr/01.md:15:" in e and "phone number '0800 123 456' is not in" in e for e in errors)


def test_a_value_moved_to_another_section_is_found(tmp_path):
    moved = TURKISH.replace("polisi 110 numarasından arayın", "polisi arayın").replace(
        "biter.", "biter. 110."
    )
    errors = _errors(tmp_path, turkish=moved)
    assert len(errors) == 2, errors


def test_sections_must_match(tmp_path):
    errors = _errors(tmp_path, turkish=TURKISH.replace("## Para\n", "Para\n"))
    assert any("1 '## ' headings, the original has 2" in error for error in errors), errors


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("- id: q2", "- id: q3", "quiz questions differ"),
        ("      correct: true\n", "", "quiz questions differ"),  # no longer a valid single
        ("  answer: true", "  answer: false", "quiz q2: the correct answers differ"),
    ],
)
def test_quiz_ids_and_correct_answers_must_match(tmp_path, old, new, expected):
    assert old in TURKISH
    errors = _errors(tmp_path, turkish=TURKISH.replace(old, new))
    assert any(expected in error for error in errors), errors


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("next: end-unsafe\n", "next: end-safe\n", "step 'mail': its"),
        ("      tap: 1\n", "      tap: 2\n", "step 'mail': its"),
        ("end: unsafe", "end: safe", "step 'end-unsafe': its"),
        (
            "kind: email",
            "kind: sms\n      sender: Bank\n      messages: [{from: them, text: Hallo}]",
            "step 'mail': its screen kind",
        ),
        ("end-safe", "end-ok", "step 'end-safe' is missing"),
        ("5 €", "50 €", "amount '5' (original line 22)"),
    ],
)
def test_scenario_steps_must_match(tmp_path, old, new, expected):
    assert old in PRACTICE_TR
    changed = PRACTICE_TR.replace(old, new)
    if old.startswith("next:"):  # swap the two choices' targets: still a valid scenario
        changed = changed.replace(
            "next: end-safe\n        feedback: So", "next: end-unsafe\n        feedback: So"
        )
    errors = _errors(tmp_path, practice_tr=changed)
    assert any(expected in error and "tr/02.md" in error for error in errors), errors


def test_the_front_matter_text_is_not_compared(tmp_path):
    assert _errors(tmp_path, turkish=TURKISH.replace("bir özet", "bir özet, 7 sayı")) == []


def test_readability_turkish_formula_and_lengths_elsewhere(tmp_path):
    report = check_library(_library(tmp_path), ("de", "tr", "ar"))
    assert str(report.readability[("tr", "demo-one")]).startswith("Ateşman ")
    arabic = str(report.readability[("ar", "demo-one")])
    assert "words per sentence" in arabic and "letters per word" in arabic


def test_a_missing_translation_in_a_further_language_is_counted_not_failed(tmp_path):
    report = check_library(_library(tmp_path), ("de", "tr", "ar"))
    lines = [str(p) for p in report.warnings]
    assert any("1 of 2 lessons have no 'ar' translation yet" in line for line in lines), lines
