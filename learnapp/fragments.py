"""Parts of pages that are the same for everyone, drawn from explicit arguments only and kept.

A course card, a self-check's questions, a lesson's Previous/Next links, the main menu: each
depends on the content, the language, where the app is mounted and a few values passed in, never
on who is asking. They are drawn by `draw()` in an environment of their own that knows nothing
of the request: no `request`, `session`, `g`, `current_user`, `config`, flashed messages or CSRF
token, and every unknown name is an error (StrictUndefined). A fragment template that reaches
for a person's data fails when it is drawn instead of being kept and shown to someone else.

A fragment may hold a form: its hidden fields that are the page's own (the CSRF token, a
one-time number) are drawn as fixed marks, `page_field(name)` and `csrf_field()`, the same for
everyone and secret to no one. `with_page_fields()` puts the page's own values in their place
when the fragment is used, never when it is kept. A mark it is not given stays a field without
a value, which the form's check refuses: nothing of one page can reach another.

Everything a fragment's template sees is in its cache key: the template's name, the script root,
the library's generation, the language and the arguments. The page around the fragments is
rendered normally for each request.
"""

from __future__ import annotations

from collections.abc import Hashable
from contextvars import ContextVar
from datetime import date
from urllib.parse import quote

from babel.dates import format_skeleton
from babel.support import NullTranslations
from flask import Flask, current_app, request, url_for
from flask.globals import app_ctx
from flask_babel import force_locale, get_locale, get_translations
from jinja2 import Environment, StrictUndefined, pass_eval_context
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE, DEFAULT_TESTS
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from learnapp.assets import asset_url
from learnapp.content.library import Library
from learnapp.content.render import ltr_text
from learnapp.i18n import text_direction
from learnapp.lru import LruCache

EXTENSION_KEY = "learnapp_fragments"
ENVIRONMENT_KEY = "learnapp_fragment_environment"
MAX_FRAGMENTS = 4096  # a few KB each at most: some MB per worker
FRAGMENT_TEMPLATES = "fragments/"

# A page field in a kept fragment. Lesson text cannot contain one: the sanitiser turns every
# "<" of an author's text into "&lt;" and drops <input> elements.
PAGE_FIELD_MARK = '<input type="hidden" name="{name}" data-page-field>'
PAGE_FIELD = '<input type="hidden" name="{name}" value="{value}">'
CSRF_FIELD = "csrf_token"
# A kept link that takes along the page it is on ("Help"): `with_page_origin()` turns the mark
# after its address into "?from=<this page>". Only for fragments without an author's text
# (the site header): there the mark can stand for nothing else.
PAGE_ORIGIN_MARK = '" data-page-origin'

# The translations of the language a fragment is drawn in; set only while one is drawn.
_translations: ContextVar[NullTranslations] = ContextVar("fragment_translations")


# Drawn fragments by key (see `draw`).
FragmentCache = LruCache[Hashable, Markup]


def draw(
    template: str,
    *,
    lang: str,
    library: Library | None = None,
    keep: bool = True,
    **arguments: object,
) -> Markup:
    """The fragment `template` (under templates/fragments/) for these explicit arguments.

    The template sees `lang`, `library` and `arguments`, nothing else of the request. It is
    kept unless `keep` is false (a learner's own answers are passed in) or templates are
    re-read on change (debug): then it is drawn every time. Kept arguments must be hashable
    values (ids, numbers, strings), so that the key says everything the template saw.
    """
    app = app_ctx.app  # the app itself: one look-up, not one through the proxy per use
    keep = keep and not app.jinja_env.auto_reload
    key: Hashable = None
    cache: FragmentCache = app.extensions[EXTENSION_KEY]
    if keep:
        generation = library.generation if library is not None else None
        # The script root is in every link a fragment draws with url_for.
        key = (template, request.script_root, generation, lang, tuple(sorted(arguments.items())))
        found = cache.get(key)
        if found is not None:
            return found
    html = _render(template, lang, library, arguments)
    if keep:
        cache.put(key, html)
    return html


def page_field(name: str) -> Markup:
    """What a fragment draws for a hidden field whose value is the page's own."""
    return Markup(PAGE_FIELD_MARK.format(name=escape(name)))  # noqa: S704 - escaped


def csrf_field_mark() -> Markup:
    """`csrf_field()` in a fragment: the mark of the page's CSRF field."""
    return page_field(CSRF_FIELD)


