"""A lesson as its reader sees it: mentor boxes for staff, sources folded, one primary action."""

from __future__ import annotations

import re

import pytest

from learnapp.access import COORDINATOR, MENTOR
from learnapp.content.lesson_parts import lesson_parts, split_sources, without_mentor_boxes
from tests.test_lesson_page import set_preferences

LESSON = "/courses/sample/sample-first"
MENTOR_HINT = "Zeigen Sie den Knopf zum Einschalten."
SOURCES = re.compile(
    r'<details class="lesson-sources">\s*<summary>Quellen anzeigen</summary>.*?'
    r"Die Anleitung des Herstellers\..*?</details>",
    re.S,
)


def main_of(page: str) -> str:
    return page[page.index('<main id="main"') :]


def test_a_learner_does_not_see_the_mentor_box(client, auth, learner):
    auth.login("erika")
    page = main_of(client.get(LESSON).get_data(as_text=True))
    assert "Das ist <strong>die erste</strong> Lektion." in page
    assert MENTOR_HINT not in page
    assert "Für Mentorinnen und Mentoren" not in page


@pytest.mark.parametrize("role", [MENTOR, COORDINATOR])
def test_staff_see_the_mentor_box(client, auth, learner, make_user, role):
    """After a learner's view was kept: the staff's page is a fragment of its own."""
    auth.login("erika")
    client.get(LESSON)
    auth.logout()
    make_user(role=role, username="staff")
    auth.login("staff")
    page = main_of(client.get(LESSON).get_data(as_text=True))
    assert '<div class="admonition mentor">' in page
    assert MENTOR_HINT in page


def test_sources_are_folded_at_the_end(client, auth, learner):
    auth.login("erika")
    page = main_of(client.get(LESSON).get_data(as_text=True))
    found = SOURCES.search(page)
    assert found, "the sources are not in a <details> with 'Quellen anzeigen'"
    body = page[page.index('<div class="lesson-body">') : found.start()]
    assert "Die Anleitung des Herstellers" not in body  # not in the running text as well
    assert "<h2" not in found.group(0)  # the summary is the heading
    assert page.index("</article>") > found.end()  # inside the lesson, after its text


def test_sources_in_english(app, client, auth, learner):
    set_preferences(app, "erika", locale="en")
    auth.login("erika")
    page = main_of(client.get(LESSON).get_data(as_text=True))
    folded = page[page.index('<details class="lesson-sources">') :]
    assert "<summary>Show sources</summary>" in folded and "manual." in folded


def test_the_self_check_button_is_not_a_second_primary_action(client, auth, learner):
    auth.login("erika")
    page = main_of(client.get(LESSON).get_data(as_text=True))
    quiz = page[page.index('id="quiz"') : page.index('id="done"')]
    check = re.search(r'<button type="submit" class="([^"]*)">Antworten prüfen', quiz)
    assert check and "button-primary" not in check.group(1)
    done = page[page.index('id="done"') :]
    assert re.search(r'class="[^"]*button-primary[^"]*"[^>]*>\s*Erledigt', done)
    # One primary action at a time on the open page: "Done" is it (the help form is folded).
    shown = re.sub(r"<details class=\"card help-box\".*?</details>", "", page, flags=re.S)
    assert len(re.findall(r'class="button button-primary', shown)) == 1


def test_the_pager_says_which_lesson_of_how_many(client, auth, learner):
    auth.login("erika")
    page = client.get("/courses/sample/sample-second").get_data(as_text=True)
    pager = page[page.index('<nav class="pager"') :]
    pager = pager[: pager.index("</nav>")]
    assert '<p class="pager-position">Lektion 2 von 3</p>' in pager


BODY = """Text.

!!! mentor "Für Mentoren"
    Hinweis eins.

    Hinweis zwei.

Weiter im Text.

```
!!! mentor "im Code"
## Quellen
```

## Quellen

- Quelle A

## Danach

Schluss."""


def test_parts_of_a_body():
    learner = lesson_parts(BODY, staff=False)
    assert "Hinweis" not in learner.text and "Weiter im Text." in learner.text
    assert '!!! mentor "im Code"' in learner.text  # code blocks are left alone
    assert learner.sources == "- Quelle A"
    assert "## Danach" in learner.text and "Quelle A" not in learner.text
    staff = lesson_parts(BODY, staff=True)
    assert "Hinweis zwei." in staff.text and staff.sources == "- Quelle A"
    assert split_sources("Nur Text.").sources == ""
    assert without_mentor_boxes("a\n!!! mentor\n    b\nc") == "a\n\nc"


@pytest.mark.parametrize("heading", ["Джерела", "Źródła"])
def test_a_translated_sources_heading_is_folded_away_too(heading):
    parts = lesson_parts(f"Text.\n\n## {heading}\n\n- Quelle A\n", staff=False)
    assert parts.sources == "- Quelle A" and "Quelle A" not in parts.text
