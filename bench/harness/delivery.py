"""Delivery scenarios: intake (POST /pbx/callEvents) → queue → sender → a real receiver on loopback.

- deliveries: sustained deliveries per second. After a warm-up (--delivery-warmup deliveries
  queued and drained, not measured), two intake threads post 100-event reports (admin token) for
  --delivery-seconds or until --delivery-cap deliveries are queued, while the sender runs; the
  rate is arrivals / (last − first arrival), waiting (bounded) until the queue drains. CPU time
  per delivery of the server and of the receiver over the same span.
- delivery-latency: intake → arrival when not saturated: single-event reports paced at 20/s,
  latency = the receiver's arrival time − the time the harness had read the 202 (both
  CLOCK_MONOTONIC, so they subtract across processes).

Hooks: RECEIVER_PORTS PhoneCallEvents (type 0 dial-in, method 1 POST; signing is always on) on
DELIVERY_EXTENSION, each to its own receiver port: the sender allows
Delivery:MaxConcurrencyPerDestination (4) requests in flight per host:port and
Delivery:MaxConcurrency (32) per node, so 8 destinations would let it use all 32; one tenant gets
Delivery:MaxConcurrencyPerTenant of them (8 by default).
"""
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse

import load
from processes import Process, request
from scenarios import CREATE_EXTENSIONS, PREFIX

DELIVERY_EXTENSION = "0003*246"
# The create scenario's hooks name crm.example.com: reports must never reach their extensions.
assert DELIVERY_EXTENSION not in CREATE_EXTENSIONS
RECEIVER_PORTS = 8
EVENTS_PER_REPORT = 100       # Delivery:MaxEventsPerReport
LATENCY_EVENTS = 200
LATENCY_PACE = 20.0           # intakes per second
RECEIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "receiver.py")


def _event(call_id):
    return {"callId": call_id, "event": "dial-in", "extension": DELIVERY_EXTENSION, "callerIdNum": "0003*211",
            "callerIdName": "Bench Caller", "calledDid": "", "calledExtension": DELIVERY_EXTENSION,
            "callerExtension": "0003*211", "calledNumber": "246", "callStatus": ""}


def _stats(port):
    status, data, _ = request(port, "GET", "/__stats", timeout=10)
    return json.loads(data)


def _wait_for(port, expected, deadline):
    """Poll the receiver until `expected` arrivals or the deadline; the last stats."""
    while True:
        stats = _stats(port)
        if stats["count"] >= expected or time.monotonic() > deadline:
            return stats
        time.sleep(0.2)


def start_receiver(ctx, ports):
    argv = [sys.executable, RECEIVER, *map(str, ports)]
    receiver = Process("receiver", argv, ports[0], os.path.join(ctx.work, "receiver.log")).start()
    receiver.wait_until(lambda port: request(port, "GET", "/__stats", timeout=5)[0] == 200)
    return receiver


def register_hooks(ctx, ports):
    auth = {"Authorization": f"Bearer {ctx.token}", "Content-Type": "application/json"}
    ctx.store.clear_events(ctx.store.extension_id(DELIVERY_EXTENSION))
    for port in ports:
        body = json.dumps({"type": "0", "method": "1", "url": f"http://127.0.0.1:{port}/hook", "note": "bench receiver"})
        status, data, _ = request(ctx.port, "POST", PREFIX.format(extension=DELIVERY_EXTENSION), body=body, headers=auth)
        if status != 200:
            raise RuntimeError(f"registering a hook answered {status}: {data[:300]!r}")


def receiver_capacity(ctx, receiver, seconds=3):
    """What the receiver alone answers (wrk, 8 connections, a delivery-sized body): it must keep
    well ahead of the sender, or the figure below is the receiver's."""
    body = urllib.parse.urlencode({"CallID": "capacity", "CallerIDNum": "0003*211", "CallerIDName": "Bench Caller",
                                   "CalledDID": "", "CalledExtension": DELIVERY_EXTENSION, "CallStatus": "CALLING",
                                   "CallFlow": "IN", "CallerExtension": "0003*211", "CalledNumber": "246"})
    spec = load.LoadSpec("POST", "/hook", body=body, content_type="application/x-www-form-urlencoded")
    result = load.run(receiver.port, spec, seconds, 1, 8)
    request(receiver.port, "POST", "/__reset")
    return result["rps"]


