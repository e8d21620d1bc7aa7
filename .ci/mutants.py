"""`make mutants`: mutation testing of the rule modules, and the verdict on it.

Usage: .venv/bin/python .ci/mutants.py [--report-only] [--max-children N] [MUTANT_NAME ...]

mutmut (configured in pyproject.toml, [tool.mutmut]) changes the rule modules one small edit
at a time (`<` to `<=`, `and` to `or`, a constant, a dropped argument) and runs the tests that
reach the changed function. A mutant that no test notices is a rule the suite does not guard.

The verdict: every surviving mutant is either killed by a new test or listed in
tests/MUTANTS.md with one line on why it cannot be told apart from the original (equivalent),
every mutant was checked, and at least 90 % of the rule modules' mutants are killed (equivalent
ones count as not killed). A module under 90 % is marked. Exit 1 otherwise. The figures
per module are printed and written to mutants/verdict.txt.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = [sys.executable, "-m", "mutmut"]
EQUIVALENT_LIST = ROOT / "tests" / "MUTANTS.md"
KILL_RATE_FLOOR = 90.0
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
LISTED = re.compile(r"^- `(?P<name>[\w.ǁ]+__mutmut_\d+)`")
RESULT = re.compile(r"^\s+(?P<name>\S+): (?P<status>.+)$")


def module_of(mutant: str) -> str:
    """`learnapp.access.x_can_see_learner__mutmut_3` -> `learnapp.access`."""
    return re.split(r"\.x_|\.xǁ", mutant, maxsplit=1)[0]


def equivalents() -> dict[str, str]:
    """Survivors explained in tests/MUTANTS.md, by name."""
    listed = {}
    for line in EQUIVALENT_LIST.read_text(encoding="utf-8").splitlines():
        match = LISTED.match(line)
        if match:
            listed[match["name"]] = line
    return listed


def results() -> dict[str, str]:
    out = subprocess.run(
        [*MUTMUT, "results", "--all", "true"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {m["name"]: m["status"] for line in out.splitlines() if (m := RESULT.match(line))}


def verdict(statuses: dict[str, str], listed: dict[str, str]) -> tuple[list[str], bool]:
    per_module: dict[str, Counter[str]] = defaultdict(Counter)
    unexplained = []
    for name, status in sorted(statuses.items()):
        counts = per_module[module_of(name)]
        counts["total"] += 1
        if status in KILLED:
            counts["killed"] += 1
        elif status == "not checked":  # a run stopped early: say so, do not call it a survivor
            counts["unchecked"] += 1
        elif name in listed:
            counts["equivalent"] += 1
        else:
            counts["survived"] += 1
            unexplained.append(f"  {name}: {status}")
    header = ("module", "mutants", "killed", "equiv.", "survived", "rate")
    lines = ["{:<32} {:>7} {:>7} {:>7} {:>8} {:>7}".format(*header)]
    for module, c in sorted(per_module.items()):
        rate = 100.0 * c["killed"] / max(1, c["total"] - c["unchecked"])
        lines.append(
            f"{module:<32} {c['total']:>7} {c['killed']:>7} {c['equivalent']:>7} "
            f"{c['survived']:>8} {rate:>6.1f}%" + ("" if rate >= KILL_RATE_FLOOR else "  < floor")
        )
    total = sum((c for c in per_module.values()), Counter())
    overall = 100.0 * total["killed"] / max(1, total["total"] - total["unchecked"])
    ok = overall >= KILL_RATE_FLOOR
    if total["total"]:
        lines.append(
            f"{'all rule modules':<32} {total['total']:>7} {total['killed']:>7} "
            f"{total['equivalent']:>7} {total['survived']:>8} "
            f"{overall:>6.1f}%"
        )
    if total["unchecked"]:
        lines.append(f"Not checked yet: {total['unchecked']} (run `make mutants` to finish)")
    stale = sorted(set(listed) - {n for n, s in statuses.items() if s not in KILLED})
    if stale:
        lines.append("Listed in tests/MUTANTS.md but killed or gone now (remove them):")
        lines += [f"  {name}" for name in stale]
    if unexplained:
        lines.append("Survivors to kill with a test or to explain in tests/MUTANTS.md:")
        lines += unexplained
    return lines, ok and not unexplained and not total["unchecked"] and bool(statuses)


def main(argv: list[str]) -> int:
    if "--report-only" in argv:
        argv.remove("--report-only")
    else:
        subprocess.run([*MUTMUT, "run", *argv], cwd=ROOT, check=True)
    lines, ok = verdict(results(), equivalents())
    report = "\n".join(lines)
    print(report)
    (ROOT / "mutants" / "verdict.txt").write_text(report + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
