"""Load with wrk: many signed-in learners, fixed connections, fixed time, several rounds."""

from __future__ import annotations

import json
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.client import Browser
from bench.system import tool
from learnapp.content.model import Lesson

LUA = Path(__file__).parent / "wrk" / "users.lua"


@dataclass
class Round:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    bytes: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class LoadResult:
    name: str
    rounds: list[Round] = field(default_factory=list)

    def _median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.rounds)

    @property
    def rps(self) -> float:
        return self._median("rps")

    @property
    def p50_ms(self) -> float:
        return self._median("p50_ms")

    @property
    def p99_ms(self) -> float:
        return self._median("p99_ms")

    @property
    def worst_p99_ms(self) -> float:
        return max(r.p99_ms for r in self.rounds)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rounds)

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.rounds)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "worst_p99_ms": round(self.worst_p99_ms, 2),
            "errors": self.errors,
            "requests": self.requests,
            "rounds": [{**r.__dict__, "rps": round(r.rps, 1)} for r in self.rounds],
        }


def quiz_form(lesson: Lesson) -> str:
    """Form fields that answer every question of the lesson correctly."""
    fields = []
    for question in lesson.quiz:
        for key in sorted(question.correct_keys()):
            fields.append((f"q-{question.id}", key))
    return urlencode(fields)


def users_file(
    port: int, usernames: list[str], password: str, token_path: str, target: Path
) -> Path:
    """Sign every learner in through the real form; one line each: cookie, CSRF token."""
    lines = []
    for username in usernames:
        browser = Browser(port)
        browser.sign_in(username, password)
        token = browser.csrf_token(token_path)
        lines.append(f"{browser.cookie_header}\t{token}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def run_wrk(
    port: int,
    mode: str,
    path: str,
    users: Path | None,
    seconds: int,
    connections: int = 32,
    threads: int = 2,
    answers: str = "",
) -> Round:
    """One wrk run; `timeout` makes sure it always ends by itself."""
    command = [
        tool("wrk"),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
    ]
    url = f"http://127.0.0.1:{port}"
    who = str(users) if users is not None else "-"
    command += ["--script", str(LUA), url, "--", who, mode, path, answers]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    line = [x for x in completed.stdout.splitlines() if x.startswith("{")][-1]
    data = json.loads(line)
    latency = data["latency_us"]
    errors = data["errors"]
    return Round(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors["status"] + errors["timeout"] + errors["read"] + errors["write"],
        p50_ms=latency["p50"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=latency["mean"] / 1000,
        max_ms=latency["max"] / 1000,
        bytes=data["bytes"],
    )
