"""The staff pages at a chosen programme size: p50/p95 one request at a time, bytes, queries.

    python -m bench.staff_sizes --learners 10000            # builds staffq_10000, measures
    python -m bench.staff_sizes --learners 100000 --reuse-data
    python -m bench.staff_sizes --learners 100000 --from-database other_db   # copy, migrate

The programme has the bench's shape (per 10,000 learners 40 centres and 500 mentors, a year of
activity, one town centre with 5 % of everybody on top of its share). Besides the largest centre
(coordinator c1) it makes one centre of a fixed size (FIXED_CENTRE learners, coordinator c2) by
merging ordinary centres, so that the same centre can be compared in programmes of any size;
c3 coordinates the first COUNTY centres (a county: at 10,000 learners the whole programme), and
an admin sees everything. The database is `<prefix>_<learners>`; Redis db and the port are
arguments so that several copies can run side by side. Results go to a JSON file that
bench.report_sizes turns into the tables of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bench import content, dataset, servers, staff
from bench.client import Browser, csrf_from, wait_until_up
from learnapp import create_app, migrate
from learnapp.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "bench" / "data"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
FIXED_CENTRE = 700
# Copies whose town centres make the one large town centre of a multiplied programme: at ten
# copies of 10,000 learners, 7 × 738 = 5,166 learners (the generator at 100,000 makes 5,238).
TOWN_COPIES = 7
COUNTY = 40
ADMIN_USERNAME = "bench-admin"


def programme(learners: int) -> dict[str, Any]:
    """The bench's shape scaled to `learners`."""
    scale = learners / 10_000
    return {
        **dataset.LARGE,
        "learners": learners,
        "centres": max(4, round(40 * scale)),
        "mentors": max(25, round(500 * scale)),
    }


def _connect(url: str) -> psycopg.Connection:
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(plain, autocommit=True)


def shape(url: str, password_hash_from: str = "c1") -> dict[str, int]:
    """The fixed-size centre (c2's), the county coordinator (c3) and an admin account."""
    with _connect(url) as db:
        ids = [row[0] for row in db.execute("SELECT c.id FROM centre c ORDER BY c.id").fetchall()]
        fixed, donors = ids[1], ids[2:]

        def count(centre: int) -> int:
            found = db.execute(
                "SELECT count(*) FROM user_account WHERE role='learner' AND centre_id=%s",
                (centre,),
            ).fetchone()
            return int(found[0]) if found else 0

        taken = 0
        while count(fixed) < FIXED_CENTRE and taken < len(donors) - 1:
            donor = donors[taken]
            taken += 1
            db.execute(
                "UPDATE user_account SET centre_id=%s WHERE centre_id=%s AND role IN"
                " ('learner','mentor')",
                (fixed, donor),
            )
        surplus = count(fixed) - FIXED_CENTRE
        if surplus > 0:  # the newest learners beyond the size go to the next centre
            db.execute(
                "UPDATE user_account SET centre_id=%s WHERE id IN (SELECT id FROM user_account"
                " WHERE centre_id=%s AND role='learner' ORDER BY id DESC LIMIT %s)",
                (donors[taken], fixed, surplus),
            )
        db.execute(
            "UPDATE tandem_session t SET centre_id=u.centre_id FROM user_account u"
            " WHERE u.id=t.learner_id AND t.centre_id IS NOT NULL AND t.centre_id<>u.centre_id"
        )
        c3_row = db.execute("SELECT id FROM user_account WHERE username='c3'").fetchone()
        assert c3_row is not None
        c3 = c3_row[0]
        db.execute(
            "INSERT INTO coordinator_centre (coordinator_id, centre_id) SELECT %s, id FROM centre"
            " WHERE id IN (SELECT id FROM centre ORDER BY id LIMIT %s) ON CONFLICT DO NOTHING",
            (c3, COUNTY),
        )
        db.execute(
            "INSERT INTO user_account (username, display_name, role, centre_id, password_hash,"
            " active, must_change_password, session_version, text_size, contrast, created_at,"
            " updated_at, last_active_at) SELECT %s, 'Bench Admin', 'admin', NULL,"
            " password_hash, true, false, 1, 100, 'normal', created_at, updated_at,"
            " last_active_at FROM user_account WHERE username=%s"
            " ON CONFLICT DO NOTHING",
            (ADMIN_USERNAME, password_hash_from),
        )
        db.execute("VACUUM ANALYZE")
        return {"fixed_centre_learners": count(fixed), "c3_centres": min(COUNTY, len(ids))}


