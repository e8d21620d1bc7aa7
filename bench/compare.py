"""Two (or more) code trees side by side under the same load, on SQLite and on PostgreSQL.

    python -m bench.compare --tree before=/path/to/old --tree after=/path/to/new
    python -m bench.compare --tree a=... --tree b=... --seconds 2 --rounds 1   # a quick try

For every database kind, every tree gets a fresh database made by its own code (`flask db
upgrade` and `flask demo load --large` in a subprocess, cwd and PYTHONPATH the tree) and its own
gunicorn (the tree's gunicorn.conf.py, two workers, the bench_wsgi app with the bare route).
Settings reach create_app() as one JSON file (BENCH_APP_CONFIG), whatever the tree's way of
reading the environment. wrk then loads the targets interleaved: round 1 is tree A's bare route,
lesson, home page and "Done", then tree B's, and so on, so that noise from the rest of the
machine falls on every tree alike. Results: bench/data/compare-<time>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from unittest import mock

from bench import load, servers, system
from bench.client import Browser, wait_until_up

HERE = Path(__file__).parent
DATA = HERE / "data"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
PG_DATABASE_PREFIX = "h_bench_cmp_"
DATABASES = ("sqlite", "postgresql")
LESSON = "/courses/messaging/messaging-groups"  # a text lesson with a self-check
DONE_LESSON = "/courses/messaging/messaging-what-is-a-messenger"
TARGETS = (  # name, wrk mode, path, signed in
    ("bare", "get", "/bench/bare", False),
    ("lesson", "get", LESSON, True),
    ("home", "get", "/", True),
    ("done", "done", DONE_LESSON, True),
)
WORKERS = 2
SECRET_KEY = "bench-compare-secret-key-0123456789abcdef0123456789abcdef"
PASSWORD_LINE = re.compile(r"^learner: l1 / (\S+)$", re.MULTILINE)


@dataclass
class Tree:
    name: str
    path: Path
    work: Path  # this tree's files of this run: settings, SQLite file, assets, logs
    wsgi_module: str = "bench.bench_wsgi"
    extra_path: str = ""  # where the fallback bench_wsgi lives, after the tree

    @property
    def python_path(self) -> str:
        return os.pathsep.join(p for p in (str(self.path), self.extra_path) if p)


@dataclass
class Served:
    tree: Tree
    server: servers.Server
    users: Path


@dataclass
class Outcome:
    database: str
    results: dict[tuple[str, str], load.LoadResult] = field(default_factory=dict)
    load_average: list[tuple[float, float, float]] = field(default_factory=list)


def parse_tree(text: str) -> tuple[str, Path]:
    name, sep, path = text.partition("=")
    if not sep or not re.fullmatch(r"[a-z][a-z0-9_]{0,20}", name):
        raise argparse.ArgumentTypeError(f"--tree NAME=PATH, NAME in [a-z0-9_]: {text!r}")
    tree = Path(path).resolve()
    if not (tree / "learnapp" / "__init__.py").exists() or not (tree / "gunicorn.conf.py").exists():
        raise argparse.ArgumentTypeError(f"{tree} has no learnapp/ or gunicorn.conf.py")
    return name, tree


def free_port() -> int:
    """A port nobody listens on now (the kernel's pick; it stays free for our few seconds)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ensure_wrk() -> None:
    """wrk only (system.ensure_packages would also add nginx and Chromium, not needed here)."""
    with mock.patch.dict(system.PACKAGES, {"wrk": system.PACKAGES["wrk"]}, clear=True):
        system.ensure_packages(DATA)


def clean_env(tree: Tree, config_file: Path) -> dict[str, str]:
    """The caller's environment without app, database or gunicorn settings of its own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LEARNAPP_", "GUNICORN_", "FLASK_", "BENCH_"))
        and key not in ("DATABASE_URL", "PYTHONPATH")
    }
    env.update(BENCH_APP_CONFIG=str(config_file), PYTHONPATH=tree.python_path)
    return env


def app_settings(tree: Tree, database: str) -> dict:
    if database == "sqlite":
        url = "sqlite:///" + str(tree.work / "learnapp.db")
    else:
        url = PG_SERVER + PG_DATABASE_PREFIX + tree.name
    return {
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": url,
        "ENVIRONMENT": "production",
        "CONTENT_AUTO_RELOAD": False,
        "ASSETS_DIR": str(tree.work / "static-build"),  # never the tree's instance folder
        "RATELIMIT_STORAGE_URL": "database://",
        "BENCH_BARE_FILE": str(tree.work / "lesson.html"),
    }


def psql(command: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", command],
        check=True,
        capture_output=True,
        timeout=120,
    )


def flask(tree: Tree, config_file: Path, *args: str) -> str:
    """One `flask` command of the tree, with the tree's code; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", f"{tree.wsgi_module}:application", *args],
        cwd=tree.path,
        env=clean_env(tree, config_file),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{tree.name}: flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(tree: Tree, database: str, learners: int) -> tuple[Path, str]:
    """A fresh database filled by the tree's own code; (settings file, learners' password)."""
    tree.work.mkdir(parents=True, exist_ok=True)
    settings = app_settings(tree, database)
    if database == "sqlite":
        Path(settings["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        name = PG_DATABASE_PREFIX + tree.name
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(f"CREATE DATABASE {name}")
    serve_file = tree.work / "app_config.json"
    serve_file.write_text(json.dumps(settings, indent=1), encoding="utf-8")
    # Demo data may only be loaded in demo mode; the server itself runs without it.
    prepare_file = tree.work / "app_config_prepare.json"
    prepare_file.write_text(json.dumps({**settings, "DEMO_MODE": True}), encoding="utf-8")
    flask(tree, prepare_file, "db", "upgrade")
    output = flask(
        tree,
        prepare_file,
        "demo",
        "load",
        "--large",
        f"--learners={learners}",
        f"--mentors={max(1, learners // 8)}",
    )
    match = PASSWORD_LINE.search(output)
    if not match:
        raise RuntimeError(f"{tree.name}: `demo load --large` printed no learner:\n{output}")
    return serve_file, match.group(1)


def start(tree: Tree, config_file: Path, lifetime: int) -> servers.Server:
    """The tree's gunicorn (its own gunicorn.conf.py), on a free port, ended by `timeout`."""
    port = free_port()
    log = open(tree.work / "gunicorn.log", "ab")  # noqa: SIM115 - lives as long as the server
    command = [
        "timeout",
        "--signal=TERM",
        str(lifetime),
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(tree.path / "gunicorn.conf.py"),
        # On the command line they win over the settings file, however it reads them.
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        f"{tree.wsgi_module}:app",
    ]
    env = clean_env(tree, config_file) | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
    }
    process = subprocess.Popen(
        command,
        cwd=tree.path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return servers.Server(tree.name, process, port, time.perf_counter())


def sign_in(tree: Tree, port: int, password: str, learners: int) -> Path:
    """Save the lesson for the bare route, check "Done" works, sign the learners in."""
    learner = Browser(port)
    learner.sign_in("l1", password)
    page = learner.get(LESSON)
    if page.status != 200 or b'name="csrf_token"' not in page.body:
        raise RuntimeError(f"{tree.name}: the lesson answered HTTP {page.status}")
    (tree.work / "lesson.html").write_bytes(page.body)
    token = learner.csrf_token(DONE_LESSON)
    done = learner.post(DONE_LESSON + "/done", {"csrf_token": token})
    if done.status >= 400:
        raise RuntimeError(f"{tree.name}: 'Done' answered HTTP {done.status}")
    names = [f"l{n}" for n in range(1, learners + 1)]
    return load.users_file(port, names, password, LESSON, tree.work / "users.tsv")


def run_database(
    database: str, trees: list[Tree], args: argparse.Namespace, run_dir: Path
) -> Outcome:
    outcome = Outcome(database)
    per_run = (args.seconds + 2) * len(TARGETS) * len(trees) * args.rounds
    served: list[Served] = []
    try:
        for base in trees:
            tree = Tree(
                base.name,
                base.path,
                run_dir / database / base.name,
                base.wsgi_module,
                base.extra_path,
            )
            print(f"[{database}] {tree.name}: fresh database from {tree.path}", flush=True)
            config_file, password = prepare(tree, database, args.learners)
            server = start(tree, config_file, lifetime=per_run + 600)
            served.append(Served(tree, server, Path()))
            wait_until_up(server.port, timeout=90)
            served[-1].users = sign_in(tree, server.port, password, args.learners)
        outcome.load_average.append(os.getloadavg())
        for number in range(1, args.rounds + 1):
            for entry in served:
                for target, mode, path, signed_in in TARGETS:
                    key = (entry.tree.name, target)
                    result = outcome.results.setdefault(key, load.LoadResult(target))
                    result.rounds.append(
                        load.run_wrk(
                            entry.server.port,
                            mode,
                            path,
                            entry.users if signed_in else None,
                            args.seconds,
                            args.connections,
                        )
                    )
                    latest = result.rounds[-1]
                    print(
                        f"[{database}] round {number} {entry.tree.name:>8} {target:<6}"
                        f" {latest.rps:7.0f} req/s  p50 {latest.p50_ms:6.1f} ms"
                        f"  p99 {latest.p99_ms:6.1f} ms  errors {latest.errors}",
                        flush=True,
                    )
                    time.sleep(0.5)
            outcome.load_average.append(os.getloadavg())
            print(f"[{database}] load average after round {number}: {_load_text()}", flush=True)
    finally:
        for entry in served:
            entry.server.stop()
        if database == "postgresql" and not args.keep_databases:
            for tree in trees:
                try:
                    psql(f"DROP DATABASE IF EXISTS {PG_DATABASE_PREFIX}{tree.name} WITH (FORCE)")
                except (subprocess.SubprocessError, OSError) as error:
                    print(f"could not drop the database of {tree.name}: {error}", flush=True)
    return outcome


def lesson_ratios(outcome: Outcome, tree: str) -> list[float]:
    """Lesson req/s over bare-route req/s, per round, within one tree."""
    lesson, bare = outcome.results[(tree, "lesson")], outcome.results[(tree, "bare")]
    return [
        one.rps / other.rps if other.rps else 0.0
        for one, other in zip(lesson.rounds, bare.rounds, strict=True)
    ]


def as_json(outcome: Outcome, trees: list[Tree]) -> dict:
    return {
        "load_average": outcome.load_average,
        "trees": {
            tree.name: {
                "path": str(tree.path),
                "targets": {
                    target: outcome.results[(tree.name, target)].as_dict() for target, *_ in TARGETS
                },
                "lesson_to_bare": [round(r, 3) for r in lesson_ratios(outcome, tree.name)],
            }
            for tree in trees
        },
    }


def markdown(outcomes: list[Outcome], trees: list[Tree], meta: dict) -> str:
    first = trees[0].name
    lines = [
        f"# Side by side ({meta['date']})",
        "",
        "Trees: " + ", ".join(f"**{t.name}** = `{t.path}`" for t in trees),
        f"wrk: {meta['connections']} connections, {meta['seconds']} s per run, "
        f"{meta['rounds']} round(s), interleaved; gunicorn {WORKERS} workers per tree; "
        f"{meta['learners']} signed-in learners; {meta['cores']} cores.",
        f"Load average (1, 5, 15 min): before {_fmt_load(meta['load_before'])}, "
        f"after {_fmt_load(meta['load_after'])}.",
        "",
        "req/s and latencies are medians over the rounds (range: slowest to fastest round); "
        "errors are summed. Two trees whose ranges overlap are not told apart by this run. "
        f"'vs {first}' is req/s against tree {first}'s same target; 'lesson/bare' is the "
        "median over rounds of the lesson's req/s over the bare route's, same tree and round.",
    ]
    for outcome in outcomes:
        lines += [
            "",
            f"## {outcome.database}",
            "",
            "Load average per round: " + "; ".join(_fmt_load(x) for x in outcome.load_average),
            "",
            f"| tree | target | req/s | req/s range | p50 ms | p99 ms | errors | vs {first}"
            " | lesson/bare |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for target, *_ in TARGETS:
            reference = outcome.results[(first, target)].rps
            for tree in trees:
                result = outcome.results[(tree.name, target)]
                ratio = ""
                if target == "lesson":
                    ratio = f"{statistics.median(lesson_ratios(outcome, tree.name)):.2f}"
                versus = f"{result.rps / reference:.2f}" if reference else "-"
                lines.append(
                    f"| {tree.name} | {target} | {result.rps:.0f} | {_range(result)}"
                    f" | {result.p50_ms:.1f}"
                    f" | {result.p99_ms:.1f} | {result.errors} | {versus} | {ratio} |"
                )
    return "\n".join(lines) + "\n"


def _range(result: load.LoadResult) -> str:
    rates = [r.rps for r in result.rounds]
    return f"{min(rates):.0f}–{max(rates):.0f}"


def _fmt_load(values: tuple[float, float, float] | list[float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def _load_text() -> str:
    return _fmt_load(os.getloadavg())


def _with_wsgi(name: str, path: Path, run_dir: Path) -> Tree:
    """The tree's bench_wsgi if it has one, else ours under another name after the tree."""
    tree = Tree(name, path, run_dir)
    if not (path / "bench" / "bench_wsgi.py").exists():
        fallback = run_dir / "fallback"
        fallback.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "bench_wsgi.py", fallback / "compare_bench_wsgi.py")
        tree.wsgi_module, tree.extra_path = "compare_bench_wsgi", str(fallback)
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--tree",
        type=parse_tree,
        action="append",
        required=True,
        help="NAME=PATH of a code tree; give two or more",
    )
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--learners", type=int, default=32, help="signed-in learners")
    parser.add_argument(
        "--databases", default=",".join(DATABASES), help="comma-separated: " + ", ".join(DATABASES)
    )
    parser.add_argument(
        "--keep-databases",
        action="store_true",
        help="leave the PostgreSQL databases for a look afterwards",
    )
    args = parser.parse_args(argv)
    names = [name for name, _ in args.tree]
    if len(set(names)) != len(names) or len(names) < 2:
        parser.error("give at least two --tree with different names")
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not databases or any(d not in DATABASES for d in databases):
        parser.error(f"--databases: some of {', '.join(DATABASES)}")

    DATA.mkdir(parents=True, exist_ok=True)
    ensure_wrk()
    if "postgresql" in databases:
        try:
            socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
        except OSError:
            print("PostgreSQL is not reachable on 127.0.0.1:5432 (or use --databases sqlite).")
            return 2
    if shutil.which("psql") is None and "postgresql" in databases:
        print("psql is needed to create the PostgreSQL databases.")
        return 2

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = DATA / f"compare-{stamp}"
    trees = [_with_wsgi(name, path, run_dir) for name, path in args.tree]
    meta = {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "seconds": args.seconds,
        "rounds": args.rounds,
        "connections": args.connections,
        "learners": args.learners,
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
    }
    print(f"Load average before: {_load_text()} on {os.cpu_count()} cores", flush=True)
    outcomes = [run_database(database, trees, args, run_dir) for database in databases]
    meta["load_after"] = os.getloadavg()

    text = markdown(outcomes, trees, meta)
    result = {"meta": meta, "databases": {o.database: as_json(o, trees) for o in outcomes}}
    (DATA / f"compare-{stamp}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (DATA / f"compare-{stamp}.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"Written: {DATA / f'compare-{stamp}.md'} and .json; work files in {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
