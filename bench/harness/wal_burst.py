"""The bulk delete after a write burst (bench/README.md, perf-uapi): the wait that the bulk scenario
showed at times, made to happen every time.

A burst of writes that readers keep from restarting the write-ahead log leaves it large (the delete-one
load grows it by about 100 MB/s); once a checkpoint has copied all of it back, the next write
transaction restarts the log from its start. This writes such a log on purpose (one transaction
from this process rewriting `--burst-mib` of rows), waits until it has all been checkpointed, then times
bulk deletes through the API, the first of which is the write that restarts the log, and
prints the log's size before and after each.

    bash bench/run.sh  # once, for the published server and the baseline (or: dotnet publish as run.sh does)
    python3 bench/harness/wal_burst.py [--burst-mib 1024] [--port 19000] [--durability Process]
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from main import SERVER, Context, fetch_token, free_ports, start_server  # noqa: E402
from processes import request  # noqa: E402
from scenarios import BULK_EXTENSION, DELETE_EXTENSION, LIST_EXTENSION, PREFIX  # noqa: E402
from stores import SqliteStore, event_ids  # noqa: E402


def wal_size(store):
    try:
        return os.path.getsize(store.path + "-wal")
    except FileNotFoundError:
        return 0


def wait_until_checkpointed(db):
    """Until the server's background checkpoint (helped by this one) has copied the whole log back."""
    while True:
        busy, log_frames, checkpointed = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if log_frames == checkpointed:
            return
        time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst-mib", type=int, default=1024, help="size of the write burst (MiB of log)")
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--durability", default="Process")
    parser.add_argument("--rounds", type=int, default=3, help="bursts, each followed by the timed deletes")
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="callevents-walburst-")
    store = SqliteStore(os.path.join(work, "data"))
    args = argparse.Namespace(port=free_ports(options.port, 1)[0], server_arg=[])
    ctx = Context(args, work, store)
    demo = subprocess.run([SERVER, "demo", "--json", *store.server_args()], capture_output=True, text=True, check=True)
    ctx.credentials = json.loads(next(line for line in demo.stdout.splitlines() if line.startswith("{")))
    store.add_extensions([DELETE_EXTENSION, BULK_EXTENSION], like_number=LIST_EXTENSION)
    server = start_server(ctx, options.durability)
    try:
        ctx.token = fetch_token(ctx)
        auth = {"Authorization": f"Bearer {ctx.token}"}
        bulk, filler = store.extension_id(BULK_EXTENSION), store.extension_id(DELETE_EXTENSION)
        store.seed_events(bulk, [(i, 2) for i in event_ids(10, seed=8)])
        request(ctx.port, "DELETE", PREFIX.format(extension=BULK_EXTENSION) + "/2", headers=auth)  # warm the path
        rows = options.burst_mib * 1024 * 1024 // 4096
        with sqlite3.connect(store.path, timeout=30, isolation_level=None) as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, modified) "
                           "VALUES (?, ?, 0, 1, 'https://crm.example.com/h', 1, ?, '2026-11-29T10:00:00+00:00')",
                           ((i, filler, "n" * 3500) for i in event_ids(rows, seed=300)))
            db.execute("COMMIT")
            wait_until_checkpointed(db)
        for round_ in range(options.rounds):
            store.clear_events(bulk)
            store.seed_events(bulk, [(i, 2) for i in event_ids(1000, seed=100 + round_)]
                              + [(i, 1) for i in event_ids(1000, seed=200 + round_)])
            # The burst: one transaction that rewrites every filler row (3.5 KB notes, about one page
            # each), so that nothing can restart the log until it has been written and checkpointed,
            # and the database file does not grow (as under the delete-one load).
            db = sqlite3.connect(store.path, timeout=30, isolation_level=None)
            db.execute("UPDATE phone_call_events SET note = ? WHERE extension_id = ?", (str(round_) * 3500, filler))
            wait_until_checkpointed(db)
            db.close()
            before = wal_size(store)
            times = []
            for label, suffix in (("by type", "/2"), ("all", "")):
                status, data, seconds = request(ctx.port, "DELETE", PREFIX.format(extension=BULK_EXTENSION) + suffix, headers=auth)
                if status != 200 or len(json.loads(data)) != 1000:
                    raise RuntimeError(f"delete {label} answered {status}")
                times.append(f"{label} 1,000: {seconds * 1000:.1f} ms (log {wal_size(store) / 2**20:,.0f} MiB after)")
            print(f"round {round_ + 1}: log {before / 2**20:,.0f} MiB, all checkpointed; " + "; ".join(times), flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