CLONED = {  # table: columns shifted by the user offset (u) or the centre offset (c)
    "centre": {"id": "c"},
    "user_account": {"id": "u", "centre_id": "c", "username": "name"},
    "coordinator_centre": {"coordinator_id": "u", "centre_id": "c"},
    "progress": {"user_id": "u"},
    "quiz_attempt": {"user_id": "u"},
    "pairing": {"mentor_id": "u", "learner_id": "u"},
    "tandem_session": {"mentor_id": "u", "learner_id": "u", "centre_id": "c"},
    "help_request": {"learner_id": "u", "handled_by_id": "u"},
    "lesson_trouble": {"user_id": "u"},
}


def multiply(source: str, target_url: str, times: int) -> dict[str, int]:
    """A programme `times` the size of database `source`: copies of all its centres with their
    people and a year of their activity, side by side (built in SQL in minutes, where the
    Python generator needs an hour for 100,000 learners on a busy machine). Each copy keeps the
    shape: its own town centre, fixed-size centre and county."""
    name = make_url(target_url).database
    with _connect(PG + "postgres") as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    with _connect(target_url) as db:
        user_step = int(db.execute("SELECT max(id) FROM user_account").fetchone()[0]) + 1000
        centre_step = int(db.execute("SELECT max(id) FROM centre").fetchone()[0]) + 10
        for copy in range(1, times):
            for table, shifted in CLONED.items():
                columns = [
                    row[0]
                    for row in db.execute(
                        "SELECT column_name FROM information_schema.columns WHERE table_name=%s"
                        " AND table_schema='public' ORDER BY ordinal_position",
                        (table,),
                    )
                ]
                if "id" in columns and "id" not in shifted:
                    columns.remove("id")
                values = []
                for column in columns:
                    how = shifted.get(column)
                    if how == "u":
                        values.append(f"{column} + {copy * user_step}")
                    elif how == "c":
                        values.append(f"{column} + {copy * centre_step}")
                    elif how == "name":
                        values.append(f"{column} || '-{copy}'")
                    else:
                        values.append(column)
                first = next(c for c, how in shifted.items() if how in ("u", "c"))
                limit = user_step if shifted[first] == "u" else centre_step
                where = f" WHERE {first} < {limit}"  # the original rows only
                if table == "user_account":
                    where += " AND role <> 'admin'"
                db.execute(
                    f"INSERT INTO {table} ({', '.join(columns)})"
                    f" SELECT {', '.join(values)} FROM {table}{where}"
                )
        for table in ("centre", "user_account"):
            db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        town = int(
            db.execute(
                "SELECT centre_id FROM user_account WHERE username = 'c1' AND centre_id IS NOT NULL"
            ).fetchone()[0]
        )
        merged = [town + copy * centre_step for copy in range(1, min(TOWN_COPIES, times))]
        if merged:
            # One town centre with about 5 % of everybody on top of its share, as the
            # generator makes it: the town centres of the first copies join the original's.
            for table in ("user_account", "tandem_session"):
                db.execute(
                    f"UPDATE {table} SET centre_id = %s WHERE centre_id = ANY(%s)", (town, merged)
                )
        db.execute("VACUUM ANALYZE")
        counts = {
            table: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("progress", "quiz_attempt", "tandem_session")
        }
        people = dict(
            db.execute("SELECT role, count(*) FROM user_account GROUP BY role").fetchall()
        )
        centres = int(db.execute("SELECT count(*) FROM centre").fetchone()[0])
        largest = int(
            db.execute(
                "SELECT count(*) FROM user_account WHERE role = 'learner' AND centre_id = %s",
                (town,),
            ).fetchone()[0]
        )
    return {
        "largest_centre_learners": largest,
        "learners": int(people.get("learner", 0)),
        "mentors": int(people.get("mentor", 0)),
        "centres": centres,
        "progress_rows": counts["progress"],
        "quiz_rows": counts["quiz_attempt"],
        "sessions": counts["tandem_session"],
    }