def with_page_fields(html: Markup, values: dict[str, str]) -> Markup:
    """A kept fragment with the page's own values in its page fields."""
    text = str(html)
    for name, value in values.items():
        # str's own replace: Markup's would escape its arguments again, at a cost on every page.
        mark = PAGE_FIELD_MARK.format(name=escape(name))
        text = text.replace(mark, PAGE_FIELD.format(name=escape(name), value=escape(value)))
    return Markup(text)  # noqa: S704 - the fragment is escaped template output, the values above


def with_page_token(html: Markup, token: str) -> Markup:
    """A kept fragment with its forms' CSRF fields filled in for the page being drawn."""
    return with_page_fields(html, {CSRF_FIELD: token})


def origin_link(url: str) -> Markup:
    """`href` of a link in a kept fragment that is to carry the page it is shown on."""
    return Markup(f'href="{escape(url)}{PAGE_ORIGIN_MARK}')  # noqa: S704 - escaped


def with_page_origin(html: Markup, origin: str) -> Markup:
    """A kept fragment whose origin links name `origin` (a path of this app) as their source."""
    filled = f'?from={escape(quote(origin, safe="/"))}"'
    return Markup(str(html).replace(PAGE_ORIGIN_MARK, filled))  # noqa: S704 - escaped above


def fragment_cache() -> FragmentCache:
    cache: FragmentCache = current_app.extensions[EXTENSION_KEY]
    return cache


def fragment_environment(app: Flask) -> Environment:
    """The app's template environment (loader, settings, extensions) with nothing per request."""
    environment: Environment = app.extensions[ENVIRONMENT_KEY]
    environment.auto_reload = app.jinja_env.auto_reload
    return environment


def _render(
    template: str, lang: str, library: Library | None, arguments: dict[str, object]
) -> Markup:
    if not template.startswith(FRAGMENT_TEMPLATES):
        raise ValueError(f"{template} is not a fragment template")
    environment = fragment_environment(current_app)
    token = _translations.set(_translations_for(lang))
    try:
        html = environment.get_template(template).render(lang=lang, library=library, **arguments)
    finally:
        _translations.reset(token)
    return Markup(html)  # noqa: S704 - autoescaped template output


def _translations_for(lang: str) -> NullTranslations:
    """The catalogue of `lang` itself, whatever language the request was in."""
    with force_locale(lang):
        if str(get_locale()) != lang:  # force_locale does nothing outside a request
            raise RuntimeError("fragments are drawn inside a request")
        return get_translations()


# gettext as Jinja's i18n extension installs it ("newstyle": the result is a format string,
# marked safe when autoescaping), but in the fragment's own language, never the request's.
@pass_eval_context
def _gettext(eval_context: EvalContext, message: str, **variables: object) -> str:
    text = _translations.get().ugettext(message)
    if eval_context.autoescape:
        text = Markup(text)  # noqa: S704 - a translation from our own catalogue
    return text % variables


@pass_eval_context
def _ngettext(
    eval_context: EvalContext, singular: str, plural: str, number: int, **variables: object
) -> str:
    variables.setdefault("num", number)
    text = _translations.get().ungettext(singular, plural, number)
    if eval_context.autoescape:
        text = Markup(text)  # noqa: S704 - a translation from our own catalogue
    return text % variables


def format_day(value: date, lang: str) -> str:
    """ "3. Dez. 2026" / "Dec 3, 2026" in the given language (not the request's)."""
    return format_skeleton("yMMMd", value, locale=lang)


def _make_environment(app: Flask) -> Environment:
    # cache_size: a cache of its own; the app's compiled templates carry the app's globals.
    environment = app.jinja_env.overlay(undefined=StrictUndefined, cache_size=400)
    # Fresh dicts: an overlay shares its parent's, which hold request, session, csrf_token...
    environment.globals = {
        **DEFAULT_NAMESPACE,
        "url_for": url_for,
        "_": _gettext,
        "gettext": _gettext,
        "ngettext": _ngettext,
        "text_direction": text_direction,
        "format_day": format_day,
        "asset_url": asset_url,
        "csrf_field": csrf_field_mark,
        "page_field": page_field,
        "origin_link": origin_link,
    }
    environment.filters = {**DEFAULT_FILTERS, "ltr_islands": ltr_text}
    environment.tests = dict(DEFAULT_TESTS)
    return environment


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = FragmentCache(MAX_FRAGMENTS)
    app.extensions[ENVIRONMENT_KEY] = _make_environment(app)
