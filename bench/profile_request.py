"""Where the fixed cost of a request goes, in-process: timings, hooks left out, cProfile.

    python -m bench.profile_request --tree /path/to/tree [--requests 2000] [--postgres]

The tree's app is built with the request log off, on a fresh SQLite file (or the PostgreSQL
database h_bench_profile with --postgres), filled by the tree's own `db upgrade` and
`demo load --large`. A learner signs in through the real form; then requests go straight into
app.wsgi_app with a prepared environ (no test client, no socket), as gunicorn would call it.

Three views of the same requests, each in microseconds per request:
1. wall clock of a bare Flask route returning the lesson's bytes, /healthz, the lesson, home;
2. each before/after-request hook left out in turn (the difference is what it costs);
3. cProfile: the cumulative time of named pieces (hooks, session cookie, user load, locale,
   templates, database), scaled by unprofiled/profiled time so they add up to real time.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

LESSON = "/courses/messaging/messaging-groups"
BASE_URL = "https://localhost"  # production cookies are Secure: speak HTTPS to the app
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/h_bench_profile"
SECRET_KEY = "bench-profile-secret-key-0123456789abcdef0123456789abcdef"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
Key = tuple[str, int, str]  # pstats: file, line, function


def use_tree(tree: Path) -> None:
    """Import learnapp from the tree under study, not from the directory we were started in."""
    if "learnapp" in sys.modules:
        raise RuntimeError("learnapp was imported before the tree was chosen")
    sys.path.insert(0, str(tree))
    os.chdir(tree)


def build_app(database_url: str, work: Path) -> Any:
    from learnapp import create_app

    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "ENVIRONMENT": "production",
            "CONTENT_AUTO_RELOAD": False,
            "ASSETS_DIR": str(work / "static-build"),
            "REQUEST_LOG": False,
            "DEMO_MODE": True,  # read only by `demo load`
        }
    )
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["demo", "load", "--large", "--learners=8", "--mentors=2"]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {result.output}{result.exception!r}")
    password = re.search(r"^learner: l1 / (\S+)$", result.output, re.MULTILINE)
    assert password, result.output
    app.config["BENCH_PASSWORD"] = password.group(1)
    return app


def signed_in_cookie(app: Any) -> str:
    """Sign l1 in through the form, open the lesson once; the Cookie header to send."""
    client = app.test_client()
    page = client.get("/login", base_url=BASE_URL).get_data(as_text=True)
    token = CSRF_FIELD.search(page)
    assert token, "no CSRF token on /login"
    reply = client.post(
        "/login",
        base_url=BASE_URL,
        data={"username": "l1", "password": app.config["BENCH_PASSWORD"], "csrf_token": token[1]},
        headers={"Referer": BASE_URL + "/login"},
    )
    assert reply.status_code == 302, reply.status_code
    assert client.get(LESSON, base_url=BASE_URL).status_code == 200
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="localhost")
    assert cookie is not None
    return f"{cookie.key}={cookie.value}"


class Caller:
    """Calls a WSGI app with one prepared request, as a server would; keeps the cookie fresh."""

    def __init__(self, wsgi: Callable, path: str, cookie: str | None) -> None:
        from werkzeug.test import EnvironBuilder

        headers = {"Accept-Language": "de"}
        if cookie:
            headers["Cookie"] = cookie
        self.environ = EnvironBuilder(
            path, base_url=BASE_URL, headers=list(headers.items())
        ).get_environ()
        self.wsgi = wsgi
        self.status = ""
        self.body_bytes = 0
        self.keep = False  # keep the body of the next calls
        self.body = b""

    def _start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], None]:
        self.status = status
        for name, value in headers:
            # The idle clock rewrites the cookie once a minute: send what the app last set.
            if name.lower() == "set-cookie" and "HTTP_COOKIE" in self.environ:
                self.environ["HTTP_COOKIE"] = value.split(";", 1)[0]
        return lambda data: None

    def __call__(self) -> None:
        environ = dict(self.environ)
        environ["wsgi.input"] = io.BytesIO()
        body = self.wsgi(environ, self._start_response)
        size, chunks = 0, []
        try:
            for chunk in body:
                size += len(chunk)
                if self.keep:
                    chunks.append(chunk)
            self.body_bytes = size
            if self.keep:
                self.body = b"".join(chunks)
        finally:
            getattr(body, "close", lambda: None)()


BATCH = 10  # requests per timed batch: short, so that most batches run undisturbed


def _batch(caller: Callable[[], None]) -> float:
    started = time.perf_counter()
    for _ in range(BATCH):
        caller()
    return (time.perf_counter() - started) / BATCH


def microseconds(call: Callable[[], None], requests: int) -> float:
    """µs per call in the fastest of many short batches: the least disturbed by neighbours.

    Other processes on the machine only ever add time, so the minimum is the best estimate
    of the cost itself (it leaves out rare pauses such as garbage collection).
    """
    call()
    return min(_batch(call) for _ in range(max(3, requests // BATCH))) * 1e6


def hook_name(function: Callable) -> str:
    target = inspect.unwrap(function)
    return f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', target)}"


def saved_without(registry: list[Callable], index: int, caller: Caller, requests: int) -> float:
    """µs a hook costs: short batches with and without it, alternated, fastest of each."""
    caller()
    with_it, without_it = float("inf"), float("inf")
    for _ in range(max(3, requests // BATCH // 2)):
        with_it = min(with_it, _batch(caller))
        removed = registry.pop(index)
        try:
            without_it = min(without_it, _batch(caller))
        finally:
            registry.insert(index, removed)
    return (with_it - without_it) * 1e6


def _nothing() -> None:
    return None


def without_each_hook(app: Any, callers: dict[str, Caller], requests: int) -> list[tuple]:
    """Each before/after-request hook taken out in turn: µs saved per request, per target."""
    rows: list[tuple] = []
    # Control: a hook that does nothing, left out like the others. Its "saving" is the noise
    # of this machine at this moment; smaller differences below mean nothing.
    app.before_request_funcs[None].append(_nothing)
    control = len(app.before_request_funcs[None]) - 1
    try:
        saved = {
            target: saved_without(app.before_request_funcs[None], control, caller, requests)
            for target, caller in callers.items()
        }
        rows.append(("control: a hook that does nothing (noise)", saved, {}))
    finally:
        app.before_request_funcs[None].pop()
    for kind, registry in (
        ("before", app.before_request_funcs),
        ("after", app.after_request_funcs),
    ):
        hooks = registry[None]
        for index in range(len(hooks)):
            name = f"{kind}: {hook_name(hooks[index])}"
            saved, statuses = {}, {}
            for target, caller in callers.items():
                saved[target] = saved_without(hooks, index, caller, requests)
                statuses[target] = caller.status  # as last answered: with the hook back
            rows.append((name, saved, statuses))
    return rows


def code_key(function: Callable) -> Key:
    target = inspect.unwrap(getattr(function, "__func__", function))
    code = target.__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


def pieces(app: Any) -> list[tuple[str, Callable[[Key], bool]]]:
    """Named pieces of a request, each a test on pstats keys (the largest cumulative wins)."""
    import flask
    import flask.sessions
    import flask_login.login_manager
    import flask_login.utils
    import sqlalchemy.orm.session

    from learnapp import db, pages

    def function(f: Callable) -> Callable[[Key], bool]:
        wanted = code_key(f)
        return lambda key: key == wanted

    def named(path_part: str, *names: str) -> Callable[[Key], bool]:
        return lambda key: path_part in key[0] and key[2] in names

    found: list[tuple[str, Callable[[Key], bool]]] = []
    for kind, registry in (
        ("before", app.before_request_funcs),
        ("after", app.after_request_funcs),
    ):
        for hook in registry[None]:
            found.append((f"{kind}: {hook_name(hook)}", function(hook)))
    for processor in app.template_context_processors[None]:
        found.append((f"context processor: {hook_name(processor)}", function(processor)))
    interface = flask.sessions.SecureCookieSessionInterface
    return found + [
        ("session cookie: open (verify, decode)", function(interface.open_session)),
        ("session cookie: save (sign, encode)", function(interface.save_session)),
        ("flask-login: load the user", function(flask_login.login_manager.LoginManager._load_user)),
        ("flask-login: current_user proxy", function(flask_login.utils._get_user)),
        ("locale: flask_babel.get_locale", named("flask_babel", "get_locale")),
        ("locale: select_locale", named("learnapp/i18n.py", "select_locale")),
        ("gettext (flask_babel)", named("flask_babel", "gettext", "ngettext")),
        (
            "Babel formatting (babel.numbers/dates)",
            named("babel/", "format_skeleton", "format_decimal", "format_date"),
        ),
        ("templates: flask.render_template", function(flask.render_template)),
        ("templates: site_header", function(pages.site_header)),
        ("url_for", function(flask.url_for)),
        ("db: get_session (open)", function(db.get_session)),
        ("db: session close (teardown)", function(db._close_session)),
        ("db: Session.execute", function(sqlalchemy.orm.session.Session.execute)),
        ("db: Session.scalars", function(sqlalchemy.orm.session.Session.scalars)),
        ("db: Session.commit", function(sqlalchemy.orm.session.Session.commit)),
        ("db: DBAPI cursor.execute", named("sqlalchemy/engine/default.py", "do_execute")),
        ("db: pool checkout", named("sqlalchemy/pool/base.py", "_checkout")),
        ("db: pool checkin (reset, rollback)", named("sqlalchemy/pool/base.py", "_finalize_fairy")),
        (
            "db: isolation level set/reset",
            named(
                "sqlalchemy/engine/default.py",
                "set_isolation_level",
                "_set_connection_characteristics",
                "reset_isolation_level",
            ),
        ),
        (
            "db: SQL compile (cached lookup)",
            named("sqlalchemy/sql/elements.py", "_compile_w_cache"),
        ),
        ("db: ORM rows to objects", named("sqlalchemy/orm/loading.py", "instances")),
        (
            "db: ORM statement setup (compile_state)",
            named("sqlalchemy/orm/context.py", "orm_setup_cursor_result", "orm_pre_session_exec"),
        ),
        (
            "werkzeug: Headers.set/setdefault",
            named("werkzeug/datastructures/headers.py", "set", "setdefault"),
        ),
        (
            "flask-login: session protection hash (sha512)",
            named("flask_login/utils.py", "_create_identifier"),
        ),
        (
            "itsdangerous: sign/verify (session, CSRF)",
            named("itsdangerous/signer.py", "get_signature", "verify_signature"),
        ),
        ("request id (secrets.randbelow)", named("secrets.py", "randbelow")),
        ("csrf: generate_csrf", named("flask_wtf/csrf.py", "generate_csrf")),
        ("fragments: draw (kept or drawn)", named("learnapp/fragments.py", "draw")),
        ("fragments: page fields filled", named("learnapp/fragments.py", "with_page_fields")),
        ("lesson: record_visit", named("learnapp/learn/services.py", "record_visit")),
        ("werkzeug: request context push", named("flask/ctx.py", "push")),
        ("werkzeug: request context pop", named("flask/ctx.py", "pop")),
        (
            "werkzeug: response headers/cookies out",
            named("werkzeug/wrappers/response.py", "get_wsgi_headers"),
        ),
        ("flask: full_dispatch_request", named("flask/app.py", "full_dispatch_request")),
        ("flask: view function (dispatch_request)", named("flask/app.py", "dispatch_request")),
    ]


def profile(caller: Caller, requests: int) -> cProfile.Profile:
    caller()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        caller()
    profiler.disable()
    return profiler


def piece_times(
    stats: pstats.Stats, named: Iterable[tuple[str, Callable[[Key], bool]]], requests: int
) -> list[tuple[str, float, int]]:
    """(name, cumulative µs per request under the profiler, calls per request)."""
    table: dict[Key, tuple] = getattr(stats, "stats")  # noqa: B009 - not in the stubs
    rows = []
    for name, test in named:
        best = (0.0, 0)
        for key, (_cc, calls, _tt, cumulative, _callers) in table.items():
            if test(key) and cumulative > best[0]:
                best = (cumulative, calls)
        if best[1]:
            rows.append((name, best[0] / requests * 1e6, round(best[1] / requests)))
    return rows


def profiled_total(stats: pstats.Stats, requests: int) -> float:
    return float(getattr(stats, "total_tt")) / requests * 1e6  # noqa: B009 - not in the stubs


def top_functions(profiler: cProfile.Profile, count: int) -> str:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(count)
    return out.getvalue().split("\n", 6)[-1] if out.getvalue() else ""


def prepare_postgres() -> None:
    for command in (
        "DROP DATABASE IF EXISTS h_bench_profile WITH (FORCE)",
        "CREATE DATABASE h_bench_profile",
    ):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", command],
            check=True,
            capture_output=True,
            timeout=60,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=Path.cwd(), help="the code tree to profile")
    parser.add_argument("--requests", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    parser.add_argument("--top", type=int, default=25, help="functions listed by own time")
    args = parser.parse_args(argv)
    use_tree(args.tree.resolve())

    from flask import Flask, Response

    work = Path(tempfile.mkdtemp(prefix="profile-request-"))
    if args.postgres:
        prepare_postgres()
    app = build_app(PG_URL if args.postgres else f"sqlite:///{work}/learnapp.db", work)
    cookie = signed_in_cookie(app)
    lesson = Caller(app.wsgi_app, LESSON, cookie)
    lesson.keep = True
    lesson()
    lesson.keep = False
    if not lesson.status.startswith("200") or lesson.body_bytes < 5000:
        raise RuntimeError(f"the lesson answered {lesson.status}, {lesson.body_bytes} B")
    lesson_bytes = lesson.body
    bare = Flask("bare")
    bare.add_url_rule("/bare", "bare", lambda: Response(lesson_bytes, mimetype="text/html"))

    callers = {
        "healthz": Caller(app.wsgi_app, "/healthz", None),
        "lesson": lesson,
        "home": Caller(app.wsgi_app, "/", cookie),
    }
    everything = {"bare (20 KB)": Caller(bare.wsgi_app, "/bare", None), **callers}
    print(
        f"tree {args.tree}, {'PostgreSQL' if args.postgres else 'SQLite'}, "
        f"request log off, lesson {len(lesson_bytes)} B, load average "
        f"{'/'.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )

    print(f"\n## 1. Wall clock per request (fastest batch of {BATCH})\n")
    print("| request | µs | status | bytes |\n|---|---:|---|---:|")
    wall = {}
    for name, caller in everything.items():
        wall[name] = microseconds(caller, args.requests)
        print(f"| {name} | {wall[name]:.0f} | {caller.status} | {caller.body_bytes} |")

    print("\n## 2. Each hook left out in turn: µs saved per request\n")
    rows = without_each_hook(app, {k: callers[k] for k in ("healthz", "lesson")}, args.requests)
    rows.sort(key=lambda row: -row[1]["lesson"])
    print("| hook | lesson | healthz | statuses without it |\n|---|---:|---:|---|")
    for name, saved, statuses in rows:
        status = ", ".join(f"{k} {v.split()[0]}" for k, v in statuses.items())
        print(f"| {name} | {saved['lesson']:.0f} | {saved['healthz']:.0f} | {status} |")

    print("\n## 3. cProfile: cumulative µs per request of named pieces (nested pieces overlap)\n")
    named = pieces(app)
    for target in ("lesson", "healthz"):
        profiler = profile(callers[target], args.requests)
        stats = pstats.Stats(profiler)
        total = profiled_total(stats, args.requests)
        scale = wall[target] / total
        print(f"### {target}: {total:.0f} µs profiled, {wall[target]:.0f} µs real (×{scale:.2f})\n")
        print("| piece | calls/req | µs profiled | ≈ µs real | share |\n|---|---:|---:|---:|---:|")
        for name, micro, calls in sorted(
            piece_times(stats, named, args.requests), key=lambda row: -row[1]
        ):
            print(f"| {name} | {calls} | {micro:.0f} | {micro * scale:.0f} | {micro / total:.0%} |")
        print(f"\nTop {args.top} functions by own time ({target}, {args.requests} requests):\n")
        print("```\n" + top_functions(profiler, args.top).rstrip() + "\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
