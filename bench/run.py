"""`make bench`: build the data, serve it as in production, load it, write bench/RESULTS.md.

Everything lives in bench/data/ (git-ignored) and in the PostgreSQL databases learnapp_bench
and learnapp_bench_small, which are dropped and created anew; Redis database 13 holds the
benchmark's sign-in counters. Only 127.0.0.1 is ever addressed. Every server is started under
`timeout`, every load run has a fixed duration, so nothing outlives the run.

    python -m bench.run                 # the full run (about 10 minutes)
    python -m bench.run --quick         # short rounds for trying the script out
    python -m bench.run --learners 100000   # another programme size (make bench BENCH_ARGS=...)

A size other than 10,000 gets databases of its own (learnapp_bench_<learners>). Every size's
staff pages (bench.staff_sizes: the largest centre, a centre of fixed size, a county and the
admin) are kept in bench/data/staff_run_<learners>.json and shown side by side in RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from bench import (
    browser,
    content,
    dataset,
    load,
    report,
    servers,
    staff,
    staff_sizes,
    system,
)
from bench.client import Browser, wait_until_up
from learnapp.content.library import load_library
from learnapp.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "bench" / "data"
RESULTS = PROJECT_ROOT / "bench" / "RESULTS.md"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
REDIS_URL = "redis://127.0.0.1:6379/13"
PORTS = {
    "app": 8101,
    "app2": 8102,
    "commit_off": 8103,  # the same app with synchronous_commit=off (docs/deploy.md, optional)
    "static": 8180,
    "proxy": 8181,
    "proxy2": 8182,
}
# Commits that do not wait for the disk: the option docs/deploy.md offers for slow disks.
COMMIT_OFF_OPTIONS = "?options=-c%20synchronous_commit%3Doff"
LESSON = ("messaging", "messaging-groups")  # a text lesson (no pictures) with a self-check
DONE_LESSON = ("messaging", "messaging-what-is-a-messenger")
QUIZ_LESSON = ("messaging", "messaging-spot-scams")
SIGNED_IN_LEARNERS = 64
CONNECTIONS = 32


def _reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])

    def version(command: list[str]) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=10)
        except OSError:
            return "?"
        return (done.stdout or done.stderr).strip().splitlines()[0]

    return {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": version(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "python": platform.python_version(),
        "postgresql": version(["psql", "--version"]),
        "nginx": version([system.tool("nginx"), "-v"]),
        "wrk": version([system.tool("wrk"), "--version"]),
        "chromium": version([system.tool("chromium"), "--version"]),
        "load_before": os.getloadavg(),
    }


def _app_config(database: str) -> dict:
    return {
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdef0123456789abcdef",
        "DATABASE_URL": PG + database,
        "CONTENT_DIR": str(DATA / "content"),
        "CONTENT_AUTO_RELOAD": False,
        "ENVIRONMENT": "production",
        "RATELIMIT_STORAGE_URL": REDIS_URL,
        "ASSETS_DIR": str(DATA / "static-build"),
        "TRUSTED_PROXIES": 1,
        # wrk presses "Check" for a few learners hundreds of times a minute: the bench measures
        # the write, not the limit that refuses such a flood (tests/test_learner_limits.py).
        "SELF_CHECKS_PER_LESSON_PER_MINUTE": 1_000_000,
    }


def _lesson_path(course_lesson: tuple[str, str]) -> str:
    return f"/courses/{course_lesson[0]}/{course_lesson[1]}"


def _memory(pid: int) -> dict:
    """Resident and proportional set size (shared pages split between the workers), MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    pss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return {"pid": pid, "rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1)}


def _cold_start(config_file: Path, cookie: dict[str, str], path: str) -> tuple[float, object]:
    """Spawn gunicorn, ask for the lesson until it is served: seconds from spawn to 200."""
    server = servers.start_gunicorn("cold", PORTS["app"], config_file, DATA / "logs")
    probe = Browser(PORTS["app"], dict(cookie))
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        try:
            if probe.get(path).status == 200:
                return time.perf_counter() - server.started, server
        except OSError:
            pass
        time.sleep(0.01)
    server.stop()
    raise RuntimeError("the app did not serve the lesson within 60 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short rounds (not for results)")
    parser.add_argument("--seconds", type=int, default=6, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over all targets")
    parser.add_argument("--reuse-data", action="store_true", help="keep the last data set")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--learners", type=int, default=10_000, help="size of the programme")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.rounds = 3, 1

    started = time.perf_counter()
    DATA.mkdir(parents=True, exist_ok=True)
    system.ensure_packages(DATA)
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        if not _reachable(port):
            print(f"{name} is not reachable on 127.0.0.1:{port}; the benchmark needs it.")
            return 2
    busy = [port for port in PORTS.values() if not _port_free(port)]
    if busy:
        print(f"Ports in use on 127.0.0.1: {busy}; stop what runs there first.")
        return 2
    machine = _machine()
    print(f"Load average before the run: {machine['load_before']}", flush=True)
    results: dict = {"machine": machine, "settings": vars(args) | {"results": str(args.results)}}

    # 1. Content and data.
    phase = time.perf_counter()
    state_file = DATA / "dataset.json"
    suffix = "" if args.learners == 10_000 else f"_{args.learners}"
    state_file = DATA / f"dataset{suffix}.json"
    large_config = _app_config(f"learnapp_bench{suffix}")
    small_config = _app_config("learnapp_bench_small")
    if args.reuse_data and state_file.exists():
        results["data"] = json.loads(state_file.read_text())
    else:
        lessons = content.build(DATA / "content")
        print(f"content: {lessons} lessons", flush=True)
        large = dataset.fill(large_config, staff_sizes.programme(args.learners), postgres=True)
        shaped = staff_sizes.shape(large_config["DATABASE_URL"])
        small = dataset.fill(small_config, dataset.SMALL, postgres=True)
        results["data"] = {
            "lessons": lessons,
            "large": asdict(large) | shaped,
            "small": asdict(small),
        }
        state_file.write_text(json.dumps(results["data"], indent=1))
    results["data"]["seconds"] = round(time.perf_counter() - phase, 1)
    large_data = results["data"]["large"]
    password = large_data["password"]
    print(f"data: {large_data}", flush=True)

    library = load_library(DATA / "content", "de")
    lesson_path, done_path, quiz_path = map(_lesson_path, (LESSON, DONE_LESSON, QUIZ_LESSON))
    quiz_lesson = library.courses[QUIZ_LESSON[0]].lesson(QUIZ_LESSON[1], "de", "de")
    assert quiz_lesson is not None
    month = date.today().replace(day=1)
    previous_month = f"{month.year - (month.month == 1)}-{(month.month - 2) % 12 + 1:02d}"
    report_path = f"/coordinate/reports?month={previous_month}"
    staff_pages = [
        ("l1", lesson_path),
        ("l1", "/"),
        ("m1", "/mentor"),
        ("c1", report_path),
        ("c1", "/coordinate"),
    ]

    # 2. Queries per page at 10 and at 10,000 learners.
    results["queries"] = {
        "small": staff.count_queries(small_config, staff_pages, password),
        "large": staff.count_queries(large_config, staff_pages, password),
    }
    print(f"queries: {results['queries']}", flush=True)

    # 3. Servers: gunicorn as in production (plus the bare route), nginx as the reference.
    www = DATA / "www"
    www.mkdir(exist_ok=True)
    config_file = DATA / "app_config.json"
    config_file.write_text(
        json.dumps({**large_config, "BENCH_BARE_FILE": str(www / "lesson.html")}, indent=1)
    )
    _flush_redis()
    running: list = []
    try:
        first = servers.start_gunicorn("warm", PORTS["app"], config_file, DATA / "logs")
        running.append(first)
        wait_until_up(PORTS["app"], timeout=60)
        learner = Browser(PORTS["app"])
        learner.sign_in("l1", password)
        page = learner.get(lesson_path)
        (www / "lesson.html").write_bytes(page.body)
        cookie = dict(learner.cookies)
        first.stop()
        running.remove(first)

        colds = []
        for attempt in range(3):
            seconds, server = _cold_start(config_file, cookie, lesson_path)
            colds.append(round(seconds, 3))
            if attempt < 2:
                server.stop()
        app_server = server
        running.append(app_server)
        results["cold_start_s"] = colds
        print(f"cold start: {colds}", flush=True)

        users = load.users_file(
            PORTS["app"],
            [f"l{n}" for n in range(1, SIGNED_IN_LEARNERS + 1)],
            password,
            lesson_path,
            DATA / "users.tsv",
        )
        second = servers.start_gunicorn("second", PORTS["app2"], config_file, DATA / "logs")
        running.append(second)
        commit_off_file = DATA / "app_config_commit_off.json"
        commit_off_file.write_text(
            json.dumps(
                {
                    **json.loads(config_file.read_text()),
                    "DATABASE_URL": large_config["DATABASE_URL"] + COMMIT_OFF_OPTIONS,
                },
                indent=1,
            )
        )
        commit_off = servers.start_gunicorn(
            "commit_off", PORTS["commit_off"], commit_off_file, DATA / "logs"
        )
        running.append(commit_off)
        wait_until_up(PORTS["app2"], timeout=60)
        wait_until_up(PORTS["commit_off"], timeout=60)
        prefix = DATA / "nginx"
        prefix.mkdir(exist_ok=True)
        servers.write_nginx_conf(
            prefix,
            PREFIX=prefix,
            WWW=www,
            ASSETS=DATA / "static-build",
            STATIC_PORT=PORTS["static"],
            PROXY_PORT=PORTS["proxy"],
            PROXY2_PORT=PORTS["proxy2"],
            APP_PORT=PORTS["app"],
            APP2_PORT=PORTS["app2"],
        )
        nginx = servers.start_nginx(prefix / "nginx.conf", prefix)
        running.append(nginx)
        wait_until_up(PORTS["static"], "/lesson.html")
        wait_until_up(PORTS["proxy"], "/healthz")
        wait_until_up(PORTS["proxy2"], "/healthz")

        # 4. Load: every target once per round, rounds one after the other.
        targets = [
            ("nginx_static", PORTS["static"], "get", "/lesson.html", None, ""),
            ("bare_route", PORTS["app"], "get", "/bench/bare", None, ""),
            ("lesson", PORTS["app"], "get", lesson_path, users, ""),
            ("home", PORTS["app"], "get", "/", users, ""),
            ("quiz_post", PORTS["app"], "quiz", quiz_path, users, load.quiz_form(quiz_lesson)),
            ("done_post", PORTS["app"], "done", done_path, users, ""),
            ("lesson_commit_off", PORTS["commit_off"], "get", lesson_path, users, ""),
            ("done_commit_off", PORTS["commit_off"], "done", done_path, users, ""),
            ("lesson_nginx_one_server", PORTS["proxy"], "get", lesson_path, users, ""),
            ("lesson_nginx_two_servers", PORTS["proxy2"], "get", lesson_path, users, ""),
        ]
        outcome = {name: load.LoadResult(name) for name, *_ in targets}
        for number in range(1, args.rounds + 1):
            for name, port, mode, path, who, answers in targets:
                outcome[name].rounds.append(
                    load.run_wrk(port, mode, path, who, args.seconds, CONNECTIONS, answers=answers)
                )
                latest = outcome[name].rounds[-1]
                print(
                    f"round {number} {name}: {latest.rps:.0f} req/s, p50 {latest.p50_ms:.1f} ms,"
                    f" p99 {latest.p99_ms:.1f} ms, errors {latest.errors}",
                    flush=True,
                )
                time.sleep(1)
        results["load"] = {name: result.as_dict() for name, result in outcome.items()}
        results["load_during"] = os.getloadavg()

        # 5. Memory of the workers after the load.
        results["memory"] = {
            "workers": [_memory(pid) for pid in app_server.worker_pids()],
            "master": _memory(app_server.master_pid) if app_server.master_pid else None,
        }

        # 6. Staff pages, one request at a time.
        mentor, coordinator = Browser(PORTS["app"]), Browser(PORTS["app"])
        mentor.sign_in("m1", password)
        coordinator.sign_in("c1", password)
        repeat = 10 if args.quick else 40
        results["staff"] = {
            "mentor_dashboard": staff.time_page(mentor, "mentor", "/mentor", repeat).as_dict(),
            "coordinator_report": staff.time_page(
                coordinator, "report", report_path, repeat
            ).as_dict(),
            "early_warning": staff.time_page(
                coordinator, "early warning", "/coordinate", repeat
            ).as_dict(),
        }
        print(f"staff: {results['staff']}", flush=True)
        # The same at this size for every staff view, with queries and the slowest plans.
        by_size = staff_sizes.pages(previous_month)
        counts, plans = staff_sizes.count_and_explain(large_config, by_size, password, 4)
        browsers: dict[str, Browser] = {}
        timings = []
        for username, page_name, page_path in by_size:
            if username not in browsers:
                browsers[username] = Browser(PORTS["app"])
                browsers[username].sign_in(username, password)
            timings.append(
                staff_sizes.time_page(browsers[username], page_name, page_path, 20, 60.0)
            )
        (DATA / f"staff_run_{args.learners}.json").write_text(
            json.dumps(
                {
                    "label": "run",
                    "learners": args.learners,
                    "commit": subprocess.run(
                        ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                        capture_output=True,
                        text=True,
                    ).stdout.strip(),
                    "data": large_data,
                    "queries": counts,
                    "plans": plans,
                    "staff": timings,
                    "load_before": machine["load_before"],
                    "load_after": os.getloadavg(),
                },
                indent=1,
                default=str,
            )
        )

        # 7. The lesson page in Chromium over a slow network, through nginx.
        visitor = Browser(PORTS["app"])
        visitor.sign_in(f"l{SIGNED_IN_LEARNERS + 1}", password)
        weight = browser.measure(
            f"http://127.0.0.1:{PORTS['proxy']}{lesson_path}",
            visitor.cookies,
            visits=2 if args.quick else 3,
        )
        results["browser"] = {
            "url": weight.url,
            "first_paint_ms": round(weight.first_paint_ms),
            "first_contentful_paint_ms": round(weight.first_contentful_paint_ms),
            "bytes": weight.bytes,
            "resources": weight.resources,
            "visits": [asdict(visit) for visit in weight.visits],
        }
        print(f"browser: {results['browser']['first_paint_ms']} ms, {weight.bytes} B", flush=True)
        results["static_headers"] = _static_headers(PORTS["proxy"], page.text)
    finally:
        for process in reversed(running):
            if isinstance(process, servers.Server):
                process.stop()
            else:
                servers.stop_process(process)

    results["seconds"] = round(time.perf_counter() - started, 1)
    results["load_after"] = os.getloadavg()
    (DATA / "results.json").write_text(json.dumps(results, indent=1, default=str))
    args.results.write_text(report.render(results), encoding="utf-8")
    print(f"Wrote {args.results} in {results['seconds']:.0f} s.")
    return 0


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _static_headers(port: int, html: str) -> list[dict]:
    """The static files the lesson page links, as nginx serves them to a browser."""
    found = []
    for link in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))):
        reply = Browser(port).request("GET", link, headers={"Accept-Encoding": "br, gzip"})
        found.append(
            {
                "path": link,
                "status": reply.status,
                "cache_control": reply.headers.get("cache-control", ""),
                "encoding": reply.headers.get("content-encoding", ""),
                "bytes": len(reply.body),
            }
        )
    return found


if __name__ == "__main__":
    sys.exit(main())
