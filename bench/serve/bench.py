#!/usr/bin/env python3
"""Download benchmark: the mirror node against nginx (run through bench/serve/run.sh).

Two data directories, both served by a node (one each) and by one nginx:
  small  the node's --demo collection (size scale 0.02): every visible Scitech/Fiction book with a file
  large  `libcluster sample create --books 40 --size-scale 2`: the books of at least --large-min bytes
The node serves GET /files/<md5> (catalogue lookup, replica check, Range/ETag); nginx serves the very same
files by path, /<dir>/<volume>/<torrent>/<pathInTorrent> (sendfile on, access_log off, worker_processes auto).
wrk GETs each list round-robin, the same files in the same order for both servers, at 1, 16 and 256
connections; each cell is run --reps times, node and nginx alternating (never at the same time), and the
better run by requests/s is reported. Every URL is downloaded once from both servers first and its MD5
checked against its name, which also leaves every file in the page cache.
Only 127.0.0.1 is used. Results go to stdout and bench/results/serve[-LABEL].{md,json}.
"""
import argparse, sys, hashlib, http.client, json, os, random, shutil, socket, subprocess, tempfile, time, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from benchlib import CLI, ROOT, children, cpu_seconds, free_port, run, wait_until, write_results  # noqa: E402

HOST = "127.0.0.1"
NODE = ["dotnet", os.path.join(ROOT, "artifacts/bench-host/LibraryCluster.Host.dll")]
LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "urls.lua")
TOKEN = "serve-bench-admin-token-0123456789"


def get_json(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
        return json.load(r)


class Node:
    def __init__(self, name, data_dir, env, demo, torrents_to_watch=(), expected_torrents=1):
        self.name, self.data_dir, self.port = name, data_dir, free_port()
        self.base = f"http://{HOST}:{self.port}"
        cmd = NODE + ["--urls", self.base, "--data-dir", data_dir, "--admin-token", TOKEN] + (["--demo"] if demo else [])
        self.log = open(os.path.join(os.path.dirname(data_dir), f"{name}.log"), "w")
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **env}, cwd=os.path.dirname(data_dir))
        wait_until(lambda: urllib.request.urlopen(self.base + "/readyz", timeout=5).status == 200, 180, f"{name} /readyz")
        for torrent in torrents_to_watch:
            os.makedirs(os.path.join(data_dir, "watch"), exist_ok=True)
            shutil.copy(torrent, os.path.join(data_dir, "watch"))

        def healthy():
            listed = get_json(self.base + "/api/admin/torrents", {"Authorization": f"Bearer {TOKEN}"})
            return len(listed) >= expected_torrents and all(t["replica"]["state"] == "Healthy" for t in listed)

        wait_until(healthy, 300, f"{name}: every torrent Healthy", 0.5)
        self.torrents = get_json(self.base + "/api/admin/torrents", {"Authorization": f"Bearer {TOKEN}"})

    def pids(self):
        return [self.process.pid]

    def stop(self):
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


