#!/usr/bin/env python3
"""Catalogue benchmark (run through bench/catalog/run.sh).

1. One generated libgen.sql with N `updated` rows (default 1,000,000; `sample create --no-data`).
2. Dump -> searchable catalogue, wall time of each whole job:
     ours     libcluster catalog import libgen.sql --db catalog.db  (records, descriptions, FTS5 index)
     MariaDB  mysql < libgen.sql, then ALTER TABLE updated ADD FULLTEXT(Title, Author)  (MyISAM, as LibGen runs it)
3. Search latency over a fixed query set drawn from the catalogue (words, phrases, authors, ISBNs,
   MD5s, typos): ours in process through the search API (count, facets and a page of 20 included);
   MariaDB's server-side time per statement (SHOW PROFILES) for MATCH ... AGAINST and for LIKE '%...%',
   LIMIT 20, so its client and protocol cost nothing.
Only 127.0.0.1 / a Unix socket are used. Results go to stdout and bench/results/catalog.{md,json}.
"""
import argparse, sys, json, os, random, re, shutil, sqlite3, statistics, subprocess, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from benchlib import CLI, ROOT, run, wall, write_results  # noqa: E402

SEARCH = ["dotnet", os.path.join(ROOT, "artifacts/bench-search/LibraryCluster.Bench.Search.dll")]


