"""`python -m bench.start`: gunicorn's start to the first served lesson, by number of lesson files.

The bench's own content (bench/content.py: 300 lessons in de and en, 600 files) and the same
tree with five more language folders (tr, ru, uk, pl, ar: 2,100 files) are served with
LANGUAGES de and en by gunicorn as `make bench` runs it (gunicorn.conf.py, 2 workers, the app
preloaded, PostgreSQL). Measured: seconds from spawning gunicorn to the first 200 of a signed-in
lesson page, and the workers' memory right after it. `--before PATH` measures another checkout
(e.g. `git worktree add /tmp/before main`) in the same run, interleaved with this one.

This checkout starts twice per size: with no cache file (as after a deploy: new code or new
lessons) and with the cache the previous start left (a restart). Each figure is the median of
`--repeat` starts; the load average is noted, the machine may be shared. Writes
bench/start-results.md.

    python -m bench.start --before /tmp/load-before
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bench import content, servers
from bench.client import Browser, wait_until_up
from learnapp.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "bench" / "data" / "start"
RESULTS = PROJECT_ROOT / "bench" / "start-results.md"
DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/learnapp_bench_start"
PORT = 8111
LESSON = "/courses/messaging/messaging-groups"
LEARNER = ("erika", "Sonnenblume-42")  # the demo learner (learnapp/demo.py)
SERVED = ["de", "en"]
MORE_LANGUAGES = ("tr", "ru", "uk", "pl", "ar")
GOAL_SECONDS, GOAL_RATIO, GOAL_MB = 1.5, 1.15, 100


@dataclass
class Start:
    seconds: float
    cpu_seconds: float  # master and workers, user + system: what a loaded machine cannot inflate
    rss_mb: list[float]
    pss_mb: list[float]
    load: float


@dataclass
class Variant:
    label: str
    project: Path
    cache: str  # "off" (code without a cache), "cold" or "warm"
    starts: dict[str, list[Start]] = field(default_factory=dict)


def build_content() -> dict[str, Path]:
    """The bench's 300 lessons (600 files), and the same with five more language folders."""
    small, large = DATA / "content-600", DATA / "content-2100"
    content.build(small)
    if large.exists():
        shutil.rmtree(large)
    shutil.copytree(small, large)
    for course in sorted(p for p in large.iterdir() if p.is_dir()):
        for lang in MORE_LANGUAGES:
            shutil.copytree(course / "de", course / lang)
    counts = {
        name: sum(1 for _ in root.glob("*/*/*.md"))
        for name, root in (("600", small), ("2100", large))
    }
    assert counts == {"600": 600, "2100": 2100}, counts
    return {"600": small, "2100": large}


def prepare_database() -> None:
    """A fresh database at head with the demo accounts (the learner signs in)."""
    from learnapp import create_app, migrate
    from learnapp.content import get_library
    from learnapp.db import get_session
    from learnapp.demo import load_demo

    admin = make_url(DATABASE).set(drivername="postgresql", database="postgres")
    name = make_url(DATABASE).database
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    migrate.upgrade(DATABASE)
    app = create_app(app_config(DATA / "content-600", "off"))
    with app.app_context():
        load_demo(get_session(), get_library())
    app.extensions["learnapp_db"].engine.dispose()


def app_config(content_dir: Path, cache_file: str) -> dict:
    return {
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdef0123456789abcdef",
        "DATABASE_URL": DATABASE,
        "CONTENT_DIR": str(content_dir),
        "CONTENT_AUTO_RELOAD": False,
        "CONTENT_CACHE_FILE": cache_file,
        "ENVIRONMENT": "production",
        "LANGUAGES": SERVED,
    }


