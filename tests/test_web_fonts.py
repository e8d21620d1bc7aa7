"""The web fonts: shipped with the app, one script per file, fetched only where needed.

static/css/app.css names each subset in static/fonts/ with a unicode-range; the ranges are
the ones `make fonts` (.ci/fonts.py) cuts the files to. A German or English page has no letter
in any of them, so it fetches no font (tests/browser/test_network.py measures the real page).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from learnapp.paths import PROJECT_ROOT, STATIC_DIR
from tests.test_assets import _fetch, assets_app  # noqa: F401 - a fixture

CSS = (STATIC_DIR / "css" / "app.css").read_text(encoding="utf-8")
FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
MAX_FONT_BYTES = 48 * 1024  # one subset; the Arabic one is the largest (about 43 KB)


def faces() -> list[dict[str, str]]:
    found = []
    for body in FACE.findall(CSS):
        found.append(
            {
                name.strip(): value.strip()
                for name, value in (part.split(":", 1) for part in body.split(";") if ":" in part)
            }
        )
    return found


def code_points(ranges: str) -> set[int]:
    points: set[int] = set()
    for part in ranges.replace(" ", "").split(","):
        first, _, last = part.removeprefix("U+").partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def script_ranges() -> dict[str, str]:
    """The ranges .ci/fonts.py cuts each subset to."""
    source = (PROJECT_ROOT / ".ci" / "fonts.py").read_text(encoding="utf-8")
    return dict(re.findall(r'^([A-Z_]+) = "(U\+[^"]+)"', source, re.MULTILINE))


def test_every_face_is_a_shipped_woff2_file_of_a_few_dozen_kilobytes():
    assert len(faces()) == 6  # Arabic, Cyrillic, Latin Extended-A; regular and bold
    for face in faces():
        match = re.fullmatch(r'url\("\.\./fonts/([\w-]+\.woff2)"\) format\("woff2"\)', face["src"])
        assert match, face["src"]
        path = STATIC_DIR / "fonts" / match.group(1)
        assert path.read_bytes()[:4] == b"wOF2"
        assert path.stat().st_size <= MAX_FONT_BYTES, path.name
        assert face["font-display"] == "swap"


def test_each_face_covers_what_its_file_was_cut_to():
    ranges = script_ranges()
    by_file = {"arabic": "ARABIC", "cyrillic": "CYRILLIC", "latin-ext": "LATIN_EXT"}
    for face in faces():
        script = re.search(r"noto-sans-([a-z-]+)-\d00\.woff2", face["src"]).group(1)
        assert code_points(face["unicode-range"]) == code_points(ranges[by_file[script]])


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Seien Sie vorsichtig: Ärger, Größe, Straße, »Zitat« – 12,50 € … naïve café", set()),
        ("Be careful: it's “quoted” — £5 and 10 % off", set()),
        ("كن حذرا من الرسائل", {"arabic"}),
        ("Будьте осторожны № 1", {"cyrillic"}),
        ("Будь обережним: ґанок, їжак, є", {"cyrillic"}),
        ("Dikkatli olun: ğ ş ı İ", {"latin-ext"}),
    ],
)
def test_a_page_fetches_only_the_subsets_of_its_letters(text, wanted):
    fetched = set()
    for face in faces():
        if code_points(face["unicode-range"]) & {ord(c) for c in text}:
            fetched.add(re.search(r"noto-sans-([a-z-]+)-\d00", face["src"]).group(1))
    assert fetched == wanted


def test_the_font_stack_puts_the_shipped_font_first_and_the_latin_subset_last():
    body = re.search(r"\nbody \{[^}]*font-family:([^;]+);", CSS).group(1).split(",")
    families = [name.strip().strip('"') for name in body]
    assert families[0] == "DigiTandem Sans"
    assert families[-1] == "DigiTandem Sans Fallback"


def test_the_font_address_in_the_served_style_sheet_resolves(assets_app):  # noqa: F811
    client = assets_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    css_url = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)
    css = _fetch(client, css_url).get_data(as_text=True)
    for relative in re.findall(r'url\("(\.\./fonts/[^"]+)"\)', css):
        response = _fetch(client, urljoin(css_url, relative))
        assert response.status_code == 200, relative
        assert response.mimetype == "font/woff2"
        assert response.data == (STATIC_DIR / "fonts" / Path(relative).name).read_bytes()


def test_the_content_security_policy_allows_fonts_from_the_app_only(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "font-src 'self'" in policy
