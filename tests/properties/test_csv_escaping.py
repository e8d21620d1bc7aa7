"""Spreadsheet escaping (learnapp/coordinate/csv_export.py): formulas neutralised, nothing else.

Which cells a spreadsheet reads as a formula, decided from the OWASP CSV-injection guidance
(= + - @ tab CR as the first character) and what Excel and LibreOffice Calc do:

* the first character decides. The module also escapes LF, `|` (DDE) and `%`, as defusedcsv
  does; that stays required.
* a space before `=` (" =1+1") is text: Excel evaluates only a cell whose first character is
  the formula sign, and LibreOffice trims spaces only when "Trim spaces" is ticked in its
  import dialog (off by default). Such cells must come back unchanged.
* full-width signs (＝ U+FF1D, ＋, －, ＠) are text in both programs: unchanged.
* plain numbers with a sign (-5, +3.2, -1e3, and -1,5 with a German decimal comma) stay
  numbers: unchanged. Only ASCII digits make a number.
* a NUL first character: OWASP ASVS 5.0 (1.2.10) lists it with = + - @ tab: escaped.
* what Python's float() accepts beyond plain numbers ("-inf", "-1_0", "-nan", "\\t-5", "-5\\n",
  digits of other scripts) is not a plain number: escaped like any other text with a sign first.

Escaping is exactly one apostrophe in front: no character of the cell may be lost or altered.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from learnapp.coordinate.csv_export import safe_cell, to_csv

FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%", "\x00")
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")

SLOW_OK = [HealthCheck.too_slow]  # a busy shared machine must not fail the run


def expected_cell(text: str) -> str:
    """What safe_cell must make of a text."""
    if PLAIN_NUMBER.fullmatch(text):
        return text
    if text.startswith(FORMULA_FIRST):
        return "'" + text
    return text


RICH = "=+-@\t\r\n|%'\"; ,.0123456789eE\x00\u00a0\u3000\uff1d\uff0b\uff0d\uff20\ufe66xAé→"
cells = st.one_of(
    st.text(),
    st.text(alphabet=RICH, max_size=12),
    st.tuples(st.sampled_from(FORMULA_FIRST + (" ", "\uff1d", "'", "")), st.text(max_size=8)).map(
        "".join
    ),
    st.sampled_from(
        (
            '=HYPERLINK("http://x";"y")',
            "=cmd|' /C calc'!A0",
            "+49 170 1234567",
            "-Gerda",
            "@Ilse",
            "@SUM(A1)",
            "%0A",
            "|calc",
            " =1+1",
            "\uff1d1+1",
            'Anna; "Nanni" Schmidt',
        )
    ),
)
numbers = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers(0, 10**6).map(lambda n: f"+{n}"),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f"{f:+.3f}"),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)


@settings(max_examples=500, deadline=None, suppress_health_check=SLOW_OK)
@given(text=st.one_of(cells, numbers))
@example(text="=1+1")
@example(text="@SUM(A1)")
@example(text="-Gerda")
@example(text="+49 170 1234567")
@example(text="\t=1+1")
@example(text="\r=1+1")
@example(text="\n=1+1")
@example(text="|calc")
@example(text="%0A")
@example(text="-5")
@example(text="+3.2")
@example(text="Erika")
@example(text="")
def test_formula_cells_get_one_apostrophe_and_every_other_cell_stays_as_it_is(text):
    result = safe_cell(text)
    wanted = expected_cell(text)
    assert result == wanted, f"{text!r} became {result!r}, wanted {wanted!r}"


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW_OK)
@given(
    value=st.one_of(
        st.none(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=False, allow_infinity=False),
    )
)
def test_numbers_stay_numbers(value):
    text = "" if value is None else str(value)
    assert PLAIN_NUMBER.fullmatch(text) or not text  # Decimal('-1E+5') too
    assert safe_cell(value) == text


@pytest.mark.parametrize(
    "number",
    ["-5", "+3.2", "-0.5", "+49", "-1e3", "1e5", "-1E+5", "-12", "0", "3.25", "-1,5", "-.5"],
)
def test_signed_numbers_are_not_escaped(number):
    assert safe_cell(number) == number


@pytest.mark.parametrize(
    "text",
    [
        "-inf",
        "+Infinity",
        "-nan",
        "-1_0",  # Python's digit grouping
        "+1_000.5",
        "-\u0661\u0662",  # Arabic-Indic digits: float() reads -12
        "+\uff15",  # a full-width 5
        "-5\n",  # float() strips the newline, a spreadsheet does not
        "-5 ",
        "\t-5",
        "-0x1A",
        "+1e",
        "-",
    ],
)
def test_what_only_python_reads_as_a_number_is_escaped(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    [
        " =1+1",  # a space first: text in Excel and LibreOffice (default import)
        '\uff1dHYPERLINK("http://x";"y")',  # full-width equals sign: text
        "\uff0b49 170",  # full-width plus
        "'=already escaped",
        "Ilse@example",
        "1+1",
    ],
)
def test_cells_that_only_look_like_formulas_are_left_alone(text):
    assert safe_cell(text) == text


def test_a_nul_first_character_is_escaped_too():
    assert safe_cell('\x00=HYPERLINK("http://x";"y")') == '\'\x00=HYPERLINK("http://x";"y")'


rows = st.lists(
    st.lists(st.one_of(cells, numbers, st.none(), st.integers(), st.floats()), max_size=6),
    max_size=6,
)


def _parse(output: str) -> list[list[str]]:
    assert output.startswith("\ufeff"), "the file must start with a BOM"
    return list(csv.reader(io.StringIO(output[1:], newline=""), delimiter=";"))


@settings(max_examples=300, deadline=None, suppress_health_check=SLOW_OK)
@given(table=rows)
@example(table=[['Anna; "Nanni" Schmidt', "Zeile\nzwei", 'a""b', ";", '"', "\r\n"]])
@example(table=[["=1+1", "-5", None, 2.5], [], [""]])
@example(table=[["\ufeffBOM in a cell", "x"]])
def test_the_file_reads_back_as_exactly_the_escaped_cells(table):
    parsed = _parse(to_csv(table))
    assert parsed == [[safe_cell(cell) for cell in row] for row in table]


def test_the_file_has_one_bom_and_semicolons():
    output = to_csv([["a", "b"], ["=x", "-5"]])
    assert output == "\ufeffa;b\r\n'=x;-5\r\n"
