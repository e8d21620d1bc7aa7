"""After `make test`: each module that holds a rule keeps at least 95 % branch coverage.

Usage: .venv/bin/python .ci/coverage_floor.py   (reads .coverage written by pytest-cov)

The rule modules are the ones `make mutants` mutates, listed once in pyproject.toml under
[tool.mutmut] only_mutate. The whole package's floor is coverage's own `fail_under`
([tool.coverage.report]); this adds the stricter floor per rule module and prints, for each,
the combined figure (statements and branches, as coverage reports it) and the branches alone.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import coverage

FLOOR = 95.0
ROOT = Path(__file__).resolve().parent.parent


def rule_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["mutmut"]["only_mutate"])


def figures(cov: coverage.Coverage, path: Path) -> tuple[float, float, list[str]]:
    """Combined percentage, branch-only percentage, and the missed lines and branches."""
    analysis = cov._analyze(str(path))  # the public API offers no per-file branch counts
    numbers = analysis.numbers
    branches = numbers.n_branches
    branch_pct = 100.0 * (branches - numbers.n_missing_branches) / branches if branches else 100.0
    missed = [str(line) for line in sorted(analysis.missing)]
    missed += [
        f"{start}->{end}"
        for start, ends in sorted(analysis.missing_branch_arcs().items())
        for end in ends
    ]
    return numbers.pc_covered, branch_pct, missed


def main() -> int:
    data_file = ROOT / ".coverage"
    if not data_file.exists():
        print("coverage floor: no .coverage file; run the tests with --cov first")
        return 1
    cov = coverage.Coverage(data_file=str(data_file), config_file=str(ROOT / "pyproject.toml"))
    cov.load()
    failures = []
    print(f"Rule modules (floor {FLOOR:.0f} %):  combined  branches")
    for module in rule_modules():
        combined, branch_only, missed = figures(cov, ROOT / module)
        flag = "" if combined >= FLOOR else "   BELOW FLOOR, missed: " + ", ".join(missed)
        print(f"  {module:<36} {combined:6.1f} %  {branch_only:6.1f} %{flag}")
        if combined < FLOOR:
            failures.append(module)
    if failures:
        print(f"coverage floor: {len(failures)} rule module(s) below {FLOOR:.0f} %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
