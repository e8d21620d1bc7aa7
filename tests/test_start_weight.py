"""What a started app carries: no migration tool, calendar or spreadsheet library until used.

Each is imported by every gunicorn worker that imports it (alembic about 10 MB, icalendar about
3 MB, openpyxl about 5 MB, measured with `python -m bench.start`); only `flask db …`, a .ics
download and the report's .xlsx need them.
"""

import json
import subprocess
import sys

from learnapp.paths import PROJECT_ROOT
from tests.conftest import FIXTURE_CONTENT

LATE = ("alembic", "icalendar", "openpyxl")
PROBE = """
import json, sys
from learnapp import create_app
create_app(json.loads(sys.argv[1]))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_started_app_has_not_imported_the_migration_calendar_or_spreadsheet_library(tmp_path):
    settings = {
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
        "CONTENT_DIR": str(FIXTURE_CONTENT),
        "CONTENT_CACHE_FILE": str(tmp_path / "content.cache"),
        "MAINTENANCE_FLAG": str(tmp_path / "maintenance"),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(settings)],
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT), "LEARNAPP_INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "learnapp" in loaded and "flask" in loaded
    assert not loaded & set(LATE)