def pages(month: str) -> list[tuple[str, str, str]]:
    """(who, what, path) of every page measured."""
    report = f"/coordinate/reports?month={month}"
    coordinator = [
        ("early warning", "/coordinate"),
        ("accounts", "/coordinate/accounts"),
        ("report", report),
        ("pairings", "/coordinate/pairings"),
    ]
    measured = [("m1", "mentor dashboard", "/mentor")]
    for who, label in (
        ("c1", "largest"),
        ("c2", "fixed"),
        ("c3", "county"),
        (ADMIN_USERNAME, "admin"),
    ):
        measured += [(who, f"{what} ({label})", path) for what, path in coordinator]
    return measured


def previous_month(today: date) -> str:
    month = today.replace(day=1)
    return f"{month.year - (month.month == 1)}-{(month.month - 2) % 12 + 1:02d}"


def count_and_explain(
    app_config: dict[str, Any], measured: list[tuple[str, str, str]], password: str, explain: int
) -> tuple[dict[str, int | str], list[dict[str, Any]]]:
    """Queries per page in-process, and EXPLAIN (ANALYZE, BUFFERS) of the slowest statements."""
    config = {**app_config, "SESSION_COOKIE_SECURE": False, "REQUEST_LOG": False}
    app = create_app(config)
    engine = app.extensions["learnapp_db"].engine
    counts: dict[str, int | str] = {}
    timed: list[dict[str, Any]] = []
    clients: dict[str, Any] = {}
    try:
        for username, what, path in measured:
            client = clients.get(username)
            if client is None:
                client = clients[username] = app.test_client()
                token = csrf_from(client.get("/login").get_data(as_text=True))
                client.post(
                    "/login", data={"username": username, "password": password, "csrf_token": token}
                )
            client.get(path)
            statements: list[dict[str, Any]] = []

            def before(_c, _cur, statement, parameters, context, _many):  # type: ignore[no-untyped-def]
                context._bench_started = time.perf_counter()

            def after(_c, _cur, statement, parameters, context, _many):  # type: ignore[no-untyped-def]
                statements.append(  # noqa: B023 - used within this iteration only
                    {
                        "page": what,  # noqa: B023
                        "statement": statement,
                        "parameters": parameters,
                        "ms": (time.perf_counter() - context._bench_started) * 1000,
                    }
                )

            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            try:
                reply = client.get(path)
            finally:
                event.remove(engine, "before_cursor_execute", before)
                event.remove(engine, "after_cursor_execute", after)
            if reply.status_code != 200:  # e.g. the statement timeout: noted, not fatal
                counts[what] = f"HTTP {reply.status_code}"
                continue
            counts[what] = len(statements)
            timed += statements
        slowest = sorted(timed, key=lambda s: -s["ms"])[:explain]
        plans = []
        with engine.connect() as connection:
            for found in slowest:
                rows = connection.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + found["statement"], found["parameters"]
                ).all()
                plans.append(
                    {
                        "page": found["page"],
                        "ms": round(found["ms"], 1),
                        "statement": found["statement"],
                        "plan": "\n".join(row[0] for row in rows),
                    }
                )
            connection.rollback()
    finally:
        engine.dispose()
    return counts, plans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--prefix", default="staffq", help="database name prefix")
    parser.add_argument("--reuse-data", action="store_true", help="keep the database as it is")
    parser.add_argument("--from-database", help="copy this database, then migrate to head")
    parser.add_argument("--multiply", help="copy this 10,000-learner database N times (--times)")
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument(
        "--upgrade", action="store_true", help="keep the database, migrate it to head"
    )
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds at most per page")
    parser.add_argument("--explain", type=int, default=4, help="plans of the N slowest statements")
    parser.add_argument("--output", type=Path, help="JSON results (default bench/data/...)")
    parser.add_argument("--label", default="", help="e.g. before or after")
    parser.add_argument("--skip", default="", help="leave out pages whose name has any of a,b")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    DATA.mkdir(parents=True, exist_ok=True)
    database = f"{args.prefix}_{args.learners}"
    url = PG + database
    config = {
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdef0123456789abcdef",
        "DATABASE_URL": url,
        "CONTENT_DIR": str(DATA / "content"),
        "CONTENT_AUTO_RELOAD": False,
        "ENVIRONMENT": "production",
        "RATELIMIT_STORAGE_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "ASSETS_DIR": str(DATA / "static-build"),
        "TRUSTED_PROXIES": 1,
    }
    if not (DATA / "content").exists():
        content.build(DATA / "content")
    results: dict[str, Any] = {
        "label": args.label,
        "learners": args.learners,
        "database": database,
        "load_before": os.getloadavg(),
        "commit": subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
    }
    phase = time.perf_counter()
    if args.from_database:
        dataset.recreate_postgres_database(url)
        with _connect(PG + "postgres") as db:
            db.execute(f'DROP DATABASE "{database}"')
            db.execute(f'CREATE DATABASE "{database}" TEMPLATE "{args.from_database}"')
        migrate.upgrade(url)
        with _connect(url) as db:
            db.execute("VACUUM ANALYZE")
        data = json.loads((DATA / f"{args.from_database}.json").read_text())
        (DATA / f"{database}.json").write_text(json.dumps(data, indent=1))
    elif args.multiply:
        data = json.loads((DATA / f"{args.multiply}.json").read_text())
        data |= multiply(args.multiply, url, args.times)
        data["built_by"] = f"{args.times} copies of {args.multiply}"
        data["url"] = url
        (DATA / f"{database}.json").write_text(json.dumps(data, indent=1))
    elif args.upgrade:
        migrate.upgrade(url)
        with _connect(url) as db:
            db.execute("VACUUM ANALYZE")
        data = json.loads((DATA / f"{database}.json").read_text())
    elif args.reuse_data and (DATA / f"{database}.json").exists():
        data = json.loads((DATA / f"{database}.json").read_text())
    else:
        made = dataset.fill(config, programme(args.learners), postgres=True)
        data = asdict(made) | shape(url)
        (DATA / f"{database}.json").write_text(json.dumps(data, indent=1))
    data["prepare_seconds"] = round(time.perf_counter() - phase, 1)
    results["data"] = data
    print(f"data: {data}", flush=True)
    password = data["password"]

    skipped = [part for part in args.skip.split(",") if part]
    measured = [
        page
        for page in pages(previous_month(date.today()))
        if not any(part in page[1] for part in skipped)
    ]
    counts, plans = count_and_explain(config, measured, password, args.explain)
    results["queries"], results["plans"] = counts, plans
    print(f"queries: {counts}", flush=True)

    config_file = DATA / f"app_config_{database}.json"
    config_file.write_text(json.dumps({**config, "BENCH_BARE_FILE": "/dev/null"}, indent=1))
    os.environ["GUNICORN_TIMEOUT"] = "300"
    server = servers.start_gunicorn(f"staff_{database}", args.port, config_file, DATA / "logs")
    try:
        wait_until_up(args.port, timeout=120)
        browsers: dict[str, Browser] = {}
        timings = []
        for who, what, path in measured:
            if who not in browsers:
                browsers[who] = Browser(args.port)
                browsers[who].sign_in(who, password)
            timing = time_page(browsers[who], what, path, args.repeat, args.budget)
            timings.append(timing)
            print(
                f"{what}: HTTP {timing['status']}, p50 {timing['p50_ms']} ms,"
                f" p95 {timing['p95_ms']} ms,"
                f" {timing['bytes']} B, {timing['requests']} requests",
                flush=True,
            )
        results["staff"] = timings
    finally:
        server.stop()
    results["load_after"] = os.getloadavg()
    results["seconds"] = round(time.perf_counter() - started, 1)
    output = args.output or DATA / f"staff_{args.label or 'run'}_{args.learners}.json"
    output.write_text(json.dumps(results, indent=1, default=str))
    print(f"Wrote {output} in {results['seconds']:.0f} s.")
    return 0


def time_page(browser: Browser, what: str, path: str, repeat: int, budget: float) -> dict:
    """One warm-up, then `repeat` requests one at a time, or fewer if `budget` runs out."""
    deadline = time.perf_counter() + budget
    try:
        browser.get(path)
    except TimeoutError:
        return staff.Timing(what, path, [30_000.0], 0, 0).as_dict()
    samples, size, status = [], 0, 200
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            reply = browser.get(path)
        except TimeoutError:  # the client gives up after 30 s: noted as status 0
            samples.append((time.perf_counter() - started) * 1000)
            status = 0
            break
        samples.append(reply.seconds * 1000)
        size, status = len(reply.body), reply.status
        if status != 200 or time.perf_counter() > deadline:
            break  # a failing page (the statement timeout) is noted with its status
    timing = staff.Timing(what, path, samples, status, size)
    return timing.as_dict()


if __name__ == "__main__":
    sys.exit(main())
