"""Phone numbers, IBANs, web addresses and codes stay left to right inside Arabic text."""

from __future__ import annotations

import pytest

from learnapp.content.render import ltr_islands, render_markdown
from learnapp.content.render import ltr_text as islands


def ltr(text: str) -> str:
    return f'<bdi dir="ltr">{text}</bdi>'


@pytest.mark.parametrize(
    "value",
    [
        "0441 123 456",
        "+49 151 2345678",
        "(0441) 12 34 56",
        "0800-111 0 111",
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "www.sparkasse.de",
        "https://www.bund.de/a?x=1&amp;y=2",
        "sparkasse.de",
        "ausweisapp.bund.de/hilfe",
        "info@example.org",
        "AB12-CD34",
    ],
)
def test_each_kind_of_value_becomes_a_left_to_right_island(value):
    html = f"<p>اتصل بـ {value}. شكرا</p>"
    assert ltr_islands(html) == f"<p>اتصل بـ {ltr(value)}. شكرا</p>"


@pytest.mark.parametrize(
    "text",
    [
        "<p>اتصل بالرقم 110 الآن</p>",  # one group of digits reads the same either way
        "<p>أ. د. محمد، الساعة 10:30</p>",
        "<p>&amp; &#39; &quot;</p>",  # character references are never cut
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert ltr_islands(text) == text


def test_german_terms_beside_the_translation_keep_their_brackets_around_them():
    html = "<p>اذهبوا إلى (Bürgeramt) مع Online-Ausweis &amp; PIN.</p>"
    assert ltr_islands(html) == (
        f"<p>اذهبوا إلى ({ltr('Bürgeramt')}) مع {ltr('Online-Ausweis')} &amp; {ltr('PIN')}.</p>"
    )
    # A word beside an address: two islands, the address whole.
    assert ltr_islands("<p>und www.x.de</p>") == f"<p>{ltr('und')} {ltr('www.x.de')}</p>"


def test_links_keep_their_address_and_title_and_get_an_island_inside():
    link = '<a href="https://sparkasse.de/hilfe" title="Tel 0441 123 456">'
    html = f"<p>{link}sparkasse.de/hilfe</a></p>"
    assert ltr_islands(html) == (
        '<p><a href="https://sparkasse.de/hilfe" title="Tel 0441 123 456">'
        + ltr("sparkasse.de/hilfe")
        + "</a></p>"
    )


def test_a_greater_than_sign_inside_an_attribute_does_not_end_the_tag():
    html = '<p><abbr title="a > 0441 123 456">ط</abbr> 0441 123 456</p>'
    assert (
        ltr_islands(html)
        == '<p><abbr title="a > 0441 123 456">ط</abbr> ' + ltr("0441 123 456") + "</p>"
    )


def test_code_blocks_inline_code_and_existing_islands_are_left_alone():
    html = (
        "<pre><code>0441 123 456\nwww.example.de\n</code></pre>"
        "<p><code>0441 123 456</code> <kbd>AB12-CD34</kbd> <bdi>0441 123 456</bdi> 0441 123 456</p>"
    )
    assert ltr_islands(html) == html.replace(
        "</bdi> 0441 123 456</p>", "</bdi> " + ltr("0441 123 456") + "</p>"
    )


def test_only_a_right_to_left_lesson_is_changed():
    source = (
        'اتصل بالرقم 0441 123 456 أو زر [الموقع](https://example.org "x").\n\n    0441 123 456\n'
    )
    arabic = str(render_markdown(source, right_to_left=True))
    assert ltr("0441 123 456") in arabic
    assert '<a href="https://example.org" title="x">الموقع</a>' in arabic
    assert "<pre><code>0441 123 456\n</code></pre>" in arabic
    german = str(render_markdown("Rufen Sie 0441 123 456 an."))
    assert "<bdi" not in german


def test_the_wrapping_adds_only_bdi_around_text():
    source = "# عنوان {#x}\n\nالرقم 0441 123 456 و DE89 3704 0044 0532 0130 00 و www.x.de\n"
    plain = str(render_markdown(source))
    arabic = str(render_markdown(source, right_to_left=True))
    assert arabic.replace('<bdi dir="ltr">', "").replace("</bdi>", "") == plain
    assert arabic.count("<bdi") == 3


def test_screen_text_is_escaped_and_gets_islands_only_in_a_right_to_left_lesson():
    text = "<b>اتصل</b> 0441 123 456"
    assert str(islands(text, "ar")) == (
        f"&lt;{ltr('b')}&gt;اتصل&lt;/{ltr('b')}&gt; " + ltr("0441 123 456")
    )
    assert str(islands(text, "de")) == "&lt;b&gt;اتصل&lt;/b&gt; 0441 123 456"
    assert str(islands(text, None)) == "&lt;b&gt;اتصل&lt;/b&gt; 0441 123 456"
