"""The growth scenario (bash bench/run.sh --scale): the same requests on the same extensions, first
in the bench's small database, then after 100 organizations with 10,000 extensions and 1,000,000
events have been added around them; latency side by side, and bulk delete per event at both sizes.

SQLite only. The rows go straight into the database the server's migrations made (as the other
scenarios seed), with valid data: accounts of the hierarchy's kinds under the demo's service
provider, extensions owned by users of their organization, events with host-name URLs that are
never delivered to (no report names them). The server is restarted between the two phases, so
both start with the same caches.
"""
import json
import os
import random
import sqlite3
import subprocess
import time

import load
from load import LoadSpec
from processes import request
from scenarios import BULK_EXTENSION, CREATE_EXTENSIONS, DELETE_EXTENSION, LIST_EXTENSION, PREFIX
from stores import ALPHANUMERIC, MODIFIED, SqliteStore, event_ids

ORGANIZATIONS = 100
USERS_PER_ORGANIZATION = 10
EXTENSIONS_PER_ORGANIZATION = 100
EVENTS_PER_EXTENSION = 100        # 100 × 100 × 100 = 1,000,000
LIST_EVENTS = 10_000              # on LIST_EXTENSION, in both phases
OTHER_EXTENSION = "0004*210"      # organization 0004's: the denied cross-organization request
OTHER_EVENTS = 100
# Delete one takes a different event per request; the pool per phase must outlast its warm-up
# and its measured run: at most this many deletes per second (about twice what 2 cores do), a
# third of the pool for the warm-up. Run out, every further request answers 404 (counted as errors).
DELETE_RATE_BOUND = 25_000
BULK_SIZES = [1_000, 10_000, 100_000]
TARGET = 1.5
CREATED = "2026-12-01 10:00:00.0000000+00:00"


def _organization(n):
    return f"org-scale-{n:03d}", f"{100 + n:04d}"


def seed_growth(path):
    """The 100 organizations, their users and extensions, and 1,000,000 events: one transaction per organization."""
    rng = random.Random(12)
    started = time.perf_counter()
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=ON")
        # Seeding only: a page cache that holds the growing indexes (a million random ids), and no
        # fsync per organization (the bench's own rows; the server's durability is not in question).
        db.execute("PRAGMA cache_size=-262144")
        db.execute("PRAGMA synchronous=OFF")
        (provider,) = db.execute("SELECT id FROM accounts WHERE kind = 1 ORDER BY created_at LIMIT 1").fetchone()
        for n in range(ORGANIZATIONS):
            org, code = _organization(n)
            db.execute("BEGIN")
            db.execute("INSERT INTO accounts (id, kind, parent_id, name, organization_code, organization_id, "
                       "phone_call_events_denied, created_at) VALUES (?, 2, ?, ?, ?, ?, 0, ?)",
                       (org, provider, f"Scale Organization {code}", code, org, CREATED))
            users = [f"user-scale-{n:03d}-{u:02d}" for u in range(USERS_PER_ORGANIZATION)]
            db.executemany("INSERT INTO accounts (id, kind, parent_id, name, organization_code, organization_id, "
                           "phone_call_events_denied, created_at) VALUES (?, 3, ?, ?, NULL, ?, 0, ?)",
                           [(u, org, f"User {u}", org, CREATED) for u in users])
            db.executemany("INSERT INTO extensions (number, type, organization_id, owner_id, created_at) VALUES (?, 0, ?, ?, ?)",
                           [(f"{code}*{200 + x}", org, users[x % len(users)], CREATED) for x in range(EXTENSIONS_PER_ORGANIZATION)])
            extensions = [row[0] for row in db.execute("SELECT id FROM extensions WHERE organization_id = ?", (org,))]
            db.executemany(
                "INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, modified) "
                "VALUES (?, ?, ?, 1, ?, 1, 'seeded by bench (scale)', ?)",
                (("".join(rng.choices(ALPHANUMERIC, k=30)), extension, e % 4, f"https://crm.example.com/hooks/{code}/{e}", MODIFIED)
                 for extension in extensions for e in range(EVENTS_PER_EXTENSION)))
            db.execute("COMMIT")
        counts = db.execute("SELECT (SELECT count(*) FROM extensions), (SELECT count(*) FROM phone_call_events), "
                            "(SELECT count(*) FROM accounts WHERE kind = 2)").fetchone()
    finally:
        db.close()
    return {"seconds": time.perf_counter() - started, "extensions": counts[0], "events": counts[1], "organizations": counts[2]}


