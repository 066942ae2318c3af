"""The database behind the server: how to point the server at it, seed it, and time its own CLI.

A provider is a class with the methods of SqliteStore; PROVIDERS maps --provider to it.
PostgresStore starts its own cluster (start/stop), seeds with psql COPY and times psql's DELETE.
"""
import os
import random
import shutil
import socket
import sqlite3
import string
import subprocess
import tempfile
import time

ALPHANUMERIC = string.ascii_letters + string.digits
MODIFIED = "2026-11-29T10:00:00+00:00"


def event_ids(count, seed):
    """Random 30-character ids like the server's own (ObjectIds.NewEventId), reproducible per seed."""
    rng = random.Random(seed)
    return ["".join(rng.choices(ALPHANUMERIC, k=30)) for _ in range(count)]


class SqliteStore:
    name = "sqlite"
    durabilities = None  # every --durability mode applies

    def start(self):
        return self

    def stop(self):
        pass

    def counters(self):
        """The database's own counts to divide by a scenario's requests (PostgresStore.counters); none here."""
        return {}

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.path = os.path.join(data_dir, "callevents.db")

    def server_args(self):
        return [f"--DataDirectory={self.data_dir}"]

    def _connect(self):
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=ON")  # deleting a PhoneCallEvent deletes its queued deliveries, as in the server
        return db

    def extension_id(self, number):
        with self._connect() as db:
            row = db.execute("SELECT id FROM extensions WHERE number = ?", (number,)).fetchone()
        return row[0] if row else None

    def add_extensions(self, numbers, like_number):
        """More extensions for the owner of `like_number`, straight into the table (the CLI would
        take a process start each)."""
        with self._connect() as db:
            db.execute("BEGIN")
            for number in numbers:
                db.execute("INSERT OR IGNORE INTO extensions (number, type, organization_id, owner_id, created_at) "
                           "SELECT ?, type, organization_id, owner_id, created_at FROM extensions WHERE number = ?",
                           (number, like_number))
            db.execute("COMMIT")

    def seed_events(self, extension_id, rows):
        """rows: (id, type) pairs, inserted in one transaction (seconds taken)."""
        started = time.perf_counter()
        with self._connect() as db:
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, modified) "
                "VALUES (?, ?, ?, 1, ?, 1, 'seeded by bench', ?)",
                ((event_id, extension_id, event_type, f"https://198.51.100.7/hooks/{event_id[:8]}", MODIFIED)
                 for event_id, event_type in rows))
            db.execute("COMMIT")
        return time.perf_counter() - started

    def clear_events(self, extension_id):
        with self._connect() as db:
            db.execute("DELETE FROM phone_call_events WHERE extension_id = ?", (extension_id,))

    def count_events(self, extension_id, event_type=None):
        with self._connect() as db:
            if event_type is None:
                return db.execute("SELECT count(*) FROM phone_call_events WHERE extension_id = ?", (extension_id,)).fetchone()[0]
            return db.execute("SELECT count(*) FROM phone_call_events WHERE extension_id = ? AND type = ?",
                              (extension_id, event_type)).fetchone()[0]

    def cli_delete_seconds(self, extension_id, event_type, durability):
        """The database's own CLI running the statement the server runs (DELETE … RETURNING id),
        with the same synchronous setting; wall time of the whole sqlite3 process."""
        synchronous = "NORMAL" if durability == "Process" else "FULL"
        where = f"extension_id = {int(extension_id)}" + ("" if event_type is None else f" AND type = {int(event_type)}")
        sql = (f"PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;\n"
               f"DELETE FROM phone_call_events WHERE {where} RETURNING id;\n")
        started = time.perf_counter()
        subprocess.run(["sqlite3", self.path], input=sql.encode(), stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - started


class PostgresStore:
    """A private PostgreSQL 15 cluster started the way .ci/run does it (initdb + pg_ctl in a temp
    directory, as user postgres when run as root, loopback only, a free port from 18500), with
    PostgreSQL's own durability: fsync and synchronous_commit on, so every acknowledged write is
    on disk (Database:Durability only concerns SQLite). Seeded and timed with psql; stopped by stop()."""
    name = "postgres"
    durabilities = ["Process"]  # the server's setting does not apply; the cluster's does (see above)

    def __init__(self, data_dir, first_port=18500):
        self.data_dir = data_dir  # the server's own files (signing keys); the rows live in the cluster
        os.makedirs(data_dir, exist_ok=True)
        self.bin = next((d for d in ("/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin")
                         if os.access(os.path.join(d, "initdb"), os.X_OK) and os.access(os.path.join(d, "pg_ctl"), os.X_OK)), None)
        if self.bin is None:
            raise RuntimeError("PostgreSQL 15 (initdb, pg_ctl) not found: apt-get install postgresql-15")
        self.cluster = tempfile.mkdtemp(prefix="callevents-bench-pg-")  # its own dir: postgres must reach it
        if os.getuid() == 0:
            shutil.chown(self.cluster, "postgres")
        self.port = _free_port(first_port)
        self.started = False

    def _as_pg(self, argv):
        return (["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []) + argv

    def start(self):
        pgdata = os.path.join(self.cluster, "data")
        subprocess.run(self._as_pg([os.path.join(self.bin, "initdb"), "-D", pgdata, "-U", "postgres", "--auth=trust",
                                    "-E", "UTF8", "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
        # pg_stat_statements counts the statements per request (counters()); its cost per statement
        # is a hash lookup, small beside a loopback round trip.
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.cluster} -c max_connections=300"
                   " -c shared_preload_libraries=pg_stat_statements")
        subprocess.run(self._as_pg([os.path.join(self.bin, "pg_ctl"), "-D", pgdata, "-l",
                                    os.path.join(self.cluster, "server.log"), "-w", "-o", options, "start"]),
                       check=True, stdout=subprocess.DEVNULL)
        self.started = True
        self.psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        return self

    def counters(self):
        """Load-independent costs of the requests between two calls (bench/README.md, PostgreSQL
        (session 4)): statements run (pg_stat_statements, this query's own excluded), transactions
        ended (commits + rollbacks), WAL flushes (pg_stat_wal's wal_sync: an acknowledged write
        waits for one, maybe shared) and the cluster's CPU seconds (every process of the cluster:
        its backends, WAL writer, checkpointer, and the backends that exited meanwhile; from /proc, as
        for the server)."""
        out = self.psql("SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_%'), "
                        "(SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'postgres'), "
                        "(SELECT wal_sync FROM pg_stat_wal)")
        statements, transactions, flushes = (int(x) for x in out.split("|"))
        return {"statements": statements, "transactions": transactions, "wal_flushes": flushes,
                "db_cpu_s": self._cluster_cpu_seconds()}

    def _cluster_cpu_seconds(self):
        with open(os.path.join(self.cluster, "data", "postmaster.pid")) as f:
            postmaster = int(f.readline())
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(entry) == postmaster or int(fields[1]) == postmaster:
                total += int(fields[11]) + int(fields[12])
            if int(entry) == postmaster:
                # A backend that exited (a pooled connection closed) took its utime and stime with
                # it; the postmaster reaped it, so they are in its cutime and cstime.
                total += int(fields[13]) + int(fields[14])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.started:
            subprocess.run(self._as_pg([os.path.join(self.bin, "pg_ctl"), "-D", os.path.join(self.cluster, "data"),
                                        "-m", "fast", "-w", "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.started = False
        shutil.rmtree(self.cluster, ignore_errors=True)

    def connection_string(self):
        return f"Host=127.0.0.1;Port={self.port};Username=postgres;Database=postgres;Maximum Pool Size=100"

    def server_args(self):
        return [f"--DataDirectory={self.data_dir}", "--Database:Provider=Postgres",
                f"--Database:ConnectionString={self.connection_string()}"]

    def psql(self, sql, stdin=None):
        completed = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                                    "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql],
                                   input=stdin, capture_output=True, check=True)
        return completed.stdout.decode().strip()

    def extension_id(self, number):
        out = self.psql(f"SELECT id FROM extensions WHERE number = {_quote(number)}")
        return int(out) if out else None

    def add_extensions(self, numbers, like_number):
        values = ", ".join(f"({_quote(n)})" for n in numbers)
        self.psql("INSERT INTO extensions (number, type, organization_id, owner_id, created_at) "
                  f"SELECT v.number, e.type, e.organization_id, e.owner_id, e.created_at FROM (VALUES {values}) AS v(number) "
                  f"CROSS JOIN extensions e WHERE e.number = {_quote(like_number)} ON CONFLICT DO NOTHING")

    def seed_events(self, extension_id, rows):
        """rows: (id, type) pairs, one COPY (seconds taken)."""
        data = "".join(f"{event_id}\t{extension_id}\t{event_type}\t1\thttps://198.51.100.7/hooks/{event_id[:8]}\t1\t"
                       f"seeded by bench\t{MODIFIED}\n" for event_id, event_type in rows).encode()
        started = time.perf_counter()
        self.psql("COPY phone_call_events (id, extension_id, type, method, url, status, note, modified) FROM STDIN", stdin=data)
        seconds = time.perf_counter() - started
        # What autovacuum does within a minute (autovacuum_naptime) of this many new rows: without
        # statistics the planner takes the extension for a few rows and sorts its 10,000 for every
        # page of the list (2.5 ms instead of 0.08 ms: bench/README.md, PostgreSQL). A server's
        # database has them; a bench that measures in the minute after a COPY would not.
        self.psql("ANALYZE phone_call_events")
        return seconds

    def clear_events(self, extension_id):
        self.psql(f"DELETE FROM phone_call_events WHERE extension_id = {int(extension_id)}")

    def count_events(self, extension_id, event_type=None):
        where = f"extension_id = {int(extension_id)}" + ("" if event_type is None else f" AND type = {int(event_type)}")
        return int(self.psql(f"SELECT count(*) FROM phone_call_events WHERE {where}"))

    def cli_delete_seconds(self, extension_id, event_type, durability):
        """psql running the statement the server runs (DELETE … RETURNING id); wall time of the process."""
        where = f"extension_id = {int(extension_id)}" + ("" if event_type is None else f" AND type = {int(event_type)}")
        started = time.perf_counter()
        self.psql(f"DELETE FROM phone_call_events WHERE {where} RETURNING id")
        return time.perf_counter() - started


def _quote(text):
    return "'" + text.replace("'", "''") + "'"


def _free_port(first):
    for port in range(first, first + 200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError(f"no free loopback port from {first}")


PROVIDERS = {"sqlite": SqliteStore, "postgres": PostgresStore}
