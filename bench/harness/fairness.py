"""Fairness scenario: a quiet tenant's intake → arrival latency while another tenant's receivers hang.

The noisy tenant (organization 0003, DELIVERY_EXTENSION) has HANGING_PORTS hooks, each to a
loopback port that accepts connections and never answers, and a backlog of NOISY_EVENTS calls
(× HANGING_PORTS deliveries) queued first: without a per-tenant share its requests would hold
every sender slot (8 destinations × 4 per destination ≥ 32) until Delivery:RequestTimeout.
The quiet tenant (organization 0004, QUIET_EXTENSION) has one hook to the normal receiver and
gets QUIET_EVENTS single-event reports paced at QUIET_PACE/s; latency = arrival − the 202 read
by the harness (one monotonic clock). Bounded: at most ~QUIET_EVENTS / QUIET_PACE + 30 s.
"""
import json
import socket
import threading
import time

from delivery import DELIVERY_EXTENSION, EVENTS_PER_REPORT, start_receiver, _event, _wait_for
from processes import request
from scenarios import PREFIX

QUIET_EXTENSION = "0004*210"   # the demo's other organization
HANGING_PORTS = 8
NOISY_EVENTS = 200
QUIET_EVENTS = 40
QUIET_PACE = 4.0


class Hanging:
    """Loopback ports that accept every connection, hold it and never answer."""

    def __init__(self, ports):
        self.accepted, self._held, self._stop = 0, [], False
        self._listeners = []
        for port in ports:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen(512)
            s.settimeout(0.2)
            self._listeners.append(s)
            threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, listener):
        while not self._stop:
            try:
                conn, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            self._held.append(conn)
            self.accepted += 1

    def close(self):
        self._stop = True
        for s in self._held + self._listeners:
            s.close()


def _post(ctx, admin_token, body):
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}
    status, data, _ = request(ctx.port, "POST", "/pbx/callEvents", body=json.dumps(body), headers=headers, timeout=30)
    if status != 202:
        raise RuntimeError(f"intake answered {status}: {data[:200]!r}")
    return json.loads(data)["deliveries"]


def _hook(ctx, token, user, extension, url):
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"type": "0", "method": "1", "url": url, "note": "bench fairness"})
    status, data, _ = request(ctx.port, "POST", PREFIX.format(extension=extension).replace("@me", user), body=body, headers=auth)
    if status != 200:
        raise RuntimeError(f"registering a hook answered {status}: {data[:300]!r}")


def run_fairness(ctx, server, results, ports, admin_token, log):
    """`ports`: HANGING_PORTS + 1 free loopback ports (the hanging ones, then the receiver's)."""
    hanging = Hanging(ports[:HANGING_PORTS])
    receiver = start_receiver(ctx, ports[HANGING_PORTS:])
    noisy_id, quiet_id = ctx.store.extension_id(DELIVERY_EXTENSION), ctx.store.extension_id(QUIET_EXTENSION)
    try:
        for extension_id in (noisy_id, quiet_id):
            ctx.store.clear_events(extension_id)
        for port in ports[:HANGING_PORTS]:
            _hook(ctx, ctx.token, "@me", DELIVERY_EXTENSION, f"http://127.0.0.1:{port}/hang")
        _hook(ctx, admin_token, "@owner", QUIET_EXTENSION, f"http://127.0.0.1:{ports[HANGING_PORTS]}/hook")
        noisy = 0
        for first in range(0, NOISY_EVENTS, EVENTS_PER_REPORT):
            noisy += _post(ctx, admin_token, [_event(f"noisy-{first + i}") for i in range(EVENTS_PER_REPORT)])
        time.sleep(1.0)  # the noisy tenant takes what it may
        log(f"fairness: {noisy:,} noisy deliveries queued, {hanging.accepted} hanging requests held; "
            f"{QUIET_EVENTS} quiet intakes at {QUIET_PACE:.0f}/s")
        acked, started = {}, time.monotonic()
        for n in range(QUIET_EVENTS):
            time.sleep(max(0.0, started + n / QUIET_PACE - time.monotonic()))
            call_id = f"quiet-{n}"
            event = dict(_event(call_id), extension=QUIET_EXTENSION, calledExtension=QUIET_EXTENSION)
            _post(ctx, admin_token, event)
            acked[call_id] = time.monotonic()
        _wait_for(receiver.port, QUIET_EVENTS, time.monotonic() + 30)
        _, data, _ = request(receiver.port, "GET", "/__arrivals")
        latencies = sorted((t - acked[c]) * 1000 for t, c in json.loads(data) if c in acked)
        results["fairness"] = {"noisy_queued": noisy, "hanging_held": hanging.accepted, "expected": QUIET_EVENTS,
                               "samples": len(latencies),
                               "p50_ms": latencies[len(latencies) // 2] if latencies else None,
                               "max_ms": latencies[-1] if latencies else None}
    finally:
        receiver.stop()
        hanging.close()
        for extension_id in (noisy_id, quiet_id):
            ctx.store.clear_events(extension_id)