def _lines(work, name, lines):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _specs(ctx, phase, tokens, list_rows, other_rows):
    """What each scenario sends; the same requests in both phases (the delete pool is fresh per phase)."""
    store, work = ctx.store, ctx.work
    ids = _lines(work, "scale-ids.txt", [f"{t}/{i}" for i, t in list_rows])
    for number in CREATE_EXTENSIONS:
        store.clear_events(store.extension_id(number))
    args = ctx.args
    size = DELETE_RATE_BOUND * max(args.seconds, args.warmup * 2) * 3 // 2
    pool = [(i, n % 4) for n, i in enumerate(event_ids(size, seed=20 + phase))]
    delete_extension = store.extension_id(DELETE_EXTENSION)
    store.clear_events(delete_extension)
    store.seed_events(delete_extension, pool)
    half = len(pool) // 3
    body = json.dumps({"type": "0", "method": "1", "url": "https://crm.example.com/hooks/calls", "note": "bench create"})
    user_prefix = PREFIX.replace("@me", "user-0003-ana")
    return [
        ("get one", LoadSpec("GET", PREFIX.format(extension=LIST_EXTENSION), ids=ids, wrap=True, token=tokens["user"]), 200),
        ("list 20 of 10k", LoadSpec("GET", PREFIX.format(extension=LIST_EXTENSION) + "?count=20", token=tokens["user"]), 200),
        ("create", LoadSpec("POST", PREFIX.format(extension="{}"), body=body, content_type="application/json",
                            ids=_lines(work, "scale-create.txt", CREATE_EXTENSIONS), wrap=True, token=tokens["user"]), 200),
        ("delete one", LoadSpec("DELETE", PREFIX.format(extension=DELETE_EXTENSION),
                                ids=_lines(work, "scale-delete.txt", [f"{t}/{i}" for i, t in pool[half:]]),
                                warm_ids=_lines(work, "scale-delete-warm.txt", [f"{t}/{i}" for i, t in pool[:half]]),
                                token=tokens["user"]), 200),
        # The organization's token on a user's extension, the user named in the path: the context check walks the hierarchy.
        ("organization token, a user's extension (get one)",
         LoadSpec("GET", user_prefix.format(extension=LIST_EXTENSION), ids=ids, wrap=True, token=tokens["organization"]), 200),
        # Organization 0003's token on organization 0004's events: every request is refused.
        ("organization token, another organization's (denied)",
         LoadSpec("GET", PREFIX.format(extension=OTHER_EXTENSION),
                  ids=_lines(work, "scale-other.txt", [f"{t}/{i}" for i, t in other_rows]), wrap=True,
                  token=tokens["organization"]), 400),
    ]


def _probe(port, spec, expected):
    path = spec.path
    if spec.ids:
        with open(spec.warm_ids or spec.ids) as f:
            line = f.readline().strip()
        path = path.replace("{}", line, 1) if "{}" in path else f"{path}/{line}"
    headers = {"Authorization": f"Bearer {spec.token}"}
    if spec.body:
        headers["Content-Type"] = spec.content_type
    status, data, _ = request(port, spec.method, path, body=spec.body, headers=headers)
    if status != expected:
        raise RuntimeError(f"scale probe {spec.method} {path} answered {status}, not {expected}: {data[:300]!r}")
    return json.loads(data) if data else None


