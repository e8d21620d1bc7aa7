"""A translated lesson with its German original: under each section, or side by side; the quiz
once, in the reader's language; read-aloud's message where the tablet has no voice; a mentor's
pages in the mentor's language. The test course has a Turkish (and an Arabic) lesson; the app
serves those languages here whatever the project's LANGUAGES say today."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from learnapp.content.library import load_library
from learnapp.db import get_session
from learnapp.learn import services
from learnapp.models import HelpRequest, User
from tests.conftest import FIXTURE_CONTENT
from tests.test_bundled_courses import walk_course

GERMAN_STEP = """
## Schritt für Schritt

Drücken Sie 3 Sekunden auf den Knopf.

"""
ENGLISH_STEP = """
## Step by step

Press the button for 3 seconds.

"""
TURKISH = """---
id: sample-first
title: İlk ders
summary: Tableti tanıyorsunuz.
order: 1
minutes: 3
checked: 2026-11-20
---

Bu **ilk** derstir.

!!! tip "İpucu"
    Acele etmeyin.

!!! warning "Dikkat"
    PIN kodunuzu asla kimseye vermeyin.

![Siyah ekranlı bir tablet](images/tablet.svg)

[İkinci ders](lesson:sample-second) ile devam edin.

!!! mentor "Mentorlar için"
    Açma düğmesini gösterin.

## Adım adım

Düğmeye 3 saniye basın.

## Kaynaklar

- Üreticinin kılavuzu.