def _intake(port, admin_token, stop_at, cap, counter, lock, errors, prefix):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}
    n = 0
    try:
        while time.monotonic() < stop_at:
            with lock:
                if counter["deliveries"] >= cap:
                    return
            body = json.dumps([_event(f"{prefix}-{n}-{i}") for i in range(EVENTS_PER_REPORT)])
            n += 1
            conn.request("POST", "/pbx/callEvents", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 202:
                errors.append(f"{response.status} {data[:200]!r}")
                return
            with lock:
                counter["deliveries"] += json.loads(data)["deliveries"]
                counter["reports"] += 1
    finally:
        conn.close()


def run_throughput(ctx, server, receiver, admin_token, seconds, cap, drain_timeout=120.0, tag="t"):
    request(receiver.port, "POST", "/__reset")
    server.reset_peak_rss()
    counter, lock, errors = {"deliveries": 0, "reports": 0}, threading.Lock(), []
    # CPU time (user + system) per delivery, of the server (intake, claims, sending, recording)
    # and of the receiver (it shares the cores: its cost is part of the machine's ceiling).
    server_cpu, receiver_cpu = server.cpu_seconds(), receiver.cpu_seconds()
    # On PostgreSQL, its own counts over the same span (statements, transactions, WAL flushes,
    # the cluster's CPU): what a delivery costs the database, whatever the machine's load.
    counters = ctx.store.counters()
    started = time.monotonic()
    threads = [threading.Thread(target=_intake, args=(ctx.port, admin_token, started + seconds, cap, counter, lock,
                                                      errors, f"{tag}{t}")) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    intake_s = time.monotonic() - started
    if errors:
        raise RuntimeError(f"intake failed: {errors[0]}")
    expected = counter["deliveries"]
    stats = _wait_for(receiver.port, expected, time.monotonic() + drain_timeout)
    server_cpu, receiver_cpu = server.cpu_seconds() - server_cpu, receiver.cpu_seconds() - receiver_cpu
    after = ctx.store.counters()
    database = {name: (after[name] - value) / max(stats["count"], 1) for name, value in counters.items()}
    rss = server.peak_rss_mb()
    span = (stats["last"] - stats["first"]) if stats["count"] > 1 else 0.0
    return {"queued": expected, "arrived": stats["count"], "intake_s": intake_s,
            "intake_per_s": expected / intake_s if intake_s else 0.0,
            "per_s": (stats["count"] - 1) / span if span else 0.0, "span_s": span,
            "drained_after_intake_s": stats["last"] - (started + intake_s) if stats["last"] else None,
            "rss_mb": rss, "server_cpu_us": server_cpu * 1e6 / max(stats["count"], 1),
            "receiver_cpu_us": receiver_cpu * 1e6 / max(stats["count"], 1), "database": database}


def run_latency(ctx, server, receiver, admin_token, events=LATENCY_EVENTS, pace=LATENCY_PACE):
    request(receiver.port, "POST", "/__reset")
    server.reset_peak_rss()
    conn = http.client.HTTPConnection("127.0.0.1", ctx.port, timeout=30)
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}
    acked, sent, expected = {}, {}, 0
    started = time.monotonic()
    try:
        for n in range(events):
            time.sleep(max(0.0, started + n / pace - time.monotonic()))
            call_id = f"lat-{n}"
            sent[call_id] = time.monotonic()
            conn.request("POST", "/pbx/callEvents", body=json.dumps(_event(call_id)), headers=headers)
            response = conn.getresponse()
            data = response.read()
            acked[call_id] = time.monotonic()
            if response.status != 202:
                raise RuntimeError(f"intake answered {response.status}: {data[:200]!r}")
            expected += json.loads(data)["deliveries"]
    finally:
        conn.close()
    _wait_for(receiver.port, expected, time.monotonic() + 30)
    _, data, _ = request(receiver.port, "GET", "/__arrivals")
    arrivals = [(t, c) for t, c in json.loads(data) if c in acked]
    latencies = sorted((t - acked[c]) * 1000 for t, c in arrivals)
    from_sent = sorted((t - sent[c]) * 1000 for t, c in arrivals)
    rss = server.peak_rss_mb()
    if len(latencies) < 2:
        raise RuntimeError(f"only {len(latencies)} of {expected} deliveries arrived")
    p99 = lambda xs: statistics.quantiles(xs, n=100, method="inclusive")[98]
    return {"samples": len(latencies), "expected": expected, "p50_ms": statistics.median(latencies),
            "p99_ms": p99(latencies), "max_ms": latencies[-1], "rss_mb": rss,
            "sent_p50_ms": statistics.median(from_sent), "sent_p99_ms": p99(from_sent)}


def run_delivery(ctx, server, results, ports, admin_token, log):
    """Both delivery scenarios against a running server (started with the loopback allowance);
    `ports`: RECEIVER_PORTS free loopback ports for the receiver."""
    receiver = start_receiver(ctx, ports)
    try:
        register_hooks(ctx, ports)
        capacity = receiver_capacity(ctx, receiver)
        log(f"receiver alone: {capacity:,.0f} req/s")
        out = results["delivery"] = {"hooks": len(ports), "receiver_rps": capacity}  # kept if a later part fails
        if "deliveries" in ctx.args.scenarios:
            if ctx.args.delivery_warmup > 0:
                # As every HTTP scenario warms up: without it the window measured the runtime
                # compiling the sender's code (tiered compilation was 26-39 % of the server's CPU
                # in the drain's profile, bench/README.md, Deliveries (session 5)).
                log(f"deliveries warm-up ({ctx.args.delivery_warmup:,} deliveries, not measured)")
                warm = run_throughput(ctx, server, receiver, admin_token, ctx.args.delivery_seconds, ctx.args.delivery_warmup,
                                      tag="w")
                out["warmup"] = {"queued": warm["queued"], "arrived": warm["arrived"], "per_s": warm["per_s"]}
                if warm["arrived"] < warm["queued"]:
                    register_hooks(ctx, ports)
            log(f"deliveries per second ({ctx.args.delivery_seconds} s of intake, at most {ctx.args.delivery_cap:,})")
            out["throughput"] = t = run_throughput(ctx, server, receiver, admin_token, ctx.args.delivery_seconds,
                                                   ctx.args.delivery_cap)
            if t["arrived"] < t["queued"]:
                # What did not drain would be ahead of every latency intake (the queue is in due
                # order): it went with its events, and the latency part gets hooks of its own.
                log(f"deliveries: {t['queued'] - t['arrived']:,} of {t['queued']:,} not drained in the wait; "
                    "removing them before the latency part")
                register_hooks(ctx, ports)
        if "delivery-latency" in ctx.args.scenarios:
            log(f"intake → arrival latency ({LATENCY_EVENTS} intakes at {LATENCY_PACE:.0f}/s)")
            out["latency"] = run_latency(ctx, server, receiver, admin_token)
    finally:
        receiver.stop()
        ctx.store.clear_events(ctx.store.extension_id(DELIVERY_EXTENSION))
