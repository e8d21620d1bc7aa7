"""The staff pages at several programme sizes, side by side, from bench/data/staff_*.json.

    python -m bench.report_sizes            # print the section
    python -m bench.report_sizes --write    # put it into bench/RESULTS.md (between markers)

Each JSON file is one run of `bench.staff_sizes` (or of `make bench`, label "run"): one size,
one version of the code ("before" or "after" a change, when compared).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from learnapp.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "bench" / "data"
RESULTS = PROJECT_ROOT / "bench" / "RESULTS.md"
START = "<!-- staff pages by size: start -->"
END = "<!-- staff pages by size: end -->"
MENTOR_GOAL_MS, COORDINATOR_GOAL_MS, HTML_GOAL_BYTES, SAME_CENTRE_RATIO = 100, 300, 100_000, 1.3


def load_runs(data: Path = DATA) -> dict[tuple[str, int], dict]:
    runs = {}
    for path in sorted(data.glob("staff_*.json")):
        run = json.loads(path.read_text())
        if "staff" in run and run.get("label") in ("before", "after", "run"):
            runs[run["label"], run["learners"]] = run
    return runs


def _by_page(run: dict) -> dict[str, dict]:
    return {page["name"]: page for page in run["staff"]}


def _k(learners: int) -> str:
    return f"{learners // 1000:,} k" if learners >= 1000 else str(learners)


def render(runs: dict[tuple[str, int], dict]) -> str:
    if not runs:
        return ""
    sizes = sorted({size for _label, size in runs})
    labels = [label for label in ("before", "after", "run") if any(k[0] == label for k in runs)]
    columns = [(label, size) for size in sizes for label in labels if (label, size) in runs]
    newest = "after" if "after" in labels else labels[-1]
    pages = [page["name"] for page in runs[columns[0]]["staff"]]
    lines = [
        START,
        "## Staff pages by programme size (issue 21)",
        "",
        "p95 of 20 requests one at a time (fewer when a page took longer than its budget), as the"
        " signed-in user, gunicorn with 2 workers, PostgreSQL; `python -m bench.staff_sizes`."
        " *largest*: the town centre (5 % of everybody on top of its share); *fixed*: a centre of"
        " 700 learners in every programme; *county*: a coordinator of 40 centres; *admin*: the"
        " whole programme. The report shows the previous (complete) month.",
        "",
    ]
    for label, size in columns:
        run = runs[label, size]
        data = run["data"]
        lines.append(
            f"- {label}, {size:,} learners (commit {run.get('commit', '?')}): {data['centres']}"
            f" centres, {data['mentors']:,} mentors, {data['progress_rows']:,} progress rows,"
            f" {data['quiz_rows']:,} self-check answers, {data['sessions']:,} sessions; largest"
            f" centre {data['largest_centre_learners']:,}, fixed centre"
            f" {data.get('fixed_centre_learners', '?')}; load average before"
            f" {', '.join(f'{x:.1f}' for x in run['load_before'])}, after"
            f" {', '.join(f'{x:.1f}' for x in run['load_after'])}."
        )
    header = " | ".join(f"{label} {_k(size)}" for label, size in columns)
    lines += [
        "",
        f"| page | {header} | KB ({newest}) | queries ({newest}) |",
        "| --- | " + " | ".join("---:" for _ in columns) + " | --- | --- |",
    ]
    for name in pages:
        cells = []
        for column in columns:
            page = _by_page(runs[column]).get(name)
            if not page:
                cells.append("–")
            elif page["status"] == 0:
                cells.append(f"no answer in {page['max_ms'] / 1000:,.0f} s")
            elif page["status"] != 200:
                cells.append(f"HTTP {page['status']} after {page['max_ms'] / 1000:,.0f} s")
            else:
                cells.append(f"{page['p95_ms']:,.0f} ms")
        newest_runs = [runs[newest, size] for size in sizes if (newest, size) in runs]
        kb = " / ".join(f"{_by_page(r)[name]['bytes'] / 1000:.0f}" for r in newest_runs)
        queries = " / ".join(str(r["queries"].get(name, "?")) for r in newest_runs)
        lines.append(f"| {name} | {' | '.join(cells)} | {kb} | {queries} |")
    lines += ["", *_goals(runs, newest, sizes), END]
    return "\n".join(lines)


def _goals(runs: dict[tuple[str, int], dict], label: str, sizes: list[int]) -> list[str]:
    largest = max(size for size in sizes if (label, size) in runs)
    smallest = min(size for size in sizes if (label, size) in runs)
    big = _by_page(runs[label, largest])
    small = _by_page(runs[label, smallest])
    rows = []
    mentor = big["mentor dashboard"]["p95_ms"]
    rows.append((f"mentor dashboard p95 < {MENTOR_GOAL_MS} ms", f"{mentor:.0f} ms", mentor < 100))
    for scope in ("largest", "fixed", "county", "admin"):
        scoped = {n: p for n, p in big.items() if n.endswith(f"({scope})")}
        if not scoped:
            continue
        slowest = max(scoped.values(), key=lambda p: p["p95_ms"])
        heaviest = max(scoped.values(), key=lambda p: p["bytes"])
        rows.append(
            (
                f"{scope}: every coordinator page p95 < {COORDINATOR_GOAL_MS} ms",
                f"slowest {slowest['name']} {slowest['p95_ms']:.0f} ms",
                slowest["p95_ms"] < COORDINATOR_GOAL_MS,
            )
        )
        rows.append(
            (
                f"{scope}: every coordinator page < {HTML_GOAL_BYTES // 1000} KB",
                f"largest {heaviest['name']} {heaviest['bytes'] / 1000:.0f} KB",
                heaviest["bytes"] < HTML_GOAL_BYTES,
            )
        )
    big_q, small_q = runs[label, largest]["queries"], runs[label, smallest]["queries"]
    differ = [n for n in big_q if big_q[n] != small_q.get(n)]
    rows.append(
        (
            f"same queries per page at {smallest:,} and {largest:,} learners",
            "all equal" if not differ else "differ: " + ", ".join(differ),
            not differ,
        )
    )
    fixed = [n for n in big if n.endswith("(fixed)")]
    ratios = {n: big[n]["p95_ms"] / small[n]["p95_ms"] for n in fixed if n in small}
    if ratios:
        worst = max(ratios, key=lambda n: ratios[n])
        rows.append(
            (
                f"fixed centre within {SAME_CENTRE_RATIO}× at {largest:,} vs {smallest:,}",
                ", ".join(f"{n.split(' (')[0]} {r:.2f}×" for n, r in ratios.items()),
                ratios[worst] <= SAME_CENTRE_RATIO,
            )
        )
    lines = [f"Goals at {largest:,} learners ({label}):", "", "| goal | measured | |"]
    lines.append("| --- | --- | --- |")
    for goal, measured, met in rows:
        lines.append(f"| {goal} | {measured} | {'met' if met else '**not met**'} |")
    lines.append("")
    return lines


def write(results: Path = RESULTS, data: Path = DATA) -> None:
    section = render(load_runs(data))
    text = results.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        marker = "## Why, and what would change it"
        text = text.replace(marker, section + "\n\n" + marker, 1)
    results.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    if args.write:
        write(data=args.data)
    else:
        print(render(load_runs(args.data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
