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
from pathlib import Path

NO_TESTS = 5  # pytest's exit code when it selected nothing


def run(label: str, args: list[str], report: Path) -> tuple[int, float]:
    print(f"== {label}: pytest {' '.join(args)}", flush=True)
    began = time.monotonic()
    code = subprocess.call([sys.executable, "-m", "pytest", *args, f"--junitxml={report}"])
    return code, time.monotonic() - began


def counts(report: Path) -> dict[str, int]:
    """passed, failed (errors included) and skipped, from a JUnit XML report."""
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.exists():
        for suite in ET.parse(report).getroot().iter("testsuite"):
            for key in total:
                total[key] += int(suite.get(key, 0))
    failed = total["failures"] + total["errors"]
    return {
        "passed": total["tests"] - failed - total["skipped"],
        "failed": failed,
        "skipped": total["skipped"],
    }


def main(args: list[str]) -> int:
    workers = os.environ.get("SCO_TEST_WORKERS", "2")
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "parallel.xml", Path(folder) / "serial.xml"
        parallel = run(
            f"in parallel on {workers} workers",
            ["-n", workers, "-m", "not serial", *args],
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
    passed, failed, skipped = (sum(c[key] for c in both) for key in ("passed", "failed", "skipped"))
    print(f"suite: {passed} passed, {failed} failed, {skipped} skipped")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
