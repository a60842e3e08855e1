"""Healing throughput against curl from nginx (bench/heal/run.sh). Writes bench/results/heal.{md,json}."""
import argparse, json, os, resource, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from benchlib import ROOT, children, cpu_seconds, free_port, wait_until  # noqa: E402


def commit():
    """The commit measured, with + when the work tree had changes."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return head + ("+" if dirty else "")


def psql(env, sql):
    pg = sorted(os.listdir("/usr/lib/postgresql"))[-1]
    return subprocess.run([f"/usr/lib/postgresql/{pg}/bin/psql", "-h", "127.0.0.1", "-p", env["PG_PORT"], "-U", "librarycluster",
                           "-d", "librarycluster", "-tAc", sql], capture_output=True, text=True, check=True).stdout.strip()


def busy_seconds():
    """CPU seconds the whole machine has spent busy (all processes, all cores) since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def node_pid(env, i):
    with open(os.path.join(env["DIR"], f"node{i}", "pid")) as f:
        return int(f.read())


def heal_again_warm(env, sender, receiver, perf_file=None):
    """Deletes node 2's fullest volume and times the copies being made again on its other one (both nodes warm now)."""
    rows = psql(env, "SELECT r.volume, sum(t.size), count(*) FROM replicas r JOIN torrents t ON t.name = r.torrent "
                     "WHERE r.node='node2' AND r.state='Healthy' GROUP BY r.volume ORDER BY 2 DESC LIMIT 1").split("|")
    volume, size, count = rows[0], int(rows[1]), int(rows[2])
    after = int(psql(env, "SELECT coalesce(max(seq), 0) FROM journal"))
    subprocess.run("sync; echo 3 > /proc/sys/vm/drop_caches", shell=True, check=False)
    print(f"warm: node 2's volume {volume} ({count} copies, {size:,} bytes) fails; node 2 heals again ...", flush=True)
    perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", perf_file, "-p", f"{sender},{receiver}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if perf_file else None
    cpu = (cpu_seconds([sender]), cpu_seconds([receiver]))
    machine = busy_seconds()
    load = os.getloadavg()[0]
    # The node's volume probe writes and deletes a canary file there meanwhile: delete until the folder is gone.
    folder = os.path.join(env["DIR"], "node2", "volumes", volume.rsplit("/", 1)[-1])
    wait_until(lambda: shutil.rmtree(folder, ignore_errors=True) or not os.path.exists(folder), 10, f"{folder} to be deleted", interval=0.01)
    # Healthy again: as many copies on node 2 Healthy, each made again after the failure (Fetching -> Healthy after `after`).
    wait_until(lambda: int(psql(env, f"SELECT count(DISTINCT torrent) FROM journal WHERE node='node2' AND seq > {after} "
                                     "AND from_state='Fetching' AND to_state='Healthy'")) == count, 900, "node2 to heal again")
    cpu = (cpu_seconds([sender]) - cpu[0], cpu_seconds([receiver]) - cpu[1])
    machine = busy_seconds() - machine
    if perf:
        perf.send_signal(signal.SIGINT)
        perf.wait()
    first = int(psql(env, f"SELECT min(at) FROM journal WHERE node='node2' AND seq > {after} AND to_state='Fetching'"))
    last = int(psql(env, f"SELECT max(at) FROM journal WHERE node='node2' AND seq > {after} AND from_state='Fetching' AND to_state='Healthy'"))
    seconds = (last - first) / 1000
    return {"torrents": count, "bytes": size, "node_copy_seconds": round(seconds, 2), "node_mb_s": round(size / 1e6 / seconds, 1),
            "load_1min": round(load, 2), "other_cpu_s_during_copy": round(machine - cpu[0] - cpu[1], 1),
            "cpu_s_per_gb": {"node1_sending": round(cpu[0] / (size / 1e9), 2), "node2_receiving": round(cpu[1] / (size / 1e9), 2)}}


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--size-scale", default="0.5")
    args.add_argument("--books", default="400")
    # Throttles off, as the issue measures it: as many transfers at once as there are torrents (4 by default), and
    # curl keeps as many files in flight.
    args.add_argument("--transfers", default="4")
    # Where to write a `perf record` of both nodes during the copy (their JIT code is named through perf maps); with
    # --warm the second heal's goes to FILE.warm.
    args.add_argument("--perf", default=None)
    # After the cold heal, also time a second one by the same, now warm, nodes: node 2's fullest volume fails and its
    # copies are made again on its other volume from node 1 (as a long-lived node that has healed before would).
    args.add_argument("--warm", action="store_true")
    a = args.parse_args()
    work = tempfile.mkdtemp(prefix="lc-bench-heal-")
    os.chmod(work, 0o755)  # PostgreSQL runs as its own user and must reach its folder
    env = dict(os.environ, DIR=os.path.join(work, "cluster"), BASE_PORT=str(free_port() - 1), PG_PORT=str(free_port()),
               BOOKS=a.books, FICTION="0", SCIMAG="0", SIZE_SCALE=a.size_scale, PIECE_LENGTH="1048576", RF="2",
               Cluster__MaxConcurrentTransfers=a.transfers, **({"DOTNET_PerfMapEnabled": "1"} if a.perf else {}))
    cluster = os.path.join(ROOT, "scripts", "cluster.sh")
    nginx = None
    try:
        print("node 1 alone: generating the sample and adopting it ...", flush=True)
        subprocess.run([cluster, "up", "1"], env=env, check=True)
        # Every torrent of the sample, not just those registered so far (node 1 takes them from its watch folder one by one;
        # alone, it may keep a torrent's two copies on its two volumes, so torrents are counted, not replicas).
        expected = len([f for f in os.listdir(os.path.join(env["DIR"], "sample", "torrents")) if f.endswith(".torrent")])
        if expected == 0:
            raise SystemExit("the sample has no torrents: see the output of scripts/cluster.sh above")
        wait_until(lambda: int(psql(env, "SELECT count(DISTINCT torrent) FROM replicas WHERE node='node1' AND state='Healthy'") or 0) == expected, 600, "node1 to hold everything")
        # The cluster's torrent list can trail node 1's replicas: wait until it has them all too.
        wait_until(lambda: int(psql(env, "SELECT count(*) FROM torrents") or 0) == expected, 120, "the cluster to list every torrent")
        torrents = int(psql(env, "SELECT count(*) FROM torrents"))
        total = int(psql(env, "SELECT sum(size) FROM torrents"))
        volume = os.path.join(env["DIR"], "node1", "volumes", "a")
        files = [os.path.relpath(os.path.join(d, f), volume) for d, _, fs in os.walk(volume) for f in fs]
        print(f"{torrents} torrents, {len(files)} files, {total:,} bytes on node1", flush=True)

        # The anchor: nginx serves node1's volume; curl fetches every file (as many at a time as the node's transfers) and syncs.
        port = free_port()
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""worker_processes auto; pid {work}/nginx.pid; error_log {work}/nginx-error.log; daemon off;
events {{ worker_connections 1024; }}
http {{ access_log off; sendfile on; tcp_nopush on; server {{ listen 127.0.0.1:{port}; root {volume}; }} }}""")
        nginx = subprocess.Popen(["nginx", "-c", conf, "-p", work])
        time.sleep(0.5)
        target = os.path.join(work, "curl-copy")
        subprocess.run("sync; echo 3 > /proc/sys/vm/drop_caches", shell=True, check=False)
        listing = os.path.join(work, "urls.txt")
        with open(listing, "w") as f:
            for rel in files:
                f.write(f"url = \"http://127.0.0.1:{port}/{rel}\"\noutput = \"{os.path.join(target, rel)}\"\n")
        servers = [nginx.pid] + children(nginx.pid)
        load = os.getloadavg()[0]
        nginx_cpu = cpu_seconds(servers)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        subprocess.run(["curl", "-sS", "--fail", "--create-dirs", "--parallel", "--parallel-max", a.transfers, "-K", listing], check=True)
        subprocess.run(["sync"], check=True)
        curl_seconds = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        curl_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        nginx_cpu = cpu_seconds(servers) - nginx_cpu
        shutil.rmtree(target)

        # The node: node2 joins and must hold every torrent (2 nodes, factor 2): it copies everything from node1.
        subprocess.run("sync; echo 3 > /proc/sys/vm/drop_caches", shell=True, check=False)
        print("node 2 joins and heals ...", flush=True)
        sender = node_pid(env, 1)
        sender_cpu = cpu_seconds([sender])
        start = time.monotonic()
        subprocess.run([cluster, "up", "2"], env=env, check=True, stdout=subprocess.DEVNULL)
        joined = time.monotonic() - start
        receiver = node_pid(env, 2)
        perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", a.perf, "-p", f"{sender},{receiver}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if a.perf else None
        # The receiver's CPU counts from its first Fetching entry, so that its start-up is left out.
        receiver_cpu = []
        window = []  # the machine's busy seconds and node 1's CPU when the copy started
        def fetching():
            if not receiver_cpu and psql(env, "SELECT count(*) FROM journal WHERE node='node2' AND to_state='Fetching'") != "0":
                receiver_cpu.append(cpu_seconds([receiver]))
                window.extend([busy_seconds(), cpu_seconds([sender])])
            return psql(env, "SELECT count(DISTINCT torrent) FROM replicas WHERE node='node2' AND state='Healthy'") == str(torrents)
        wait_until(fetching, 900, "node2 to heal")
        node_seconds = time.monotonic() - start
        if perf:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        receiver_cpu = cpu_seconds([receiver]) - (receiver_cpu[0] if receiver_cpu else 0)
        others = busy_seconds() - window[0] - receiver_cpu - (cpu_seconds([sender]) - window[1]) if window else None
        sender_cpu = cpu_seconds([sender]) - sender_cpu
        last = psql(env, "SELECT max(since) FROM replicas WHERE node='node2' AND state='Healthy'")
        fetch_started = psql(env, "SELECT min(at) FROM journal WHERE node='node2' AND to_state='Fetching'")
        copy_seconds = (int(last) - int(fetch_started)) / 1000
        result = {
            "torrents": torrents, "files": len(files), "bytes": total,
            "curl_seconds": round(curl_seconds, 2), "curl_mb_s": round(total / 1e6 / curl_seconds, 1),
            "node_copy_seconds": round(copy_seconds, 2), "node_mb_s": round(total / 1e6 / copy_seconds, 1),
            "node_wall_seconds_incl_start": round(node_seconds, 2), "node_start_seconds": round(joined, 2),
            # CPU seconds per GB copied: the sending and receiving side of each copy.
            "cpu_s_per_gb": {"nginx": round(nginx_cpu / (total / 1e9), 2), "curl": round(curl_cpu / (total / 1e9), 2),
                             "node1_sending": round(sender_cpu / (total / 1e9), 2), "node2_receiving": round(receiver_cpu / (total / 1e9), 2)},
        }
        result["node_vs_curl"] = round(result["node_mb_s"] / result["curl_mb_s"], 3)
        result["load_1min"] = round(load, 2)
        # Everything else the machine ran while node 2 copied (PostgreSQL, the script's polling, other people's builds
        # and tests): a run with much of it was not quiet.
        result["other_cpu_s_during_copy"] = None if others is None else round(others, 1)
        if a.warm:
            result["warm"] = heal_again_warm(env, sender, receiver, a.perf + ".warm" if a.perf else None)
            result["warm"]["node_vs_curl"] = round(result["warm"]["node_mb_s"] / result["curl_mb_s"], 3)
        print(json.dumps(result, indent=2))
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        with open(os.path.join(ROOT, "bench", "results", "heal.json"), "w") as f:
            json.dump(result, f, indent=2)
        # Every run is also appended, so that repeated runs (run.sh --runs N) can be summarised together.
        with open(os.path.join(ROOT, "bench", "results", "heal-runs.jsonl"), "a") as f:
            f.write(json.dumps(dict(result, at=time.strftime("%Y-%m-%dT%H:%M:%S"), size_scale=a.size_scale, commit=commit())) + "\n")
        with open(os.path.join(ROOT, "bench", "results", "heal.md"), "w") as f:
            f.write(f"{torrents} torrents, {len(files)} files, {total:,} bytes; node copy {copy_seconds:.2f} s = {result['node_mb_s']} MB/s; "
                    f"curl from nginx {curl_seconds:.2f} s = {result['curl_mb_s']} MB/s; node/curl = {result['node_vs_curl']:.0%}; "
                    f"CPU s/GB {result['cpu_s_per_gb']}\n")
    finally:
        if nginx:
            nginx.send_signal(signal.SIGQUIT)
        subprocess.run([cluster, "down"], env=env, check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
