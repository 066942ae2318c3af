"""The delivery queue's SQL alone, per delivery: the intake's 50-row INSERTs, the sender's claim
of 32, the recorder's fenced UPDATE … FROM (VALUES …) and the log's INSERT, each in its own
transaction as the server runs them (texts as in Dispatch/), on a copy of a database made by the
real migrations (e.g. `callevents demo --DataDirectory=DIR`), after 200,000 deliveries already
delivered (the log a running server keeps). Prints the CPU time (user + system of this process)
per delivery: a load-independent A/B of the queue's schema (bench/README.md, Deliveries (session 5)).

    python3 bench/harness/queue_sql.py new|old DIR/callevents.db /tmp/copy.db

`old` first puts back the indexes of before DeliveryIndexesByState, to compare on one database."""
import sqlite3, sys, time, random, string, shutil
schema, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.copy(src, dst)
db = sqlite3.connect(dst, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL"); db.execute("PRAGMA foreign_keys=ON")
if schema == "old":
    db.executescript("""DROP INDEX ix_deliveries_event_id_call_id; DROP INDEX ix_deliveries_finished; DROP INDEX ix_deliveries_pending;
CREATE INDEX ix_deliveries_event_id_call_id_state ON deliveries (event_id, call_id, state);
CREATE INDEX ix_deliveries_state_due_at ON deliveries (state, due_at);
CREATE INDEX ix_deliveries_state_finished_at ON deliveries (state, finished_at);""")
rid = lambda n: ''.join(random.choices(string.ascii_letters + string.digits, k=n))
random.seed(1)
hooks = [rid(30) for _ in range(8)]
for h in hooks:
    db.execute("INSERT INTO phone_call_events (id, extension_id, type, method, url, status, modified) VALUES (?, 1, 0, 1, 'http://127.0.0.1:1/hook', 1, 'x')", (h,))
payload = "CallID=x&CallerIDNum=0003*211&CallerIDName=Bench+Caller&CalledDID=&CalledExtension=0003*246&CallStatus=CALLING&CallFlow=IN&CallerExtension=0003*211&CalledNumber=246"
CLAIM = ("UPDATE deliveries SET lease_owner = :owner, leased_until = :until WHERE seq IN (SELECT d.seq FROM deliveries d"
 " WHERE d.state = 0 AND d.due_at <= :now AND (d.leased_until IS NULL OR d.leased_until <= :now)"
 " AND EXISTS (SELECT 1 FROM phone_call_events e WHERE e.id = d.event_id AND e.status = 1)"
 " AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.event_id = d.event_id AND p.call_id = d.call_id AND p.state = 0 AND p.seq < d.seq)"
 " ORDER BY d.due_at, d.seq LIMIT :limit) AND +state = 0 AND (leased_until IS NULL OR leased_until <= :now)"
 " RETURNING seq, id, event_id, call_id, kind, payload, attempts, run_attempts")
def intake(n_calls, now, tag):
    rows = [(rid(24), h, f"{tag}-{c}") for c in range(n_calls) for h in hooks]
    db.execute("BEGIN")
    for off in range(0, len(rows), 50):
        chunk = rows[off:off+50]
        sql = "INSERT INTO deliveries (id, event_id, call_id, kind, payload, state, due_at, created_at, attempts, run_attempts) VALUES " + \
            ", ".join("(?, ?, ?, 'dial-in', ?, 0, ?, ?, 0, 0)" for _ in chunk)
        db.execute(sql, [v for r in chunk for v in (r[0], r[1], r[2], payload, now, now)])
    db.execute("COMMIT")
    return len(rows)
def drain(now, limit=32, pending_max=None):
    done = 0
    while True:
        db.execute("BEGIN")
        claimed = db.execute(CLAIM, {"owner": "node", "until": now + 60000, "now": now, "limit": limit}).fetchall()
        db.execute("COMMIT")
        if not claimed: return done
        claimed.sort()
        db.execute("BEGIN")
        sql = ("WITH r(seq, owner, until, state, attempts, run_attempts, due_at, finished_at) AS (VALUES "
               + ", ".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in claimed) + ") UPDATE deliveries SET state = r.state, attempts = r.attempts,"
               " run_attempts = r.run_attempts, due_at = r.due_at, lease_owner = NULL, leased_until = NULL, finished_at = r.finished_at"
               " FROM r WHERE deliveries.seq = r.seq AND deliveries.state = 0 AND (r.owner IS NULL OR (deliveries.lease_owner = r.owner"
               " AND deliveries.leased_until = r.until)) RETURNING deliveries.seq")
        updated = db.execute(sql, [v for c in claimed for v in (c[0], "node", now + 60000, 1, 1, 1, now, now)]).fetchall()
        assert len(updated) == len(claimed)
        sql = "INSERT INTO delivery_attempts (delivery_seq, event_id, attempt, attempted_at, http_status, error, latency_ms, outcome) VALUES " + \
            ", ".join("(?, ?, 1, ?, 200, NULL, 1, 0)" for _ in claimed)
        db.execute(sql, [v for c in claimed for v in (c[0], c[2], now)])
        db.execute("COMMIT")
        done += len(claimed)
# history: 200,000 delivered (kept 7 days for the log), as a running server has; not measured
now = 1_700_000_000_000
for b in range(25):
    intake(1000, now, f"h{b}"); drain(now, limit=256)
# measured: the bench's shape, a backlog of 40 reports (32,000 deliveries) then its drain
t0 = time.process_time(); n = 0
for b in range(40):
    n += intake(100, now + 1, f"m{b}")
t1 = time.process_time()
d = drain(now + 1)
t2 = time.process_time()
assert d == n
print(f"{schema}: {n} deliveries; CPU per delivery: intake {1e6*(t1-t0)/n:.1f} µs, claim+record {1e6*(t2-t1)/n:.1f} µs, total {1e6*(t2-t0)/n:.1f} µs")
