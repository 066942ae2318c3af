"""The soak: a bounded mixed workload against the Release server, for --seconds (300 by default).
See bench/README.md, "Soak". Started by `bash bench/run.sh --soak` after the Release build.

Workers each own one extension (so each knows its events exactly, and every answer has one
expected status): creates, lists, gets, updates, deletes (one, and by type), delivery-log reads,
token requests, intakes on the delivery extension (whose two hooks point at a loopback receiver;
loopback is allowed for this server only), and a share of hostile requests (hostile.py). Every
answer is checked against the documented ones for its request; the server's RSS is sampled
from /proc/<pid>/status; at the end the queue must drain to the receiver.
"""
import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict

import delivery
import hostile
import soak_report
from main import DEPLOYED_ENV, SERVER, free_ports, log
from processes import Process, ok, request
from scenarios import PREFIX
from stores import PROVIDERS

# Operation weights (per 100 requests); the hostile share is --hostile, taken from the rest evenly.
WEIGHTS = {"list": 22, "create": 15, "get": 12, "update": 12, "delete one": 10, "delete by type": 2,
           "delivery log": 4, "intake": 12, "token": 3}
WORKER_EXTENSIONS = [f"0003*{n}" for n in range(260, 276)]
MAX_EVENTS = 90  # below PhoneCallEvents:MaxPerExtension (100): a create is never refused for the limit


class Context:
    def __init__(self, args, work, store):
        self.args, self.work, self.store = args, work, store
        self.port = args.port
        self.credentials = self.token = self.admin_token = None
        self.prefix = PREFIX.format(extension=WORKER_EXTENSIONS[0])
        self.hook_url = "http://127.0.0.1:9/soak"  # loopback (allowed here), never reported to: no intake on these
        self.hooks = []        # (type, id) of the delivery extension's hooks
        self.lock = threading.Lock()
        self.counts = defaultdict(Counter)  # category -> Counter of statuses ("no answer" for a transport error)
        self.bad = Counter()   # category -> unexpected answers
        self.unexpected = []   # (category, why), the first few kept for the report
        self.accepted_deliveries = 0


def parse_args():
    parser = argparse.ArgumentParser(description="CallEvents soak (bench/README.md, Soak)")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "300")))
    parser.add_argument("--rate", type=float, default=float(os.environ.get("SOAK_RATE", "100")),
                        help="requests per second offered in all (the workers are a closed loop beyond it)")
    parser.add_argument("--workers", type=int, default=8, help=f"at most {len(WORKER_EXTENSIONS)}")
    parser.add_argument("--hostile", type=float, default=0.08, help="share of hostile requests (0.05-0.10 intended)")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--provider", default="sqlite", choices=sorted(PROVIDERS))
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--out", default=None, help="also write the report (markdown) here")
    parser.add_argument("--server-arg", action="append", default=[], metavar="--Key=value")
    args = parser.parse_args()
    args.workers = max(1, min(args.workers, len(WORKER_EXTENSIONS)))
    args.port, = free_ports(args.port, 1)
    return args