```quiz
- id: q1
  type: single
  question: Tablet nedir?
  answers:
    - text: Ekranlı küçük bir bilgisayar
      correct: true
      why: Tablet küçük bir bilgisayardır.
    - text: Kablolu bir telefon
      why: Tabletin kablosu yoktur.
- id: q2
  type: truefalse
  question: Tablet parmakla kullanılır.
  answer: true
  why: Ekran dokunmaya tepki verir.
```
"""
ARABIC = TURKISH.replace("title: İlk ders", "title: الدرس الأول").replace(
    "Bu **ilk** derstir.", "هذا هو **الدرس الأول**."
)
LESSON = "/courses/sample/sample-first"
DETAILS = re.compile(r'<details class="german-section" data-german>(.*?)</details>', re.S)


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    course = root / "sample"
    for lang, step in (("de", GERMAN_STEP), ("en", ENGLISH_STEP)):
        [first] = (course / lang).glob("01-*.md")
        text = first.read_text(encoding="utf-8")
        heading = "## Quellen" if lang == "de" else "## Sources"
        first.write_text(text.replace(heading, step.strip() + "\n\n" + heading), encoding="utf-8")
    for lang, text in (("tr", TURKISH), ("ar", ARABIC)):
        (course / lang).mkdir()
        (course / lang / "01-ilk.md").write_text(text, encoding="utf-8")
    (course / "course.yaml").write_text(
        "id: sample\norder: 1\ntitle:\n  de: Beispielkurs\n  en: Sample course\n"
        "  tr: Örnek kurs\n  ar: دورة تجريبية\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def app(app: Flask) -> Flask:
    app.config["LANGUAGES"] = ("de", "en", "tr", "ar")
    return app


def reader(app: Flask, auth, username: str, locale: str, login: bool = True) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        get_session().execute(update(User).where(User.username == username).values(locale=locale))
        get_session().commit()
    if login:
        auth.login(username)


def test_a_translation_shows_the_german_under_each_section(app, client, auth, learner):
    reader(app, auth, "erika", "tr")
    page = client.get(LESSON).get_data(as_text=True)
    assert '<article class="lesson" lang="tr"' in page
    german = DETAILS.findall(page)
    assert len(german) == 2  # the introduction and "Schritt für Schritt"; sources are not doubled
    assert "Das ist <strong>die erste</strong> Lektion." in german[0]
    assert "Bu <strong>ilk</strong> derstir." not in german[0]
    assert "<h2>Schritt für Schritt</h2>" in german[1]  # no id: the page's ids stay unique
    assert "Drücken Sie 3 Sekunden" in german[1] and "Düğmeye" not in german[1]
    for block in german:
        assert '<div lang="de" dir="ltr">' in block
        assert ' · <span lang="de" dir="ltr">Auf Deutsch</span></summary>' in block
    # each German section follows its own section
    assert page.index("Bu <strong>ilk</strong>") < page.index("Das ist") < page.index("Adım adım")
    assert page.index("Adım adım") < page.index("Schritt für Schritt")
    # learners see no mentor box, in neither language
    assert "Mentorlar için" not in page and "Für Mentorinnen" not in page
    # the quiz once, in the reader's language
    assert page.count('id="quiz"') == 1 and "Tablet nedir?" in page and "Was ist ein" not in page
    assert "Die Anleitung des Herstellers" not in page  # the sources once, translated


def test_side_by_side_pairs_the_sections(app, client, auth, learner):
    reader(app, auth, "erika", "ar")
    page = client.get(f"{LESSON}?german=side").get_data(as_text=True)
    assert '<article class="lesson" lang="ar" dir="rtl"' in page
    rows = re.findall(r'<div class="side-row">(.*?)</div>\s*</div>', page, re.S)
    assert len(rows) == 2
    assert "الدرس الأول" in rows[0] and "Das ist" in rows[0]
    assert "Adım adım" in rows[1] and "Schritt für Schritt" in rows[1]
    assert page.count('<div class="side-german" lang="de" dir="ltr" data-german>') == 2
    assert not DETAILS.search(page)
    assert 'href="/courses/sample/sample-first">' in page  # back to one column
    plain = client.get(LESSON).get_data(as_text=True)
    assert "side-row" not in plain and len(DETAILS.findall(plain)) == 2
    assert 'href="/courses/sample/sample-first?german=side"' in plain


def test_a_german_reader_sees_the_lesson_alone(app, client, auth, learner):
    reader(app, auth, "erika", "de")
    for path in (LESSON, f"{LESSON}?german=side"):
        page = client.get(path).get_data(as_text=True)
        assert "data-german" not in page and "german=side" not in page


def test_a_lesson_not_yet_translated_shows_in_german_without_a_second_german(
    app, client, auth, learner
):
    reader(app, auth, "erika", "tr")
    page = client.get("/courses/sample/sample-second").get_data(as_text=True)
    assert '<article class="lesson" lang="de"' in page and "data-german" not in page


def test_a_mentor_reading_in_turkish_sees_both_mentor_boxes(app, client, auth, make_user):
    make_user("mentor", "mentorin", locale="tr")
    auth.login("mentorin")
    german = DETAILS.findall(client.get(LESSON).get_data(as_text=True))
    assert "Für Mentorinnen und Mentoren" in german[0]


def test_the_kept_lesson_is_kept_per_view(app, client, auth, learner):
    """The lesson is a kept fragment: the side-by-side view is kept apart from the other."""
    assert not app.jinja_env.auto_reload  # fragments are kept in this app
    reader(app, auth, "erika", "tr")
    for _ in range(2):
        assert "side-row" not in client.get(LESSON).get_data(as_text=True)
        assert "side-row" in client.get(f"{LESSON}?german=side").get_data(as_text=True)


def test_read_aloud_has_its_no_voice_message_in_the_readers_language(app, client, auth, learner):
    reader(app, auth, "erika", "tr")
    page = client.get(LESSON).get_data(as_text=True)
    box = re.search(r'<div class="read-aloud" lang="tr".*?</div>', page, re.S)
    assert box and "data-read-aloud-missing hidden" in box.group(0)
    reader(app, auth, "erika", "de", login=False)
    page = client.get(LESSON).get_data(as_text=True)
    assert "Dieses Tablet hat keine Stimme" in page


def test_a_mentor_sees_a_turkish_learners_lessons_in_german(app, client, auth, world):
    """The mentor's pages speak the mentor's language; so do the learner's lesson titles."""
    with app.app_context():
        db = get_session()
        db.execute(update(User).where(User.id == world.learner_a).values(locale="tr"))
        db.execute(update(User).where(User.username == "mentora").values(locale="de"))
        learner = db.get_one(User, world.learner_a)
        services.mark_done(db, learner, "sample", "sample-first")
        db.add(HelpRequest(learner_id=learner.id, course_id="sample", lesson_id="sample-first"))
        db.commit()
    auth.login("mentora")
    for path in ("/mentor", f"/mentor/learners/{world.learner_a}", "/mentor/sessions/new"):
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="de"' in page
        assert "Die erste Lektion" in page, path
        assert "İlk ders" not in page and "Örnek kurs" not in page


def test_every_quiz_and_ending_through_http_in_turkish(app, client, auth, learner, content_dir):
    library = load_library(content_dir, "de")
    walk_course(client, auth, app, library, "tr", "sample")
