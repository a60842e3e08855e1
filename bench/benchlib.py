"""What the benchmark scripts share: paths, running a command, timing it."""
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