def _cpu_seconds(pid):
    """The server's CPU time so far (user + system): per request, a figure the machine's other load barely moves."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_http(ctx, server, phase, tokens, list_rows, other_rows, log):
    args, rows = ctx.args, []
    for title, spec, expected in _specs(ctx, phase, tokens, list_rows, other_rows):
        log(f"scale: {title} ({'small' if phase == 0 else 'scale'})")
        answer = _probe(ctx.port, spec, expected)
        if expected != 200 and answer.get("error", {}).get("code") != "extension_invalid":
            raise RuntimeError(f"the denied request answered {answer!r}")
        if args.warmup > 0:
            load.run(server.port, spec, args.warmup, args.threads, args.connections, warmup=True)
        cpu = _cpu_seconds(server.proc.pid)
        result = load.run(server.port, spec, args.seconds, args.threads, args.connections)
        result["cpu_us"] = (_cpu_seconds(server.proc.pid) - cpu) * 1e6 / max(result["requests"], 1)
        # wrk counts every answer of 400 or more as an error: the denied scenario must have only those.
        refused = result["non2xx"] if expected != 200 else 0
        result["errors"] -= refused
        if expected != 200 and refused != result["requests"]:
            raise RuntimeError(f"{title}: {result['requests'] - refused} requests were not refused")
        rows.append({"title": title, **result})
    return rows


def _run_bulk(ctx, phase, token, log):
    store, rows = ctx.store, []
    extension = store.extension_id(BULK_EXTENSION)
    auth = {"Authorization": f"Bearer {token}"}
    for size in BULK_SIZES:
        log(f"scale: bulk delete by type, {size} events ({'small' if phase == 0 else 'scale'})")
        store.clear_events(extension)
        store.seed_events(extension, [(i, 2) for i in event_ids(size, seed=30 + size)] + [(i, 1) for i in event_ids(5, seed=7)])
        status, data, seconds = request(ctx.port, "DELETE", PREFIX.format(extension=BULK_EXTENSION) + "/2", headers=auth)
        if status != 200 or len(json.loads(data)) != size or store.count_events(extension) != 5:
            raise RuntimeError(f"scale bulk delete of {size} answered {status} and left the wrong rows")
        rows.append({"rows": size, "api_s": seconds})
    store.clear_events(extension)
    return rows


def run_scale(args, work, log, server_path, context, start_server, fetch_token):
    """Both phases on one SQLite database; returns the report (markdown). main.py passes its own
    server path, Context and helpers (this module does not import main.py, which imports it)."""
    started = time.perf_counter()
    os.makedirs(work, exist_ok=True)
    store = SqliteStore(os.path.join(work, "data"))
    ctx = context(args, work, store)
    demo = subprocess.run([server_path, "demo", "--json", *store.server_args()], capture_output=True, text=True, check=True)
    ctx.credentials = json.loads(next(line for line in demo.stdout.splitlines() if line.startswith("{")))
    store.add_extensions([DELETE_EXTENSION, BULK_EXTENSION, *CREATE_EXTENSIONS], like_number=LIST_EXTENSION)
    list_rows = [(i, n % 4) for n, i in enumerate(event_ids(LIST_EVENTS, seed=1))]
    store.seed_events(store.extension_id(LIST_EXTENSION), list_rows)
    other_rows = [(i, n % 4) for n, i in enumerate(event_ids(OTHER_EVENTS, seed=5))]
    store.seed_events(store.extension_id(OTHER_EXTENSION), other_rows)
    phases, seeded = [], None
    for phase in (0, 1):
        if phase == 1:
            log("scale: seeding 100 organizations, 10,000 extensions, 1,000,000 events")
            seeded = seed_growth(store.path)
            log(f"scale: seeded in {seeded['seconds']:.0f} s")
        server = start_server(ctx, "Process")
        try:
            ctx.token = fetch_token(ctx)
            tokens = {"user": ctx.token, "organization": fetch_token(ctx, app="organization")}
            phases.append({"http": _run_http(ctx, server, phase, tokens, list_rows, other_rows, log),
                           "bulk": _run_bulk(ctx, phase, ctx.token, log)})
        finally:
            server.stop()
    return render(args, phases, seeded, time.perf_counter() - started)


def _ms(us):
    return f"{us / 1000:.2f}"


def render(args, phases, seeded, wall):
    small, scale = phases
    lines = [
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average at the end: "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        f"command: `{os.environ.get('BENCH_COMMAND', 'python3 bench/harness/main.py --scale')}`",
        f"load: wrk -t{args.threads} -c{args.connections}, {args.warmup} s warm-up then {args.seconds} s measured, loopback; "
        f"scale = the small database plus {seeded['organizations'] - 2:,} organizations, {seeded['extensions']:,} extensions "
        f"and {seeded['events']:,} events in all (seeded in {seeded['seconds']:.0f} s)",
        "",
        "| scenario | small req/s | small p50 ms | small p99 ms | scale req/s | scale p50 ms | scale p99 ms | p50 ratio | p99 ratio "
        "| server CPU µs/request small → scale | ratio | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a, b in zip(small["http"], scale["http"]):
        r50, r99 = b["p50_us"] / max(a["p50_us"], 1), b["p99_us"] / max(a["p99_us"], 1)
        mark = lambda r: " ✓" if r <= TARGET else " ✗"  # noqa: E731
        lines.append(f"| {a['title']} | {a['rps']:,.0f} | {_ms(a['p50_us'])} | {_ms(a['p99_us'])} | {b['rps']:,.0f} | "
                     f"{_ms(b['p50_us'])} | {_ms(b['p99_us'])} | {r50:.2f}×{mark(r50)} | {r99:.2f}×{mark(r99)} | "
                     f"{a['cpu_us']:.0f} → {b['cpu_us']:.0f} | {b['cpu_us'] / max(a['cpu_us'], 1e-9):.2f}× | "
                     f"{a['errors'] + b['errors']} |")
    lines += ["", f"Target: scale within {TARGET}× of small. Server CPU per request: the server's user + system time "
                  "during the measured run ÷ its requests (on a loaded machine the latencies mostly measure the wait "
                  "for a core; this does not). Errors = socket errors + unexpected answers (must be 0); "
                  "the denied scenario's answers are all 400 `extension_invalid`, as documented.", "",
              "| bulk delete by type | small ms | small µs/event | scale ms | scale µs/event |", "|---:|---:|---:|---:|---:|"]
    for a, b in zip(small["bulk"], scale["bulk"]):
        lines.append(f"| {a['rows']:,} | {a['api_s'] * 1000:.1f} | {a['api_s'] * 1e6 / a['rows']:.1f} | "
                     f"{b['api_s'] * 1000:.1f} | {b['api_s'] * 1e6 / b['rows']:.1f} |")
    lines += ["", f"Whole run: {wall:.0f} s."]
    return "\n".join(lines) + "\n"
