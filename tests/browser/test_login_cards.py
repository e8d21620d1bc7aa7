"""Login cards in a real browser: the QR code is drawn on the screen and on paper, and a real
decoder (zbarimg, Debian's zbar-tools) reads the sign-in address with the username from it.

The PDF is made into an image with Ghostscript, as a printer would see it. Outside CI a missing
tool skips these tests with the reason; under CI=true it fails them (.ci/run installs both).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from learnapp.access import LEARNER
from learnapp.clock import local_now
from learnapp.coordinate.cards import learners_created_on
from learnapp.db import get_session
from learnapp.models import Centre, User
from tests.browser.accounts import CENTRE
from tests.browser.test_print import pdf_pages

CARDS_PER_PAGE = 6


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed (apt-get install zbar-tools ghostscript)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def decoded(png: Path) -> list[str]:
    """Every QR code zbarimg finds in the image (its exit status 4 means: none)."""
    result = subprocess.run(
        [tool("zbarimg"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 4), result.stderr
    return sorted(result.stdout.split())


def first_page_image(pdf: bytes, folder: Path, name: str) -> Path:
    """Page 1 of the PDF at 150 dpi, as a printer would rasterise it."""
    source, target = folder / f"{name}.pdf", folder / f"{name}-pdf.png"
    source.write_bytes(pdf)
    subprocess.run(
        [tool("gs"), "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m", "-r150",
         "-dFirstPage=1", "-dLastPage=1", f"-sOutputFile={target}", str(source)],
        check=True,
    )  # fmt: skip
    return target


def sign_in_address(server_url: str, username: str) -> str:
    return f"{server_url}/login?username={username}"


def qr_drawn(page) -> bool:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "img.qr", "imgs => imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0)"
    )


def test_card_qr_code_scans_on_screen_and_on_paper(browsing, screenshot_dir):
    server = browsing.server
    with server.app.app_context():
        username = get_session().get(User, server.ids["learner"]).username
    expected = [sign_in_address(server.url, username)]
    page = browsing.open("coordinator-default").page
    page.goto(f"/coordinate/learners/{server.ids['learner']}/card")
    assert qr_drawn(page), "the QR image loads and has a size"
    for name, viewport in (
        ("login-card", None),
        ("login-card-phone", {"width": 360, "height": 740}),
    ):
        if viewport:
            page.set_viewport_size(viewport)
        shot = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert decoded(shot) == expected, name
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf_pages(pdf) == 1
    assert decoded(first_page_image(pdf, screenshot_dir, "login-card")) == expected


def test_card_made_with_the_account_carries_password_and_scans(browsing, screenshot_dir):
    server = browsing.server
    with server.app.app_context():
        centre_id = get_session().scalars(select(Centre.id).where(Centre.name == CENTRE[0])).one()
    page = browsing.open("coordinator-default").page
    page.goto("/coordinate/accounts/new")
    page.fill("#display_name", "Ölaf Kartenprobe")
    page.check(f"input[name=role][value={LEARNER}]")
    page.select_option("#centre", str(centre_id))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    card = page.locator("article.login-card")
    username = card.locator(".card-username").inner_text().strip()
    assert re.fullmatch(r"oelaf[2-9]{2}", username), username
    password = card.locator(".password-display").inner_text().split()[0]
    with server.app.app_context():
        user = get_session().scalars(select(User).where(User.username == username)).one()
        assert user.check_password(password), "the card shows the password that works"
    assert qr_drawn(page)
    assert page.is_visible("button[data-print]"), "printing is one button away"
    shot = screenshot_dir / "login-card-created.png"
    page.screenshot(path=str(shot), full_page=True)
    assert decoded(shot) == [sign_in_address(server.url, username)]
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf_pages(pdf) == 1
    page_one = first_page_image(pdf, screenshot_dir, "login-card-created")
    assert decoded(page_one) == [sign_in_address(server.url, username)]


def test_sheet_of_todays_cards_prints_six_to_a_page_and_every_code_scans(browsing, screenshot_dir):
    server = browsing.server
    with server.app.app_context():
        db = get_session()
        # the coordinator's centre (the admin's second centre is not hers)
        centre_ids = list(db.scalars(select(Centre.id).where(Centre.name == CENTRE[0])))
        learners = learners_created_on(db, centre_ids, local_now().date())
        expected = sorted(sign_in_address(server.url, p.username) for p in learners)
    assert len(expected) > CARDS_PER_PAGE, "enough learners to fill more than one page"
    page = browsing.open("coordinator-default").page
    page.goto("/coordinate/cards/today")
    assert page.locator("article.login-card").count() == len(expected)
    assert qr_drawn(page)
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf_pages(pdf) == math.ceil(len(expected) / CARDS_PER_PAGE)
    first = decoded(first_page_image(pdf, screenshot_dir, "card-sheet"))
    assert len(first) == CARDS_PER_PAGE and set(first) <= set(expected)
    page.screenshot(path=str(screenshot_dir / "card-sheet.png"))
