"""Soft hyphens in long words: only in the text of a page, never in what is sent or typed."""

from __future__ import annotations

from flask.testing import FlaskClient

from learnapp.hyphenation import SOFT_HYPHEN, hyphenate_html
from tests.helpers import Auth

SHY = SOFT_HYPHEN


def test_long_words_get_their_hyphenation_points_and_nothing_else_changes() -> None:
    page = (
        '<h1 title="Empfängerüberprüfung">Empfängerüberprüfung</h1>'
        "<p>Online-Banking mit erika42 und info@verbraucherzentrale.de"
        " auf www.verbraucherzentrale.de: Sicherheitseinstellungen.</p>"
        "<code>Sicherheitseinstellungen</code><pre>Sicherheitseinstellungen</pre>"
        "<textarea>Sicherheitseinstellungen</textarea>"
        "<script>const Sicherheitseinstellungen = 1;</script>"
        '<input value="Sicherheitseinstellungen"><p>kurz</p>'
    )
    done = hyphenate_html(page, "de", 8)
    assert f'<h1 title="Empfängerüberprüfung">Emp{SHY}fän{SHY}ger' in done
    assert f"Si{SHY}cher{SHY}heits{SHY}" in done and f"{SHY}gen.</p>" in done
    for verbatim in ("code", "pre", "textarea"):
        assert f"<{verbatim}>Sicherheitseinstellungen</{verbatim}>" in done
    assert "const Sicherheitseinstellungen = 1;" in done
    assert 'value="Sicherheitseinstellungen"' in done
    assert "info@verbraucherzentrale.de" in done and "www.verbraucherzentrale.de" in done
    assert "erika42" in done and "<p>kurz</p>" in done
    assert done.replace(SHY, "") == page  # soft hyphens are all that was added


def test_a_language_without_a_dictionary_is_left_as_it_is() -> None:
    page = "<p>مرحبا بكم في الدروس الطويلة جدا جدا</p>"
    assert hyphenate_html(page, "ar", 2) == page


def test_large_text_hyphenates_shorter_words_than_normal_text(
    client: FlaskClient, auth: Auth, make_user
) -> None:  # type: ignore[no-untyped-def]
    make_user(role="learner", username="gross", text_size=200)
    make_user(role="learner", username="normal", text_size=100)
    auth.login("gross")
    large = client.get("/settings").get_data(as_text=True)
    assert f"Ein{SHY}stel{SHY}lun{SHY}gen" in large
    assert 'value="200"' in large  # attributes keep their values
    client.post("/logout", data={"csrf_token": ""})
    client.delete_cookie("session")
    auth.login("normal")
    normal = client.get("/settings").get_data(as_text=True)
    assert "Einstellungen" in normal and SHY not in normal