class Mariadb:
    def __init__(self, work):
        self.dir = os.path.join(work, "mariadb")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.socket = os.path.join(self.dir, "sock")
        run(["mariadb-install-db", "--no-defaults", f"--datadir={self.dir}/data", "--user=root", "--auth-root-authentication-method=normal"])
        self.process = subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--datadir={self.dir}/data", "--user=root", "--bind-address=127.0.0.1", "--port=13306",
             f"--socket={self.socket}", "--skip-grant-tables", "--key-buffer-size=2G", "--max-allowed-packet=256M",
             "--myisam-sort-buffer-size=512M"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            if os.path.exists(self.socket) and subprocess.run(self.client() + ["-e", "select 1"], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        self.version = run(self.client() + ["-N", "-e", "select version()"]).stdout.strip()
        run(self.client() + ["-e", "create database lg"])

    def client(self, database=None):
        return ["mariadb", f"--socket={self.socket}", "--batch"] + ([database] if database else [])

    def load(self, dump):
        with open(dump, "rb") as f:
            start = time.perf_counter()
            subprocess.run(self.client("lg"), stdin=f, check=True, capture_output=True)
            loaded = time.perf_counter() - start
        start = time.perf_counter()
        run(self.client("lg") + ["-e", "ALTER TABLE updated ADD FULLTEXT INDEX ft (Title, Author)"])
        return loaded, time.perf_counter() - start

    def profile(self, statements):
        """Server-side seconds per statement, 90 at a time (SHOW PROFILES keeps at most 100)."""
        durations = []
        for i in range(0, len(statements), 90):
            chunk = statements[i:i + 90]
            script = "SET profiling_history_size = 100; SET profiling = 1;\n" + "\n".join(chunk) + "\nSHOW PROFILES;\n"
            out = run(self.client("lg") + ["-N"], input=script).stdout.splitlines()
            rows = [l.split("\t") for l in out if re.match(r"^\d+\t[\d.]+\t", l)]
            # Skip the two SET statements' profiles; keep one duration per benchmark statement.
            durations += [float(r[1]) for r in rows if not r[2].startswith("SET ")][-len(chunk):]
        return durations

    def stop(self):
        self.process.terminate()
        self.process.wait(60)


def sql_string(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def make_queries(db, count, seed=20261121):
    rnd = random.Random(seed)
    con = sqlite3.connect(db)
    n = con.execute("select count(*) from records").fetchone()[0]
    def sample(k):
        rows = []
        while len(rows) < k:
            key = rnd.randrange(1, n + 1)
            row = con.execute("select title, author, isbns, md5 from records where id = ? and visible = ''", (key,)).fetchone()
            if row and row[0]:
                rows.append(row)
        return rows
    words = lambda title: [w for w in re.findall(r"\w+", title.lower()) if len(w) >= 3]
    queries = []
    share = {"word": 0.33, "phrase": 0.17, "author": 0.17, "isbn": 0.12, "md5": 0.12, "typo": 0.09}
    for kind, fraction in share.items():
        for title, author, isbns, md5 in sample(max(1, round(count * fraction))):
            w = words(title) or ["book"]
            if kind == "word":
                text = rnd.choice(w)
            elif kind == "phrase":
                i = rnd.randrange(max(1, len(w) - 1))
                text = '"' + " ".join(w[i:i + 2]) + '"'
            elif kind == "author":
                text = author.split(",")[0].split(";")[0].strip() or rnd.choice(w)
            elif kind == "isbn":
                isbn = (isbns.split() or ["9780000000002"])[0]
                text = f"{isbn[:3]}-{isbn[3]}-{isbn[4:7]}-{isbn[7:12]}-{isbn[12]}" if rnd.random() < 0.5 else isbn
            elif kind == "md5":
                text = md5
            else:
                word = max(w, key=len)
                i = rnd.randrange(len(word))
                text = word[:i] + rnd.choice("aeiouxz") + word[i + 1:]
            queries.append({"kind": kind, "text": text})
    return queries


def mariadb_statements(queries):
    match, like = [], []
    for q in queries:
        text, kind = q["text"], q["kind"]
        if kind == "md5":
            statement = f"SELECT ID, Title FROM updated WHERE MD5 = {sql_string(text)} LIMIT 20;"
            match.append(statement)
            like.append(statement)
            continue
        if kind == "isbn":
            digits = text.replace("-", "")
            match.append(f"SELECT ID, Title FROM updated WHERE MATCH(Title, Author) AGAINST ({sql_string(digits)}) OR IdentifierWODash LIKE {sql_string('%' + digits + '%')} LIMIT 20;")
            like.append(f"SELECT ID, Title FROM updated WHERE IdentifierWODash LIKE {sql_string('%' + digits + '%')} LIMIT 20;")
            continue
        bare = text.strip('"')
        mode = " IN BOOLEAN MODE" if kind == "phrase" else ""
        match.append(f"SELECT ID, Title, Author FROM updated WHERE MATCH(Title, Author) AGAINST ({sql_string(text)}{mode}) LIMIT 20;")
        like.append(f"SELECT ID, Title, Author FROM updated WHERE Title LIKE {sql_string('%' + bare + '%')} OR Author LIKE {sql_string('%' + bare + '%')} LIMIT 20;")
    return match, like


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="lc-bench-catalog-")
    sample = os.path.join(work, "sample")
    if not os.path.exists(os.path.join(sample, "dumps", "libgen.sql")):
        shutil.rmtree(sample, ignore_errors=True)
        run(CLI + ["sample", "create", "--out", sample, "--books", str(args.books), "--no-data", "--seed", "1"])
    dump = os.path.join(sample, "dumps", "libgen.sql")
    size = os.path.getsize(dump)
    print(f"dump: {dump}, {size:,} bytes, {args.books:,} updated rows", flush=True)

    db = os.path.join(work, "catalog.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    ours_import = wall(CLI + ["catalog", "import", dump, "--db", db])
    print(f"ours: import + FTS5 index {ours_import:.1f} s", flush=True)

    maria = Mariadb(work)
    try:
        maria_load, maria_fulltext = maria.load(dump)
        print(f"MariaDB {maria.version}: load {maria_load:.1f} s, FULLTEXT {maria_fulltext:.1f} s", flush=True)

        queries = make_queries(db, args.queries)
        query_file = os.path.join(work, "queries.jsonl")
        with open(query_file, "w") as f:
            f.write("\n".join(json.dumps(q) for q in queries) + "\n")
        ours_out = os.path.join(work, "ours.json")
        run(SEARCH + [db, query_file, ours_out, "5"])
        ours = json.load(open(ours_out))
        match, like = mariadb_statements(queries)
        maria.profile(match[:20])  # warm the key cache and table pages
        match_ms = [d * 1000 for d in maria.profile(match)]
        like_ms = [d * 1000 for d in maria.profile(like)]
    finally:
        maria.stop()

    ours_ms = [q["milliseconds"] for q in ours]
    by_kind = {}
    for q, m, l in zip(ours, match_ms, like_ms):
        by_kind.setdefault(q["kind"], []).append((q["milliseconds"], m, l))

    maria_total = maria_load + maria_fulltext
    lines = [
        f"Dump: generated libgen.sql, {args.books:,} `updated` rows (plus {args.books // 2:,} `description` rows), {size / 1e6:.0f} MB; 2 cores.",
        f"MariaDB {maria.version} (MyISAM, key_buffer 2 GB); ours: libcluster (SQLite 3.50 bundled with Microsoft.Data.Sqlite 10.0.14, FTS5).",
        "",
        "| dump -> searchable catalogue | seconds |",
        "| --- | ---: |",
        f"| ours: `catalog import` (records, descriptions, ISBN index, FTS5) | {ours_import:.1f} |",
        f"| MariaDB: `mysql < libgen.sql` | {maria_load:.1f} |",
        f"| MariaDB: `ALTER TABLE updated ADD FULLTEXT(Title, Author)` | {maria_fulltext:.1f} |",
        f"| MariaDB total | {maria_total:.1f} |",
        f"| **ours faster by** | **{maria_total / ours_import:.1f}x** (target >= 10x) |",
        "",
        f"Search latency over {len(queries)} queries (ms):",
        "",
        "| engine | p50 | p90 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, values in (("ours (FTS5, with count, facets and page)", ours_ms), ("MariaDB MATCH ... AGAINST, LIMIT 20", match_ms), ("MariaDB LIKE '%...%', LIMIT 20", like_ms)):
        lines.append(f"| {name} | {percentile(values, 50):.2f} | {percentile(values, 90):.2f} | {percentile(values, 99):.2f} | {max(values):.2f} |")
    lines += ["", "| kind | queries | ours p50 / p99 | MATCH p50 / p99 | LIKE p50 / p99 |", "| --- | ---: | ---: | ---: | ---: |"]
    for kind, rows in by_kind.items():
        o, m, l = zip(*rows)
        lines.append(f"| {kind} | {len(rows)} | {percentile(o, 50):.2f} / {percentile(o, 99):.2f} | {percentile(m, 50):.2f} / {percentile(m, 99):.2f} | {percentile(l, 50):.2f} / {percentile(l, 99):.2f} |")
    lines += ["", f"p99: ours {percentile(ours_ms, 99):.2f} ms (target < 20 ms); MariaDB FULLTEXT / ours = {percentile(match_ms, 99) / percentile(ours_ms, 99):.1f}x (target >= 10x); "
              f"LIKE / ours = {percentile(like_ms, 99) / percentile(ours_ms, 99):.1f}x.",
              f"Broad queries answered from their newest {1000:,} matches (counts flagged as estimates): {sum(1 for q in ours if not q['totalIsExact'])} of {len(ours)}."]
    write_results("catalog", "\n".join(lines), {"import": {"ours": ours_import, "mariadb_load": maria_load, "mariadb_fulltext": maria_fulltext},
                   "queries": [dict(q, ours_ms=o, match_ms=m, like_ms=l) for q, o, m, l in zip(queries, ours_ms, match_ms, like_ms)]})
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
