"""The database behind the server: how to point the server at it, seed it, and time its own CLI.

A provider is a class with the methods of SqliteStore; PROVIDERS maps --provider to it.
PostgreSQL is the hook for the Scale-out work: implement PostgresStore (start a server the way
.ci/run does, seed with psql/COPY, time `psql -c "DELETE …"`) and add it to PROVIDERS.
"""
import os
import random
import sqlite3
import string
import subprocess
import time

ALPHANUMERIC = string.ascii_letters + string.digits
MODIFIED = "2026-11-29T10:00:00+00:00"


def event_ids(count, seed):
    """Random 30-character ids like the server's own (ObjectIds.NewEventId), reproducible per seed."""
    rng = random.Random(seed)
    return ["".join(rng.choices(ALPHANUMERIC, k=30)) for _ in range(count)]


class SqliteStore:
    name = "sqlite"

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
    name = "postgres"

    def __init__(self, data_dir):
        raise NotImplementedError(
            "The PostgreSQL provider is a hook for the Scale-out work: see the docstring of bench/harness/stores.py.")


PROVIDERS = {"sqlite": SqliteStore, "postgres": PostgresStore}
