#!/usr/bin/env python3
"""Experiments behind docs/benchmarks.md "Downloads: node vs nginx": where the node's time per download goes.

Run after `bench/serve/run.sh --work DIR` (which keeps DIR). Starts, one at a time, the small-file node (on
DIR/small, with optional environment), bare Kestrel (bench/serve/Probe, published to artifacts/bench-serve-probe)
and nginx on the same files, and runs wrk on the same file list against:
  nginx GET and a 1-byte Range GET; node GET and a 1-byte Range GET (/files/<md5>: lookup, replica check, headers, then
  the body or 1 byte), node /healthz (its floor) and /api/records/<md5> (the same lookup and check, as JSON);
  Kestrel /ping (no file), /file (Results.File on the path, as the node's last step), /pread (synchronous pread into
  the response pipe).
Usage: bench/serve/probe.py --work DIR [--set small|large] [--connections 16] [--duration 10] [--node-env K=V]...
Only 127.0.0.1 is used. Results: stdout and bench/results/serve-probe-SET.{md,json}.
"""
import argparse, os, subprocess, sys, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench  # noqa: E402
from benchlib import ROOT, write_results  # noqa: E402

PROBE = ["dotnet", os.path.join(ROOT, "artifacts/bench-serve-probe/LibraryCluster.Bench.ServeProbe.dll")]


class Probe:
    def __init__(self, root, env):
        self.port = bench.free_port()
        self.base = f"http://{bench.HOST}:{self.port}"
        self.process = subprocess.Popen(PROBE + ["--urls", self.base, "--root", root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env})
        bench.wait_until(lambda: urllib.request.urlopen(self.base + "/ping", timeout=5).status == 200, 60, "probe")

    def pids(self):
        return [self.process.pid]

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", required=True)
    parser.add_argument("--set", default="small")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--node-env", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--only", default="", help="comma-separated subset of the variants")
    args = parser.parse_args()
    subprocess.run(["dotnet", "publish", os.path.join(ROOT, "bench/serve/Probe"), "-c", "Release", "-o", os.path.dirname(PROBE[1]), "--nologo", "-v", "quiet"],
                   check=True, capture_output=True)
    env = dict(kv.split("=", 1) for kv in args.node_env)
    work = os.path.abspath(args.work)
    s = args.set
    with open(os.path.join(work, f"urls-{s}-nginx.txt")) as f:
        nginx_paths = f.read().split()
    lists = {"node": os.path.join(work, f"urls-{s}-node.txt"), "nginx": os.path.join(work, f"urls-{s}-nginx.txt")}
    with open(lists["node"]) as f:
        md5s = [p.rsplit("/", 1)[1] for p in f.read().split()]
    for kind, paths in (("healthz", ["/healthz"]), ("records", [f"/api/records/{m}" for m in md5s])):
        lists[kind] = os.path.join(work, f"urls-{s}-node-{kind}.txt")
        with open(lists[kind], "w") as f:
            f.write("\n".join(paths) + "\n")
    for kind in ("file", "pread", "ping"):
        lists[kind] = os.path.join(work, f"urls-{s}-probe-{kind}.txt")
        with open(lists[kind], "w") as f:
            f.write("\n".join("/ping" if kind == "ping" else f"/{kind}/" + p.split("/", 2)[2] for p in nginx_paths) + "\n")

    variants = [("nginx GET", "nginx", "nginx", "GET"), ("nginx 1-byte range", "nginx", "nginx", "bytes=0-0"), ("node GET", "node", "node", "GET"), ("node 1-byte range", "node", "node", "bytes=0-0"), ("node /healthz", "node", "healthz", "GET"), ("node /api/records", "node", "records", "GET"),
                ("kestrel /ping", "probe", "ping", "GET"), ("kestrel Results.File", "probe", "file", "GET"), ("kestrel Results.File 1-byte range", "probe", "file", "bytes=0-0"), ("kestrel pread", "probe", "pread", "GET")]
    if args.only:
        variants = [v for v in variants if v[0] in args.only.split(",")]
    results = {}
    for server_kind in ("nginx", "node", "probe"):
        chosen = [v for v in variants if v[1] == server_kind]
        if not chosen:
            continue
        if server_kind == "nginx":
            server = bench.Nginx.__new__(bench.Nginx)
            server.prefix = os.path.join(work, "nginx")
            server.conf = os.path.join(server.prefix, "nginx.conf")
            server.port = int(open(server.conf).read().split(f"listen {bench.HOST}:")[1].split(";")[0])
            server.base = f"http://{bench.HOST}:{server.port}"
            server.process = subprocess.Popen(["nginx", "-c", server.conf, "-p", server.prefix, "-e", f"{server.prefix}/error.log", "-g", "daemon off;"],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            bench.wait_until(lambda: bench.socket.create_connection((bench.HOST, server.port), timeout=1).close() is None, 30, "nginx")
            server.workers = bench.children(server.process.pid)
        elif server_kind == "node":
            server = bench.Node(f"node-{s}", os.path.join(work, s), env, demo=(s == "small"), expected_torrents=5 if s == "small" else 1)
        else:
            server = Probe(os.path.join(work, s, "volumes"), env)
        try:
            for name, _, list_name, method in chosen:
                if method != "GET":
                    os.environ["WRK_RANGE"] = method
                bench.wrk(server, lists[list_name], 16, 3, work)  # warm-up
                for rep in range(args.reps):
                    r = bench.wrk(server, lists[list_name], args.connections, args.duration, work)
                    results.setdefault(name, []).append(r)
                    print(f"{name:<22} {r['rps']:9.0f} req/s {r['mbps']:8.0f} MB/s p50 {r['p50_us'] / 1000:7.2f} ms p99 {r['p99_us'] / 1000:7.2f} ms "
                          f"errors {r['errors']} server CPU {r['server_cpu_s'] / (r['duration_us'] / 1e6):.2f} cores, {r['server_cpu_s'] / r['requests'] * 1e6:.0f} us/request", flush=True)
                os.environ.pop("WRK_RANGE", None)
        finally:
            server.stop()
    lines = [f"{s} files, {args.connections} connections, {args.duration} s, best of {args.reps}; env {' '.join(args.node_env) or '-'}", "",
             "| variant | req/s | MB/s | p50 ms | p99 ms | errors | server cores | server CPU µs/request |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, runs in results.items():
        r = max(runs, key=lambda x: x["rps"])
        lines.append(f"| {name} | {r['rps']:.0f} | {r['mbps']:.0f} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | {sum(x['errors'] for x in runs)} | "
                     f"{r['server_cpu_s'] / (r['duration_us'] / 1e6):.2f} | {r['server_cpu_s'] / r['requests'] * 1e6:.0f} |")
    write_results(f"serve-probe-{s}" + ("-" + "-".join(args.node_env).replace("=", "_") if args.node_env else ""), "\n".join(lines), {"results": results, "env": env})


if __name__ == "__main__":
    main()
