"""CSV for spreadsheets, safe against formula injection (a name like `=cmd|...` stays text)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

# Cells starting with these are run as formulas by spreadsheet programs (OWASP ASVS 5.0
# 1.2.10 lists = + - @ tab and NUL; CR, LF, | for DDE and % as defusedcsv does).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%", "\x00")
# A sign, ASCII digits with a decimal point or comma, an exponent: the numbers left unescaped.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


def safe_cell(value: object, decimal_sign: str = ".") -> str:
    """The cell as text; a decimal number with the reader's decimal sign ("2,5" in German, or
    German Excel reads "2.5" as a date or as text)."""
    if isinstance(value, float):
        return str(value).replace(".", decimal_sign)
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    """A plain decimal number (-5, +3.2, -1e3, -1,5): a spreadsheet reads it as a number.

    Not float(): it also takes "-inf", "-1_0", digits of other scripts and surrounding spaces.
    """
    return PLAIN_NUMBER.fullmatch(text) is not None


def to_csv(rows: Iterable[Iterable[object]], decimal_sign: str = ".") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL)  # ";" for German Excel
    for row in rows:
        writer.writerow([safe_cell(cell, decimal_sign) for cell in row])
    return "\ufeff" + buffer.getvalue()  # a BOM so spreadsheet programs read UTF-8
