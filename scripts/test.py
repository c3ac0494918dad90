"""`./dev test [PYTEST ARGS]`: the suite in two parts. First every test not marked `serial`,
on parallel workers (pytest-xdist, SCO_TEST_WORKERS of them, 2 by default); then the
`serial` ones (timing bounds, database clusters of their own, memory measured) alone, so
nothing else loads the machine while they run. The same arguments go to both parts (a
path, -k, -x...); a part that selects no test is no failure as long as the other ran some.
Ends with one line adding up both parts. `./dev pytest ...` runs pytest plainly instead."""

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

NO_TESTS = 5  # pytest's exit code when it selected nothing


def run(label: str, args: list[str], report: Path) -> tuple[int, float]:
    print(f"== {label}: pytest {' '.join(args)}", flush=True)
    began = time.monotonic()
    code = subprocess.call([sys.executable, "-m", "pytest", *args, f"--junitxml={report}"])
    return code, time.monotonic() - began


def counts(report: Path) -> Counter[str]:
    """The tests of a JUnit XML report by outcome: passed, failed (errors included),
    skipped, xfailed."""
    outcomes: Counter[str] = Counter()
    if not report.exists():
        return outcomes
    for case in ET.parse(report).getroot().iter("testcase"):
        skipped = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes["failed"] += 1
        elif skipped is not None:
            outcomes["xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"] += 1
        else:
            outcomes["passed"] += 1
    return outcomes


def main(args: list[str]) -> int:
    workers = os.environ.get("SCO_TEST_WORKERS", "2")
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "parallel.xml", Path(folder) / "serial.xml"
        parallel = run(
            f"in parallel on {workers} workers",
            ["-n", workers, "--dist", "worksteal", "-m", "not serial", *args],
            reports[0],
        )
        serial = run("serially", ["-p", "no:xdist", "-m", "serial", *args], reports[1])
        both = [counts(report) for report in reports]
    codes = [parallel[0], serial[0]]
    if all(code == NO_TESTS for code in codes):
        code = NO_TESTS
    else:
        code = next((c for c in codes if c not in (0, NO_TESTS)), 0)
    print(f"parallel part {parallel[1]:.0f} s, serial part {serial[1]:.0f} s")
    total = both[0] + both[1]
    print(
        f"suite: {total['passed']} passed, {total['failed']} failed, "
        f"{total['skipped']} skipped, {total['xfailed']} xfailed"
    )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
