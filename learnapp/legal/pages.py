"""The operator's legal pages: Markdown files in `instance/pages/`, or the shipped defaults.

`instance/pages/impressum.md` is the German page, `impressum.en.md` its English version (the
German one stands in when there is none). A page is read at each request — they are small and
rarely asked for — so an operator's edit shows without a restart. Both the operator's and the
default text go through the lessons' sanitiser: whatever HTML a file holds, only the lessons'
allowlist reaches the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from markupsafe import Markup

from learnapp.content.render import render_markdown
from learnapp.paths import TEMPLATES_DIR

PAGES = ("impressum", "datenschutz", "barrierefreiheit")
DEFAULTS_DIR = TEMPLATES_DIR / "legal" / "defaults"
# Lines of their own that the operator may keep in their own wording: replaced by the table of
# stored data (which follows the models) and by the list of what the browser tests check.
STORED_DATA_MARK = "[[stored-data]]"
TESTED_MARK = "[[tested]]"


@dataclass(frozen=True)
class LegalText:
    markdown: str
    written_by_operator: bool
    language: str  # the language the text is in (German stands in for a missing English one)


def operator_dir(app: Flask) -> Path:
    return Path(app.instance_path) / "pages"


def _candidates(folder: Path, name: str, lang: str, default_lang: str) -> list[tuple[Path, str]]:
    own = [(folder / f"{name}.{lang}.md", lang)]
    if lang == default_lang:
        own.append((folder / f"{name}.md", lang))
    else:
        own += [
            (folder / f"{name}.md", default_lang),
            (folder / f"{name}.{default_lang}.md", default_lang),
        ]
    return own


def legal_text(name: str, lang: str) -> LegalText:
    """The operator's page in `lang` if written, else the German one, else the default."""
    default_lang = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    for path, language in _candidates(operator_dir(current_app), name, lang, default_lang):
        if path.is_file():
            return LegalText(path.read_text(encoding="utf-8"), True, language)
    for path, language in _candidates(DEFAULTS_DIR, name, lang, default_lang):
        if path.is_file():
            return LegalText(path.read_text(encoding="utf-8"), False, language)
    raise LookupError(f"no default text for the legal page {name!r}")


def render_legal_text(text: str, stored_data_html: str, tested_html: str) -> Markup:
    """Sanitised HTML of a page; the marks become the generated parts.

    The generated parts are our own templates' output (escaped there), never the file's HTML:
    they are put in after the sanitiser has run.
    """
    html = str(render_markdown(text))
    for mark, generated in ((STORED_DATA_MARK, stored_data_html), (TESTED_MARK, tested_html)):
        html = html.replace(f"<p>{mark}</p>", generated)
    return Markup(html)  # noqa: S704 - sanitised above, generated parts escaped by Jinja


def missing_pages(app: Flask) -> list[str]:
    """Pages the operator has not written yet (German file missing)."""
    folder = operator_dir(app)
    return [name for name in PAGES if not (folder / f"{name}.md").is_file()]


def warn_about_missing_pages(app: Flask) -> None:
    missing = missing_pages(app)
    if missing:
        app.logger.warning(
            "The operator's legal pages are missing: %s. Write them as Markdown in %s "
            "(the defaults say what belongs in them).",
            ", ".join(f"{name}.md" for name in missing),
            operator_dir(app),
        )
