"""What the benchmark scripts share: paths, running a command, timing it."""
import json
import os
import socket
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


def free_port():
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what, interval=0.2):
    """Polls until predicate() is true (an OSError counts as not yet); TimeoutError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")


def cpu_seconds(pids):
    """User + system CPU seconds the processes have used so far (those still running)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def children(pid):
    """The processes whose parent is pid (nginx's workers, say)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return found