class Nginx:
    def __init__(self, work, roots):
        self.prefix = os.path.join(work, "nginx")
        os.makedirs(os.path.join(self.prefix, "tmp"), exist_ok=True)
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        temp = "".join(f"  {kind}_temp_path {self.prefix}/tmp/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        locations = "".join(f"    location /{name}/ {{ alias {path}/; }}\n" for name, path in roots.items())
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(f"""worker_processes auto;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
{temp}  server {{
    listen {HOST}:{self.port};
{locations}  }}
}}
""")
        self.version = run(["nginx", "-v"]).stderr.strip()
        self.process = subprocess.Popen(["nginx", "-c", self.conf, "-p", self.prefix, "-e", f"{self.prefix}/error.log", "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: socket.create_connection((HOST, self.port), timeout=1).close() is None, 30, "nginx")
        self.workers = children(self.process.pid)

    def pids(self):
        return [self.process.pid] + self.workers

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


def verify(base, paths, names):
    """Downloads every path once over one keep-alive connection; each body's MD5 must be its name."""
    connection = http.client.HTTPConnection(HOST, int(base.rsplit(":", 1)[1]), timeout=60)
    total = 0
    for path, md5 in zip(paths, names):
        connection.request("GET", path)
        response = connection.getresponse()
        digest = hashlib.md5()
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            total += len(chunk)
        if response.status != 200 or digest.hexdigest() != md5:
            raise SystemExit(f"{base}{path}: HTTP {response.status}, MD5 {digest.hexdigest()}, expected 200 and {md5}")
    connection.close()
    return total


def wrk(server, url_file, connections, seconds, work):
    threads = 1 if connections == 1 else 2
    out = os.path.join(work, "wrk.json")
    env = {**os.environ, "WRK_URLS": url_file, "WRK_THREADS": str(threads), "WRK_OUT": out}
    before = cpu_seconds(server.pids())
    text = run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "--latency", "-s", LUA, server.base + "/"], env=env).stdout
    cpu = cpu_seconds(server.pids()) - before
    with open(out) as f:
        result = json.load(f)
    seconds = result["duration_us"] / 1e6
    result.update(rps=result["requests"] / seconds, mbps=result["bytes"] / seconds / 1e6, server_cpu_s=cpu,
                  server_cpu_per_gb=cpu / (result["bytes"] / 1e9) if result["bytes"] else None,
                  errors=result["connect"] + result["read"] + result["write"] + result["timeout"] + result["status"], text=text)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--reps", type=int, default=2, help="runs per cell and server")
    parser.add_argument("--connections", default="1,16,256")
    parser.add_argument("--sets", default="small,large")
    parser.add_argument("--large-min", type=int, default=10_000_000, help="bytes; smaller books of the large sample are left out")
    parser.add_argument("--node-env", action="append", default=[], metavar="KEY=VALUE", help="environment for both nodes (experiments)")
    parser.add_argument("--label", default="", help="results go to bench/results/serve-LABEL.{md,json}")
    parser.add_argument("--work", default=None, help="scratch folder (default: a new temp folder, removed afterwards)")
    args = parser.parse_args()
    node_env = dict(kv.split("=", 1) for kv in args.node_env)
    connection_counts = [int(c) for c in args.connections.split(",")]
    sets = args.sets.split(",")

    work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="lc-bench-serve-"))
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)  # nginx's workers run as nobody and must reach the files
    small_dir, large_dir, big_sample = (os.path.join(work, d) for d in ("small", "large", "big-sample"))
    started = []
    try:
        # The small set: the node fills an empty data directory with its demo collection.
        print("starting the node on the demo collection ...", flush=True)
        small_node = Node("node-small", small_dir, node_env, demo=True, expected_torrents=5)
        started.append(small_node)

        # The large set: a sample at size scale 2, imported as an operator would, its data adopted from the watch folder.
        print("generating and adopting the large sample ...", flush=True)
        shutil.rmtree(big_sample, ignore_errors=True)
        shutil.rmtree(large_dir, ignore_errors=True)
        run(CLI + ["sample", "create", "--out", big_sample, "--books", "40", "--fiction", "0", "--scimag", "0", "--size-scale", "2", "--seed", "1"])
        os.makedirs(os.path.join(large_dir, "volumes", "default"))
        imported = subprocess.run(CLI + ["catalog", "import", os.path.join(big_sample, "dumps", "libgen.sql"), "--db", os.path.join(large_dir, "catalog.db")], capture_output=True, text=True)
        if imported.returncode not in (0, 4):
            raise SystemExit(f"catalog import failed ({imported.returncode}): {imported.stdout}{imported.stderr}")
        large_torrents = sorted(os.listdir(os.path.join(big_sample, "data")))
        for torrent in large_torrents:
            os.rename(os.path.join(big_sample, "data", torrent), os.path.join(large_dir, "volumes", "default", torrent))
        large_node = Node("node-large", large_dir, node_env, demo=False, expected_torrents=len(large_torrents),
                          torrents_to_watch=[os.path.join(big_sample, "torrents", t + ".torrent") for t in large_torrents])
        started.append(large_node)

        nginx = Nginx(work, {"small": os.path.join(small_dir, "volumes"), "large": os.path.join(large_dir, "volumes")})
        started.append(nginx)

        # URL lists: the same records, in the same (seeded, shuffled) order, for both servers.
        lists = {}
        for name, data_dir, manifest, node in (("small", small_dir, os.path.join(small_dir, "demo-sample", "sample.json"), small_node),
                                               ("large", large_dir, os.path.join(big_sample, "sample.json"), large_node)):
            volume_of = {t["name"]: t["volume"] for t in node.torrents}
            with open(manifest) as f:
                records = [r for r in json.load(f)["records"]
                           if r["collection"] in ("Scitech", "Fiction") and r["hasFile"] and r["visible"] == "" and r["zipEntry"] is None]
            if name == "large":
                records = [r for r in records if r["size"] >= args.large_min]
            records.sort(key=lambda r: r["md5"])
            random.Random(1).shuffle(records)
            for r in records:
                assert os.path.isfile(os.path.join(data_dir, "volumes", volume_of[r["torrent"]], r["torrent"], r["pathInTorrent"]))
            node_paths = [f"/files/{r['md5']}" for r in records]
            nginx_paths = [f"/{name}/{volume_of[r['torrent']]}/{r['torrent']}/{r['pathInTorrent']}" for r in records]
            sizes = sorted(r["size"] for r in records)
            lists[name] = {"node": node, "records": len(records), "bytes": sum(sizes), "min": sizes[0], "median": sizes[len(sizes) // 2], "max": sizes[-1],
                           "files": {}}
            for server, paths in (("node", node_paths), ("nginx", nginx_paths)):
                path = os.path.join(work, f"urls-{name}-{server}.txt")
                with open(path, "w") as f:
                    f.write("\n".join(paths) + "\n")
                lists[name]["files"][server] = path
            print(f"{name}: {len(records)} files, {sum(sizes):,} bytes, sizes {sizes[0]:,} / {sizes[len(sizes) // 2]:,} / {sizes[-1]:,} (min / median / max); verifying ...", flush=True)
            md5s = [r["md5"] for r in records]
            verify(node.base, node_paths, md5s)
            verify(nginx.base, nginx_paths, md5s)

        results = {}
        for name in sets:
            servers = {"node": lists[name]["node"], "nginx": nginx}
            for server_name, server in servers.items():  # warm-up, not recorded: the node's JIT tiers up
                wrk(server, lists[name]["files"][server_name], 16, 5, work)
            for connections in connection_counts:
                cell = results.setdefault(name, {}).setdefault(str(connections), {"node": [], "nginx": []})
                for rep in range(args.reps):
                    order = ["node", "nginx"] if rep % 2 == 0 else ["nginx", "node"]
                    for server_name in order:
                        r = wrk(servers[server_name], lists[name]["files"][server_name], connections, args.duration, work)
                        cell[server_name].append(r)
                        print(f"  {name:<5} c={connections:<3} {server_name:<5} run {rep + 1}: {r['mbps']:8.1f} MB/s {r['rps']:9.1f} req/s  "
                              f"p50 {r['p50_us'] / 1000:8.2f} ms  p99 {r['p99_us'] / 1000:8.2f} ms  errors {r['errors']}  "
                              f"server CPU {r['server_cpu_s']:.1f} s", flush=True)

        report = make_report(args, lists, results, nginx.version)
        for name in lists:
            del lists[name]["node"]
        write_results("serve" + (f"-{args.label}" if args.label else ""), report,
                      {"lists": lists, "results": results, "node_env": node_env, "duration": args.duration, "reps": args.reps,
                       "nginx": nginx.version, "commit": git_state()})
    finally:
        for server in reversed(started):
            try:
                server.stop()
            except Exception as e:  # noqa: BLE001 - keep stopping the others
                print(f"stopping {server}: {e}", file=sys.stderr)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


def git_state():
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src"], capture_output=True, text=True).stdout.strip()
    return head + (" with uncommitted changes in src/" if dirty else "")


def make_report(args, lists, results, nginx_version):
    def best(runs):
        return max(runs, key=lambda r: r["rps"])

    lines = [
        f"Node (commit {git_state()}){' with ' + ' '.join(args.node_env) if args.node_env else ''} against {nginx_version}, loopback, "
        f"wrk {args.duration} s a run, {args.reps} runs per cell alternating the servers; the better run by requests/s is shown, "
        f"errors are summed over all runs. {os.cpu_count()} cores shared by wrk and the server.",
        "",
    ]
    for name in results:
        l = lists[name]
        lines += [f"{name}: {l['records']} files, {l['bytes'] / 1e6:.0f} MB, sizes {l['min'] / 1e3:,.1f} / {l['median'] / 1e3:,.1f} / {l['max'] / 1e3:,.1f} KB (min / median / max)", ""]
    lines += ["| files | clients | server | MB/s | req/s | p50 ms | p99 ms | errors | server CPU s/GB | MB/s vs nginx | p99 vs nginx |",
              "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, cells in results.items():
        for connections, cell in cells.items():
            n, x = best(cell["node"]), best(cell["nginx"])
            for server_name, r in (("node", n), ("nginx", x)):
                errors = sum(run_["errors"] for run_ in cell[server_name])
                ratio = f"{n['mbps'] / x['mbps'] * 100:.0f}%" if server_name == "node" else ""
                p99 = f"{n['p99_us'] / x['p99_us']:.2f}x" if server_name == "node" else ""
                lines.append(f"| {name} | {connections} | {server_name} | {r['mbps']:.0f} | {r['rps']:.0f} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | "
                             f"{errors} | {r['server_cpu_per_gb']:.2f} | {ratio} | {p99} |")
    lines += ["", "All runs (MB/s, p99 ms):", ""]
    for name, cells in results.items():
        for connections, cell in cells.items():
            for server_name, runs in cell.items():
                lines.append(f"- {name} c={connections} {server_name}: " + ", ".join(f"{r['mbps']:.0f} MB/s p99 {r['p99_us'] / 1000:.2f} ms" for r in runs))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