def fetch_token(ctx, app):
    a = ctx.credentials["apps"][app]
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": a["clientId"], "client_secret": a["clientSecret"]})
    status, data, _ = request(ctx.port, "POST", "/oauth/token.php", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise RuntimeError(f"token request answered {status}: {data[:300]!r}")
    return json.loads(data)["access_token"]


def record(ctx, category, why, status):
    """One answer (status None: none came); why: None when it was an expected one, else what was wrong."""
    with ctx.lock:
        ctx.counts[category]["no answer" if status is None else str(status)] += 1
        if why:
            ctx.bad[category] += 1
            if len(ctx.unexpected) < 20:
                ctx.unexpected.append((category, why))


class Worker:
    """One extension's events, one keep-alive connection, and the operation mix."""

    def __init__(self, ctx, extension, seed):
        self.ctx, self.path = ctx, PREFIX.format(extension=extension)
        self.events = {}  # id -> type
        self.rng = random.Random(seed)
        self.conn = http.client.HTTPConnection("127.0.0.1", ctx.port, timeout=60)
        self.n = 0

    def send(self, category, method, target, body=None, expected=(200,), token=None):
        headers = {"Authorization": f"Bearer {token or self.ctx.token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, target, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            record(self.ctx, category, f"transport: {type(e).__name__}", None)
            return None, None
        record(self.ctx, category, None if response.status in expected else f"status {response.status} {data[:120]!r}", response.status)
        return response.status, data

    def step(self, hostile_requests, hostile_share):
        if self.rng.random() < hostile_share:
            h = self.rng.choice(hostile_requests)
            try:
                status, body = h.send()
            except (OSError, http.client.HTTPException, ValueError, IndexError) as e:
                record(self.ctx, "hostile: " + h.name, f"transport: {type(e).__name__}", None)
                return
            record(self.ctx, "hostile: " + h.name, hostile.check(h.kind, h.expected, status, body), status)
            return
        op = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if op in ("get", "update", "delete one") and not self.events:
            op = "create"
        if op == "create" and len(self.events) >= MAX_EVENTS:
            op = "delete one"
        getattr(self, "op_" + op.replace(" ", "_"))()

    def op_create(self):
        self.n += 1
        event_type = self.rng.randrange(5)
        body = json.dumps({"type": str(event_type), "method": str(self.rng.randrange(2)),
                           "url": f"{self.ctx.hook_url}/{self.n}?source=soak", "note": f"soak {self.n}"})
        status, data = self.send("create", "POST", self.path, body)
        if status == 200:
            self.events[json.loads(data)[0]["id"]] = event_type

    def op_list(self):
        query = self.rng.choice(["?count=20", "?count=5&startIndex=2&sortOrder=descending",
                                 "?filterBy=note&filterOp=contains&filterValue=soak", "?fields=id,url"])
        self.send("list", "GET", self.path + query)

    def _one(self):
        event_id = self.rng.choice(list(self.events))
        return event_id, f"{self.path}/{self.events[event_id]}/{event_id}"

    def op_get(self):
        self.send("get", "GET", self._one()[1])

    def op_update(self):
        body = json.dumps({"note": f"updated {self.rng.randrange(10**6)}", "status": str(self.rng.randrange(2))})
        self.send("update", "PUT", self._one()[1], body)

    def op_delete_one(self):
        event_id, target = self._one()
        if self.send("delete one", "DELETE", target)[0] == 200:
            del self.events[event_id]

    def op_delete_by_type(self):
        event_type = self.rng.randrange(5)
        expected = (200,) if event_type in self.events.values() else (204,)
        if self.send("delete by type", "DELETE", f"{self.path}/{event_type}", expected=expected)[0] in (200, 204):
            self.events = {i: t for i, t in self.events.items() if t != event_type}

    def op_delivery_log(self):
        event_type, event_id = self.rng.choice(self.ctx.hooks)
        self.send("delivery log", "GET", PREFIX.format(extension=delivery.DELIVERY_EXTENSION) + f"/{event_type}/{event_id}/deliveries?count=20")

    def op_intake(self):
        self.n += 1
        events = [delivery._event(f"soak-{id(self)}-{self.n}-{i}") for i in range(self.rng.randint(1, 10))]
        status, data = self.send("intake", "POST", "/pbx/callEvents", json.dumps(events), expected=(202,), token=self.ctx.admin_token)
        if status == 202:
            with self.ctx.lock:
                self.ctx.accepted_deliveries += json.loads(data)["deliveries"]

    def op_token(self):
        a = self.ctx.credentials["apps"]["user"]
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": a["clientId"], "client_secret": a["clientSecret"]})
        try:
            self.conn.request("POST", "/oauth/token.php", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            record(self.ctx, "token", f"transport: {type(e).__name__}", None)
            return
        record(self.ctx, "token", None if response.status == 200 else f"status {response.status}", response.status)
        if response.status == 200:
            self.ctx.token = json.loads(data)["access_token"]  # the next requests use the newest token


def rss_mb(pid):
    """(VmRSS, VmHWM, RssAnon, RssFile) in MB from /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as f:
        values = {line.split(":")[0]: int(line.split()[1]) / 1024.0 for line in f
                  if line.startswith(("VmRSS", "VmHWM", "RssAnon", "RssFile"))}
    return values["VmRSS"], values["VmHWM"], values.get("RssAnon"), values.get("RssFile")


def heap_mb(port):
    """The managed heap after the last GC and the GC's committed memory, in MB, from /metrics
    (the System.Runtime meter; loopback may scrape by default); (None, None) without it."""
    try:
        status, data, _ = request(port, "GET", "/metrics", timeout=10)
    except (OSError, http.client.HTTPException):
        return None, None
    if status != 200:
        return None, None
    heap = committed = 0.0
    for line in data.decode(errors="replace").splitlines():
        if line.startswith("dotnet_gc_last_collection_heap_size_bytes{"):
            heap += float(line.rsplit(" ", 1)[1])
        elif line.startswith("dotnet_gc_last_collection_memory_committed_size_bytes{"):
            committed += float(line.rsplit(" ", 1)[1])
    return heap / 2**20, committed / 2**20


def sample(ctx, server, t):
    rss, hwm, anon, file = rss_mb(server.proc.pid)
    heap, committed = heap_mb(ctx.port)
    return {"t": t, "rss": rss, "hwm": hwm, "anon": anon, "file": file, "heap": heap, "committed": committed,
            "load": os.getloadavg()[0]}


def run_load(ctx, server):
    args = ctx.args
    hostile_requests = hostile.catalogue(ctx)
    workers = [Worker(ctx, WORKER_EXTENSIONS[i], seed=i) for i in range(args.workers)]
    samples, slot, slot_lock = [], [0], threading.Lock()
    started = time.monotonic()
    stop_at = started + args.seconds

    def run(worker):
        while True:
            with slot_lock:
                due = started + slot[0] / args.rate
                slot[0] += 1
            if due >= stop_at:
                return
            time.sleep(max(0.0, due - time.monotonic()))
            worker.step(hostile_requests, args.hostile)

    threads = [threading.Thread(target=run, args=(w,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    next_sample = started
    while any(t.is_alive() for t in threads):
        now = time.monotonic()
        if now >= next_sample:
            samples.append(sample(ctx, server, now - started))
            log(f"{now - started:5.0f} s: RSS {samples[-1]['rss']:.1f} MB, {sum(sum(c.values()) for c in ctx.counts.values()):,} requests")
            next_sample += args.sample
        time.sleep(min(0.5, max(0.0, next_sample - time.monotonic())))
    samples.append(sample(ctx, server, time.monotonic() - started))
    return samples, time.monotonic() - started


def wait_drained(ctx, receiver_port, timeout=120.0):
    """Seconds until the receiver has every accepted delivery (bounded), and how many arrived."""
    started = time.monotonic()
    while True:
        _, data, _ = request(receiver_port, "GET", "/__stats", timeout=10)
        arrived = json.loads(data)["count"]
        if arrived >= ctx.accepted_deliveries or time.monotonic() - started > timeout:
            return time.monotonic() - started, arrived
        time.sleep(0.5)


def main():
    args = parse_args()
    work = tempfile.mkdtemp(prefix="callevents-soak-")
    store = PROVIDERS[args.provider](os.path.join(work, "data"))
    ctx = Context(args, work, store)
    receiver_ports = free_ports(args.port + 1, 2)
    load_start = os.getloadavg()
    log(f"soak: {args.seconds} s at {args.rate:g} req/s, {args.workers} workers, {args.hostile:.0%} hostile; work directory {work}")
    store.start()
    try:
        if args.provider != "sqlite":
            subprocess.run([SERVER, "migrate", *store.server_args()], capture_output=True, text=True, check=True)
        demo = subprocess.run([SERVER, "demo", "--json", *store.server_args()], capture_output=True, text=True, check=True)
        ctx.credentials = json.loads(next(line for line in demo.stdout.splitlines() if line.startswith("{")))
        store.add_extensions([delivery.DELIVERY_EXTENSION, *WORKER_EXTENSIONS], like_number="0003*210")
        receiver = delivery.start_receiver(ctx, receiver_ports)
        argv = [SERVER, "serve", "--urls", f"http://127.0.0.1:{ctx.port}", *store.server_args(), "--Logging:LogLevel:Default=Warning",
                # The receiver listens on loopback, which hooks may not reach by default: allowed for this run only.
                "--Delivery:AllowedNetworks:0=127.0.0.0/8", *args.server_arg]
        server = Process("server (soak)", argv, ctx.port, os.path.join(work, "server.log"), env=DEPLOYED_ENV).start()
        try:
            server.wait_until(lambda port: ok(port, "GET", "/health"), timeout=120)
            ctx.token, ctx.admin_token = fetch_token(ctx, "user"), fetch_token(ctx, "admin")
            auth = {"Authorization": f"Bearer {ctx.token}", "Content-Type": "application/json"}
            for port in receiver_ports:
                body = json.dumps({"type": "0", "method": "1", "url": f"http://127.0.0.1:{port}/hook", "note": "soak receiver"})
                status, data, _ = request(ctx.port, "POST", PREFIX.format(extension=delivery.DELIVERY_EXTENSION), body=body, headers=auth)
                if status != 200:
                    raise RuntimeError(f"registering a hook answered {status}: {data[:300]!r}")
                ctx.hooks.append((0, json.loads(data)[0]["id"]))
            before_load = sample(ctx, server, 0.0)
            samples, seconds = run_load(ctx, server)
            drain_s, arrived = wait_drained(ctx, receiver_ports[0])
            end = sample(ctx, server, seconds + drain_s)
            database_mb = sum(os.path.getsize(os.path.join(store.data_dir, f)) for f in os.listdir(store.data_dir)
                              if f.startswith("callevents.db")) / 2**20 if args.provider == "sqlite" else None
            log_errors = server_log_errors(os.path.join(work, "server.log"))
        finally:
            server.stop()
            receiver.stop()
    finally:
        store.stop()
    result = {"args": vars(args), "seconds": seconds, "samples": samples, "before_load": before_load, "end": end,
              "database_mb": database_mb,
              "counts": {k: dict(v) for k, v in ctx.counts.items()}, "bad": dict(ctx.bad), "unexpected": ctx.unexpected,
              "accepted_deliveries": ctx.accepted_deliveries, "arrived": arrived, "drain_s": drain_s,
              "log_errors": log_errors, "load_start": load_start, "load_end": os.getloadavg(),
              "expected": {"hostile: " + h.name: h.expected_text() for h in hostile.catalogue(ctx)}}
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(result, f, indent=1)
    text, passed = soak_report.render(result)
    print(text)
    for path in filter(None, [args.out, os.path.join(work, "report.md")]):
        with open(path, "w") as f:
            f.write(text)
    log(f"done; report in {work}/report.md, results.json and server.log beside it")
    sys.exit(0 if passed else 1)


def server_log_errors(path):
    """Lines the server logged at error or critical level (the console format's fail:/crit:)."""
    with open(path, errors="replace") as f:
        return [line.rstrip() for line in f if line.startswith(("fail:", "crit:")) or '"LogLevel":"Error"' in line
                or '"LogLevel":"Critical"' in line]


if __name__ == "__main__":
    main()
