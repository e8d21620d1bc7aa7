"""Start and stop the servers the benchmark measures: gunicorn and nginx, on 127.0.0.1 only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.system import tool
from learnapp.paths import PROJECT_ROOT

GUNICORN_CONF = PROJECT_ROOT / "gunicorn.conf.py"
HERE = Path(__file__).parent


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    started: float  # time.perf_counter() when the process was spawned

    @property
    def master_pid(self) -> int | None:
        """gunicorn's master: the one child of the `timeout` that bounds its life."""
        children = _children(self.process.pid)
        return children[0] if children else None

    def worker_pids(self) -> list[int]:
        master = self.master_pid
        return _children(master) if master else []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_gunicorn(
    name: str,
    port: int,
    app_config: Path,
    log_dir: Path,
    workers: int | None = None,
    module: str = "bench.bench_wsgi:app",
    lifetime: int = 3600,
) -> Server:
    """gunicorn with the production settings file; `timeout` stops it after `lifetime` s."""
    env = {
        **os.environ,
        "BENCH_APP_CONFIG": str(app_config),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    if workers is not None:
        env["GUNICORN_WORKERS"] = str(workers)
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the server
    command = [
        "timeout",
        "--signal=TERM",
        str(lifetime),
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONF),
        module,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Server(name, process, port, started)


def write_nginx_conf(prefix: Path, **values: object) -> Path:
    """nginx.conf and site.conf from the templates beside this file; the main file's path."""
    for template in ("nginx.conf", "site.conf"):
        text = (HERE / f"{template}.template").read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", str(value))
        (prefix / template).write_text(text, encoding="utf-8")
    return prefix / "nginx.conf"


def start_nginx(conf: Path, prefix: Path, lifetime: int = 3600) -> subprocess.Popen:
    """nginx in the foreground (daemon off), our configuration and prefix, bounded in time."""
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    test = subprocess.run(
        [tool("nginx"), "-t", "-p", str(prefix), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    if test.returncode != 0:
        raise RuntimeError("nginx configuration is invalid:\n" + test.stderr)
    return subprocess.Popen(
        [
            "timeout",
            "--signal=TERM",
            str(lifetime),
            tool("nginx"),
            "-p",
            str(prefix),
            "-c",
            str(conf),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(prefix / "logs" / "stderr.log", "ab"),  # noqa: SIM115
        start_new_session=True,
    )


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
