"""The soak's report (markdown): answers by category, memory over time, deliveries, the verdict."""
import os
import shlex
import sys
import time

from report import _machine

FLAT = 0.05  # "flat": the last fifth's mean RSS within 5 % of the second fifth's (the second minute of 300 s)
NORMAL_EXPECTED = {"create": "200", "list": "200", "get": "200", "update": "200", "delete one": "200",
                   "delete by type": "200 (events of that type) / 204 (none)", "delivery log": "200", "intake": "202",
                   "token": "200"}


def _mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def _slope_per_minute(points):
    """Least-squares slope of (seconds, MB) in MB per minute."""
    if len(points) < 2:
        return 0.0
    mt, mv = _mean([t for t, _ in points]), _mean([v for _, v in points])
    var = sum((t - mt) ** 2 for t, _ in points)
    return 60.0 * sum((t - mt) * (v - mv) for t, v in points) / var if var else 0.0


MEASURES = [("rss", "RSS (VmRSS)"), ("anon", "of it anonymous (RssAnon: heaps, SQLite's page caches)"),
            ("file", "of it file-backed (RssFile: code, mapped files)"), ("heap", "managed heap after the last GC"),
            ("committed", "GC committed")]


def memory(result, key):
    """One measure over the run: before the load, the 2nd and last fifths' means, end, slope, drift."""
    d = result["seconds"]
    points = [(s["t"], s[key]) for s in result["samples"] if s.get(key) is not None]
    if not points:
        return None
    warm = [v for t, v in points if d / 5 <= t < 2 * d / 5]
    last = [v for t, v in points if t >= 4 * d / 5]
    drift = (_mean(last) - _mean(warm)) / _mean(warm) if warm and last else float("nan")
    return {"before": result["before_load"].get(key), "warm": _mean(warm), "last": _mean(last), "end": result["end"].get(key),
            "slope": _slope_per_minute([(t, v) for t, v in points if t >= d / 5]), "drift": drift, "flat": abs(drift) <= FLAT,
            "min": min(v for _, v in points), "max": max(v for _, v in points)}


def render(result):
    args, counts = result["args"], result["counts"]
    total = sum(sum(c.values()) for c in counts.values())
    hostile_n = sum(sum(c.values()) for k, c in counts.items() if k.startswith("hostile: "))
    unexpected = sum(result["bad"].values())
    # 501 request_not_implemented is the documented answer to an unknown path: a 5xx by number, not a fault.
    five_xx = sum(n for c in counts.values() for k, n in c.items() if k.startswith("5") and k != "501")
    transport = sum(c.get("no answer", 0) for c in counts.values())
    m = memory(result, "rss")
    load = lambda xs: " ".join(f"{x:.1f}" for x in xs)
    lines = [
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {_machine()}",
        f"load average (1, 5, 15 min) at the start: {load(result['load_start'])}, at the end: {load(result['load_end'])} "
        "(the machine is shared: other builds and tests may run)",
        f"command: `{os.environ.get('BENCH_COMMAND') or ' '.join(shlex.quote(a) for a in sys.argv)}`",
        f"offered: {args['rate']:g} req/s for {args['seconds']} s by {args['workers']} workers (a closed loop: no more in flight "
        f"than workers), {args['hostile']:.0%} hostile; provider {args['provider']}"
        + (f"; server arguments: {' '.join(args['server_arg'])}" if args["server_arg"] else ""),
        "",
        "| category | requests | expected answers | answers | unexpected |",
        "|---|---:|---|---|---:|",
    ]
    order = [k for k in NORMAL_EXPECTED if k in counts] + sorted(k for k in counts if k not in NORMAL_EXPECTED)
    for key in order:
        c = counts[key]
        seen = ", ".join(f"{k}×{n:,}" for k, n in sorted(c.items()))
        bad = result["bad"].get(key, 0)
        expected = NORMAL_EXPECTED.get(key) or result["expected"].get(key, "?")
        lines.append(f"| {key} | {sum(c.values()):,} | {expected} | {seen} | {bad:,}{' ✗' if bad else ''} |")
    lines += [
        "",
        f"{total:,} requests in {result['seconds']:.0f} s ({total / result['seconds']:,.1f}/s achieved), "
        f"{hostile_n:,} hostile ({hostile_n / total:.1%}); unexpected answers: {unexpected:,} (no answer at all among them: "
        f"{transport:,}); 5xx (other than the documented 501s): {five_xx:,}; error lines in the server log: {len(result['log_errors'])}.",
    ]
    if result["unexpected"]:
        lines.append("First unexpected: " + "; ".join(f"{c}: {w}" for c, w in result["unexpected"][:8]))
    if result["log_errors"]:
        lines.append("First server log errors: " + " / ".join(result["log_errors"][:3]))
    lines += [
        "",
        "| server memory, MB | before load | 2nd fifth (mean) | last fifth (mean) | end | min–max | slope after the 1st fifth | drift |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    fmt = lambda v: "–" if v is None else f"{v:.1f}"
    for key, title in MEASURES:
        x = memory(result, key)
        if x:
            lines.append(f"| {title} | {fmt(x['before'])} | {x['warm']:.1f} | {x['last']:.1f} | {fmt(x['end'])} | "
                         f"{x['min']:.1f}–{x['max']:.1f} | {x['slope']:+.2f} MB/min | {x['drift']:+.1%} |")
    lines += [
        "",
        f"Memory flat (last fifth's RSS within {FLAT:.0%} of the 2nd fifth's): {'yes ✓' if m['flat'] else 'no ✗'} "
        f"({m['drift']:+.1%}); peak RSS (VmHWM) {result['end']['hwm']:.1f} MB"
        + (f"; the database file grew to {result['database_mb']:.1f} MB" if result.get("database_mb") else "") + ".",
        f"Sampled every {args['sample']:g} s ({len(result['samples'])} samples): VmRSS, RssAnon, RssFile from /proc/<pid>/status, "
        "the GC figures from the server's /metrics. With 300 s the fifths are minutes: the 2nd fifth is the second minute "
        "(after warm-up), the last fifth the last minute.",
        f"Deliveries: {result['accepted_deliveries']:,} accepted by the intake's 202s, {result['arrived']:,} arrived at the "
        f"loopback receiver, {result['drain_s']:.1f} s after the load ended.",
    ]
    problems = []
    if unexpected:
        problems.append(f"{unexpected} unexpected answers")
    if five_xx:
        problems.append(f"{five_xx} 5xx")
    if not m["flat"]:
        problems.append(f"memory drifted {m['drift']:+.1%}")
    if result["arrived"] < result["accepted_deliveries"]:
        problems.append(f"{result['accepted_deliveries'] - result['arrived']} deliveries did not arrive")
    lines.append("\nVerdict: " + ("pass" if not problems else "FAIL: " + ", ".join(problems)) + ".")
    return "\n".join(lines) + "\n", not problems
