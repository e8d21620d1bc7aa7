"""Numbers from URLs and forms: ASCII digits only, and no more than an integer column holds."""

from __future__ import annotations

import pytest

from learnapp.whole_numbers import whole_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("7", 7),
        ("007", 7),
        ("999999999", 999_999_999),
        ("1000000000", None),  # ten digits: more than PostgreSQL's integer holds
        ("9" * 5000, None),  # int() of this raises ValueError
        ("", None),
        (None, None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1 ", None),
        ("1\n", None),
        ("1.0", None),
        ("²", None),  # "²".isdigit() is true, int("²") raises
        ("٣", None),  # Arabic-Indic three: int() reads it as 3
        ("１", None),  # full-width one
    ],
)
def test_whole_number(raw, expected):
    assert whole_number(raw) == expected


def test_a_superscript_page_number_on_the_audit_log_is_page_one(client, auth, make_user):
    make_user(role="admin", username="ada")
    auth.login("ada")
    page = client.get("/admin/audit?page=²")
    assert page.status_code == 200


def test_a_huge_learner_number_when_planning_is_ignored(client, auth, make_user):
    make_user(role="mentor", username="mia")
    auth.login("mia")
    assert client.get("/mentor/sessions/new?learner=" + "9" * 40).status_code == 200
