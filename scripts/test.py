"""`./dev test [PYTEST ARGS]`: the suite in two parts. First every test not marked `serial`,
on parallel workers (pytest-xdist, SCO_TEST_WORKERS of them, 2 by default); then the
`serial` ones (timing bounds, database clusters of their own, memory measured) alone, so
nothing else loads the machine while they run. The same arguments go to both parts (a
path, -k, -x...); a part that selects no test is no failure as long as the other ran some.
Ends with one line adding up both parts. `./dev pytest ...` runs pytest plainly instead
(with -m, -n or -p no:xdist, which choose the parts here)."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

NO_TESTS = 5  # pytest's exit code when it selected nothing
INTERRUPTED = 2  # ... and when it was interrupted (Ctrl-C)
USAGE_ERROR = 4
# The options that choose the parts (`-mEXPR` and `-n2` spelt joined too).
CHOSEN_HERE = ("-m", "-n", "--numprocesses", "--dist", "-pno:xdist", "no:xdist")


def run(label: str, args: list[str], report: Path) -> tuple[int, float]:
    """pytest ARGS in a process of its own. Ctrl-C reaches pytest (the terminal's process
    group) and is ignored here, so pytest tears down its databases, clusters and servers
    before this script goes on."""
    print(f"== {label}: pytest {' '.join(args)}", flush=True)
    began = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "pytest", *args, f"--junitxml={report}"])
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        code = child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return code, time.monotonic() - began


def counts(report: Path) -> Counter[str]:
    """The tests of a JUnit XML report by outcome (as pytest's summary counts them):
    passed, failed, errors (in setup or teardown), skipped, xfailed."""
    outcomes: Counter[str] = Counter()
    try:
        cases = list(ET.parse(report).getroot().iter("testcase"))
    except (OSError, ET.ParseError):  # no report: the part was stopped before it wrote one
        return outcomes
    for case in cases:
        skipped = case.find("skipped")
        if case.find("failure") is not None:
            outcomes["failed"] += 1
        elif case.find("error") is not None:
            outcomes["errors"] += 1
        elif skipped is not None:
            outcomes["xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"] += 1
        else:
            outcomes["passed"] += 1
    return outcomes


def main(args: list[str]) -> int:
    refused = [a for a in args if a.split("=")[0] in CHOSEN_HERE or a.startswith(("-m", "-n"))]
    if refused:
        print(f"./dev test chooses {', '.join(refused)} itself; use ./dev pytest for them")
        return USAGE_ERROR
    workers = os.environ.get("SCO_TEST_WORKERS", "2")
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "parallel.xml", Path(folder) / "serial.xml"
        parallel = run(
            f"in parallel on {workers} workers",
            ["-n", workers, "--dist", "worksteal", "-m", "not serial", *args],
            reports[0],
        )
        stop_now = parallel[0] == INTERRUPTED or (
            parallel[0] not in (0, NO_TESTS) and {"-x", "--exitfirst"} & set(args)
        )
        serial = (
            (NO_TESTS, 0.0) if stop_now else run("serially", ["-m", "serial", *args], reports[1])
        )
        total = counts(reports[0]) + counts(reports[1])
    codes = [parallel[0], serial[0]]
    if all(code == NO_TESTS for code in codes):
        code = NO_TESTS
    else:
        code = next((c for c in codes if c not in (0, NO_TESTS)), 0)
    print(
        f"parallel part {parallel[1]:.0f} s, serial part {serial[1]:.0f} s; "
        f"{total['xfailed']} xfailed, {total['errors']} errors in setup or teardown"
    )
    # The closing line, in the plain form CI reads: errors count as failures.
    failed = total["failed"] + total["errors"]
    print(f"suite: {total['passed']} passed, {failed} failed, {total['skipped']} skipped")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
