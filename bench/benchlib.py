"""What the benchmark scripts share: paths, running a command, timing it."""
import json
import os
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CLI = [os.path.join(ROOT, "artifacts/bench-cli/libcluster")]  # published ReadyToRun by each run.sh


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def wall(cmd, **kw):
    """Seconds a whole command takes."""
    start = time.perf_counter()
    run(cmd, **kw)
    return time.perf_counter() - start


def write_results(name, report, data):
    """Prints the report and keeps it, with the raw figures, in bench/results/NAME.{md,json}."""
    print("\n" + report)
    out = os.path.join(ROOT, "bench", "results")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + ".md"), "w") as f:
        f.write(report + "\n")
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(data, f, indent=1)