def spawn(project: Path, config: dict) -> tuple[subprocess.Popen, float]:
    """gunicorn from `project` (its code, its gunicorn.conf.py), 2 workers, bounded in time."""
    config_file = DATA / "app_config.json"
    config_file.write_text(json.dumps({**config, "BENCH_BARE_FILE": str(DATA / "bare.html")}))
    env = {
        **os.environ,
        "BENCH_APP_CONFIG": str(config_file),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": "2",
        "PYTHONPATH": str(project),
        "LEARNAPP_INSTANCE_PATH": str(DATA / "instance"),
    }
    command = ["timeout", "--signal=TERM", "120", sys.executable, "-m", "gunicorn"]
    command += ["--config", str(project / "gunicorn.conf.py"), "bench.bench_wsgi:app"]
    log = (DATA / "gunicorn.log").open("ab")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    return process, started


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn as the main bench does, then wait until its port is free again."""
    servers.stop_process(process)
    deadline = time.monotonic() + 30
    while not _port_free() and time.monotonic() < deadline:
        time.sleep(0.05)


def _port_free() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_seconds(pid: int) -> float:
    """User and system time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory_mb(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    pss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return round(rss / 1024, 1), round(pss / 1024, 1)


def measure(project: Path, config: dict, cookie: dict[str, str]) -> Start:
    """Spawn, ask for the lesson every 10 ms until it is served; then the workers' memory."""
    load = os.getloadavg()[0]
    process, started = spawn(project, config)
    probe = Browser(PORT, dict(cookie))
    try:
        deadline = started + 60
        while True:
            try:
                reply = probe.get(LESSON)
                if reply.status == 200:
                    seconds = time.perf_counter() - started
                    break
                if reply.status != 503:
                    raise RuntimeError(f"{LESSON}: HTTP {reply.status}")
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError("no lesson within 60 s; see bench/data/start/gunicorn.log")
            time.sleep(0.01)
        masters = _children(process.pid)
        workers = _children(masters[0]) if masters else []
        cpu = sum(_cpu_seconds(pid) for pid in masters + workers)
        memory = [_memory_mb(pid) for pid in workers]
    finally:
        stop(process)
    return Start(
        round(seconds, 3), round(cpu, 2), [m[0] for m in memory], [m[1] for m in memory], load
    )


def sign_in(project: Path, content_dir: Path) -> dict[str, str]:
    process, _ = spawn(project, app_config(content_dir, "off"))
    try:
        wait_until_up(PORT, timeout=60)
        learner = Browser(PORT)
        learner.sign_in(*LEARNER)
        if learner.get(LESSON).status != 200:
            raise RuntimeError("the signed-in learner does not get the lesson")
        return dict(learner.cookies)
    finally:
        stop(process)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def run(variants: list[Variant], trees: dict[str, Path], repeat: int, cookie: dict) -> None:
    caches = {size: DATA / "instance" / f"content-{size}.cache" for size in trees}
    for attempt in range(1, repeat + 1):
        for variant in variants:
            for size, tree in trees.items():
                if variant.cache == "cold":
                    caches[size].unlink(missing_ok=True)
                cache = str(caches[size]) if variant.cache != "off" else "off"
                start = measure(variant.project, app_config(tree, cache), cookie)
                variant.starts.setdefault(size, []).append(start)
                print(
                    f"[{attempt}/{repeat}] {variant.label}, {size} files: {start.seconds:.2f} s, "
                    f"CPU {start.cpu_seconds:.2f} s, "
                    f"workers RSS {start.rss_mb} MB (load {start.load:.2f})",
                    flush=True,
                )


def report(variants: list[Variant], machine: dict) -> str:
    lines = [
        "# Start to the first lesson, by number of lesson files",
        "",
        f"`python -m bench.start` on {machine['date']}: {machine['cpu']}, {machine['cores']} "
        f"cores, Python {machine['python']}. gunicorn with gunicorn.conf.py (2 workers, app "
        "preloaded), PostgreSQL, LANGUAGES de and en; seconds from spawning gunicorn to the "
        "first 200 of a signed-in lesson page; worker memory right after it. Median of "
        f"{machine['repeat']} starts per cell (all three in brackets), the variants interleaved. "
        f"Load average (1 min) {machine['load_before']:.2f} before, "
        f"{machine['load_after']:.2f} after the run; during: "
        f"{machine['load_min']:.2f}–{machine['load_max']:.2f} (a shared machine).",
        "",
        "600 files: the bench's 300 lessons in de and en. 2,100 files: the same with five more "
        "language folders (tr, ru, uk, pl, ar), not served.",
        "",
        "Wall: spawn to first lesson. CPU: user + system seconds of gunicorn's master and "
        "workers until then, which a busy machine does not stretch as it stretches the wall time.",
        "",
        "| code | wall, 600 files | wall, 2,100 files | 2,100 / 600 | CPU, 600 | CPU, 2,100 "
        "| CPU 2,100 / 600 | worker RSS (2,100) | worker PSS (2,100) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for variant in variants:
        small, large = variant.starts["600"], variant.starts["2100"]
        s_small = median([s.seconds for s in small])
        s_large = median([s.seconds for s in large])
        rss = median([max(s.rss_mb) for s in large])
        pss = median([max(s.pss_mb) for s in large])

        def cell(starts: list[Start], value: float) -> str:
            return f"{value:.2f} s ({', '.join(f'{s.seconds:.2f}' for s in starts)})"

        c_small = median([s.cpu_seconds for s in small])
        c_large = median([s.cpu_seconds for s in large])
        lines.append(
            f"| {variant.label} | {cell(small, s_small)} | {cell(large, s_large)} | "
            f"{s_large / s_small:.2f} | {c_small:.2f} s | {c_large:.2f} s | "
            f"{c_large / c_small:.2f} | {rss:.0f} MB | {pss:.0f} MB |"
        )
    lines += [
        "",
        "Goals (issue 21): under 1.5 s at 2,100 files, within 1.15× of the start at "
        "600 files, worker memory under 100 MB.",
        "",
    ]
    for variant in variants:
        rss = median([max(s.rss_mb) for s in variant.starts["2100"]])
        verdict = []
        for name in ("seconds", "cpu_seconds"):
            small = median([getattr(s, name) for s in variant.starts["600"]])
            large = median([getattr(s, name) for s in variant.starts["2100"]])
            verdict += [
                f"{'wall' if name == 'seconds' else 'CPU'} "
                f"{'met' if large < GOAL_SECONDS else 'missed'} < {GOAL_SECONDS} s "
                f"and {'met' if large / small <= GOAL_RATIO else 'missed'} ≤ {GOAL_RATIO}×"
            ]
        verdict.append(f"memory {'met' if rss < GOAL_MB else 'missed'} < {GOAL_MB} MB")
        lines.append(f"- {variant.label}: " + "; ".join(verdict))
    return "\n".join(lines) + "\n"


def _machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    return {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="another checkout to measure (e.g. main)")
    parser.add_argument("--repeat", type=int, default=3, help="starts per cell (median)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not _port_free():
        print(f"Port {PORT} is in use on 127.0.0.1; stop what runs there first.")
        return 2
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "instance").mkdir(exist_ok=True)
    (DATA / "bare.html").write_text("bare\n")
    machine = {**_machine(), "repeat": args.repeat, "load_before": os.getloadavg()[0]}
    print(f"Load average before the run: {os.getloadavg()}", flush=True)
    trees = build_content()
    prepare_database()
    cookie = sign_in(PROJECT_ROOT, trees["600"])
    variants = []
    if args.before:
        variants.append(Variant(f"before ({args.before.name})", args.before.resolve(), "off"))
    variants += [
        Variant("after, no cache file (a deploy)", PROJECT_ROOT, "cold"),
        Variant("after, cache of the last start (a restart)", PROJECT_ROOT, "warm"),
    ]
    run(variants, trees, args.repeat, cookie)
    loads = [s.load for v in variants for starts in v.starts.values() for s in starts]
    machine |= {"load_after": os.getloadavg()[0], "load_min": min(loads), "load_max": max(loads)}
    (DATA / "results.json").write_text(
        json.dumps({"machine": machine, "variants": [asdict(v) for v in variants]}, default=str)
    )
    text = report(variants, machine)
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
