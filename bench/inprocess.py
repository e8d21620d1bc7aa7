"""In-process timing of the learner's busiest pages through Flask's test client.

No server, no network: the app on a throw-away SQLite database with the bundled courses, one
learner signed in, then N GETs each of a lesson with a self-check, the home page and the course
list, median of several rounds. It prints figures; it is not a test.

Times are the process's CPU time (time.process_time), not wall time: on a shared machine other
processes' load would otherwise be most of the difference between two runs.

    python bench/inprocess.py [--requests 2000] [--rounds 5] [--tree PATH]

--tree runs another copy of the project (e.g. an older commit unpacked with `git archive`), so
two versions can be compared with the same script.
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "bench-password-long-enough"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    options = parser.parse_args()
    sys.path.insert(0, str(options.tree.resolve()))

    from learnapp import create_app
    from learnapp.access import LEARNER
    from learnapp.content import get_library
    from learnapp.db import get_session
    from learnapp.models import Base, Centre, User

    folder = Path(tempfile.mkdtemp(prefix="inprocess-bench-"))
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "CONTENT_AUTO_RELOAD": False,
        }
    )
    import learnapp

    # One log line per request would be most of what is timed (and of the output).
    logging.getLogger("learnapp.requests").setLevel(logging.WARNING)
    print(f"learnapp from {Path(learnapp.__file__).parent}")
    Base.metadata.create_all(app.extensions["learnapp_db"].engine)
    with app.app_context():
        session = get_session()
        centre = Centre(name="Bench", town="Bench")
        session.add(centre)
        session.flush()
        user = User(
            username="bench", display_name="Bench Learner", role=LEARNER, centre_id=centre.id
        )
        user.set_password(PASSWORD)
        session.add(user)
        session.commit()
        library = get_library()
        course, lesson_id = next(
            (course, lesson.id)
            for course in library.ordered_courses
            for lesson in course.lessons.get(library.default_lang, {}).values()
            if lesson.quiz
        )
    lesson_path = f"/courses/{course.id}/{lesson_id}"

    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/login").get_data(as_text=True))
    assert token, "no sign-in form"
    reply = client.post(
        "/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert reply.status_code == 302, reply.status_code

    for path in (lesson_path, "/", "/courses"):
        assert client.get(path).status_code == 200  # warm: templates compiled, caches filled
        rounds = []
        for _ in range(options.rounds):
            started = time.process_time()
            for _ in range(options.requests):
                client.get(path)
            rounds.append((time.process_time() - started) / options.requests)
        median = statistics.median(rounds)
        spread = ", ".join(f"{value * 1e3:.3f}" for value in rounds)
        print(f"{path:40} median {median * 1e3:.3f} ms/request  (rounds: {spread})")


if __name__ == "__main__":
    main()
