"""The one table (markdown), with the machine and the command that produced it."""
import os
import shlex
import subprocess
import sys
import time


def _machine():
    cores = os.cpu_count()
    with open("/proc/meminfo") as f:
        mem_kb = int(next(line for line in f if line.startswith("MemTotal:")).split()[1])
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except StopIteration:
        cpu = "unknown CPU"
    return f"nproc {cores}, {mem_kb / 1024 / 1024:.1f} GiB, {cpu}"


def _versions():
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    return f"dotnet {first_line(['dotnet', '--version'])}, {first_line(['wrk', '--version']).split(' [')[0]}, sqlite3 {first_line(['sqlite3', '--version']).split(' ')[0]}"


def _ms(us):
    return f"{us / 1000:.2f}"


# Issue 12's sustained-delivery targets (signing on): SQLite on one machine, PostgreSQL for scale-out.
DELIVERY_TARGETS = {"sqlite": 10_000, "postgres": 5_000}


def _database(t):
    """PostgreSQL's own costs per delivery (PostgresStore.counters), when the provider has them."""
    db = t.get("database") or {}
    if not db:
        return ""
    return (f", database {db['db_cpu_s'] * 1e6:.0f} µs; per delivery: {db['statements']:.3f} statements, "
            f"{db['transactions']:.3f} transactions, {db['wal_flushes']:.3f} WAL flushes")


def _delivery(d, provider):
    lines = ["", "| delivery | figure | target | peak RSS MB | detail |", "|---|---:|---:|---:|---|"]
    t = d.get("throughput")
    if t:
        goal = DELIVERY_TARGETS.get(provider, 5_000)
        met = " ✓" if t["per_s"] >= goal else " ✗"
        drained = "" if t["arrived"] >= t["queued"] else f"; NOT DRAINED: {t['queued'] - t['arrived']:,} still queued"
        lines.append(f"| deliveries/s sustained | {t['per_s']:,.0f}{met} | ≥ {goal:,} | {t['rss_mb']:.0f} | "
                     f"{t['arrived']:,} of {t['queued']:,} arrived over {t['span_s']:.1f} s; intake queued "
                     f"{t['intake_per_s']:,.0f}/s for {t['intake_s']:.1f} s; drained "
                     f"{t['drained_after_intake_s']:.1f} s after intake ended{drained}; CPU per delivery: server "
                     f"{t.get('server_cpu_us', 0):.0f} µs, receiver {t.get('receiver_cpu_us', 0):.0f} µs{_database(t)} |")
    lat = d.get("latency")
    if lat:
        met = " ✓" if lat["p99_ms"] <= 50 else " ✗"
        lines.append(f"| intake→arrival p50 ms | {lat['p50_ms']:.1f} | | {lat['rss_mb']:.0f} | "
                     f"{lat['samples']:,} of {lat['expected']:,} deliveries; 200 single-event intakes at 20/s; below 0 = the "
                     f"sender had delivered before the harness had read the 202 (it is woken at commit) |")
        lines.append(f"| intake→arrival p99 ms | {lat['p99_ms']:.1f}{met} | ≤ 50 | | max {lat['max_ms']:.1f} ms |")
    lines.append(f"\nDelivery: {d['hooks']} POST hooks (signed, Standard Webhooks) on one extension, each to its own "
                 f"port of one receiver process (bench/harness/receiver.py, asyncio; alone it answers "
                 f"{d['receiver_rps']:,.0f} req/s with wrk -c8), so every dial-in event is {d['hooks']} deliveries. "
                 f"Intake: POST /pbx/callEvents with the admin token, 100-event reports from 2 threads. Latency = "
                 f"arrival − the 202 read by the harness (one monotonic clock).")
    return lines


def _rss(server_mb, base):
    """The baseline's peak RSS under the same load, and the server's as a multiple of it."""
    if not base.get("rss_mb"):
        return "– | –"
    ratio = server_mb / base["rss_mb"]
    return f"{base['rss_mb']:.0f} | {ratio:.2f}×{' ✓' if ratio <= 1.3 else ' ✗'}"


def render(args, results, server_env):
    lines = [
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {_machine()}",
        f"tools: {_versions()}; provider: {results['provider']}; load average at the end: "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (the machine is shared: other builds may run)",
        f"command: `{os.environ.get('BENCH_COMMAND') or ' '.join(shlex.quote(a) for a in sys.argv)}`",
        f"load: wrk -t{args.threads} -c{args.connections}, {args.warmup} s warm-up then {args.seconds} s measured, loopback"
        + (f"; server arguments: {' '.join(args.server_arg)}" if args.server_arg else "")
        + f"; server environment: {' '.join(f'{k}={v}' for k, v in server_env.items()) or 'the build’s own runtime settings'}",
        "",
        "| scenario | durability | req/s | p50 ms | p99 ms | baseline req/s | ratio | target | peak RSS MB | baseline peak RSS MB | RSS ratio (≤ 1.3×) | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    if not results["http"]:
        lines = lines[:-3]
    for r in results["http"]:
        base = r["baseline"]
        ratio = r["rps"] / base["rps"] if base and base["rps"] else None
        p99_target = r.get("p99_target_ms")
        target = "; ".join(([f"≥ {r['target']}×"] if r["target"] else []) + ([f"p99 ≤ {p99_target} ms"] if p99_target else []))
        met = "" if not r["target"] or ratio is None else (" ✓" if ratio >= r["target"] else " ✗")
        p99_met = "" if not p99_target else (" ✓" if r["p99_us"] <= p99_target * 1000 else " ✗")
        lines.append(
            f"| {r['title']} | {r['durability']} | {r['rps']:,.0f} | {_ms(r['p50_us'])} | {_ms(r['p99_us'])}{p99_met} | "
            f"{base['rps']:,.0f} | {ratio:.2f}×{met} | {target} | {r['rss_mb']:.0f} | {_rss(r['rss_mb'], base)} | {r['errors']} |"
            if base else
            f"| {r['title']} | {r['durability']} | {r['rps']:,.0f} | {_ms(r['p50_us'])} | {_ms(r['p99_us'])} | – | – | "
            f"{target} | {r['rss_mb']:.0f} | – | – | {r['errors']} |")
    if results["http"]:
        peak = max(r["baseline"]["rss_mb"] for r in results["http"])
        lines.append(f"\nBaseline (bench/Baseline: bare Kestrel, same routes and body sizes, measured right after each row): peak RSS {peak:.0f} MB. "
                     f"Peak RSS = VmHWM under the measured load (reset before it); RSS ratio = the server's ÷ the baseline's under the "
                     f"same requests (issue 12's target: ≤ 1.3×). Errors = socket errors + non-2xx answers (must be 0).")
    costs = [r for r in results["http"] if r.get("per_request")]
    if costs:
        database = "statements" in costs[0]["per_request"]
        lines += ["", "| scenario | durability | server CPU µs/request | baseline CPU µs/request |"
                  + (" statements/request | transactions/request | WAL flushes/request | PostgreSQL CPU µs/request |" if database else ""),
                  "|---|---|---:|---:|" + ("---:|---:|---:|---:|" if database else "")]
        for r in costs:
            c, base = r["per_request"], (r["baseline"] or {}).get("per_request") or {}
            lines.append(f"| {r['title']} | {r['durability']} | {c['cpu_us']:.0f} | "
                         + (f"{base['cpu_us']:.0f} |" if base else "– |")
                         + (f" {c['statements']:.2f} | {c['transactions']:.2f} | {c['wal_flushes']:.2f} | {c['db_cpu_s'] * 1e6:.0f} |"
                            if database else ""))
        lines.append("\nPer request over the measured run (the figures the machine's load moves least): CPU time (user + "
                     "system, /proc) of the server and of the baseline under the same requests"
                     + ("; PostgreSQL's statements (pg_stat_statements), transactions ended, WAL flushes (pg_stat_wal) "
                        "and its processes' CPU time" if database else "") + ".")
    if results["bulk"]:
        cli = "sqlite3" if results["provider"] == "sqlite" else "psql"
        lines += ["", f"| bulk delete | durability | events | API wall ms | {cli} CLI ms | ratio | API µs/event | peak RSS MB |",
                  "|---|---|---:|---:|---:|---:|---:|---:|"]
        for b in results["bulk"]:
            lines.append(f"| {b['kind']} | {b['durability']} | {b['rows']:,} | {b['api_s'] * 1000:.1f} | "
                         f"{b['cli_s'] * 1000:.1f} | {b['api_s'] / b['cli_s']:.2f}× | {b['api_s'] / b['rows'] * 1e6:.1f} | "
                         f"{b['rss_mb']:.0f} |")
        lines.append("\nAPI wall = one DELETE over HTTP, answer (all ids) read; CLI = `sqlite3` (with the same `synchronous`) or "
                     "`psql` process running the same `DELETE … RETURNING id`. Targets: 100,000 in ≤ 1 s and ≤ 2× the CLI.")
    if results.get("delivery"):
        lines += _delivery(results["delivery"], results["provider"])
    f = results.get("fairness")
    if f:
        figures = f"p50 {f['p50_ms']:.1f} ms, max {f['max_ms']:.1f} ms" if f["samples"] else "none arrived"
        lines.append(f"\nFairness: a quiet tenant's intake→arrival {figures} ({f['samples']} of {f['expected']} arrived within "
                     f"the bounded wait) while another tenant held {f['hanging_held']} connections on 8 receivers that "
                     f"never answer, {f['noisy_queued']:,} of its deliveries queued before.")
    if results["coldstart"]:
        c = results["coldstart"]
        runs = ", ".join(f"{t * 1000:.0f}" for t in c["runs_s"])
        lines.append(f"\nCold start (process start → first 200 of an authenticated list, existing database): "
                     f"median {c['median_s'] * 1000:.0f} ms (runs: {runs} ms); target ≤ 500 ms{' ✓' if c['median_s'] <= 0.5 else ' ✗'}"
                     + (f"; CPU time (user + system) until then: median {c['median_cpu_s'] * 1000:.0f} ms "
                        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in c['cpu_s'])} ms), the figure the load moves least." if c.get("cpu_s") else "."))
    if results.get("error"):
        lines.append(f"\n**This provider's run stopped with an error** (the figures above are what it measured "
                     f"before): `{results['error'].strip().splitlines()[-1]}`")
    if results.get("wall_s") is not None:
        lines.append(f"\nWhole run: {results['wall_s']:.0f} s.")
    return "\n".join(lines) + "\n"


PROVIDER_TITLES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def render_side_by_side(all_results):
    """Every provider's figures in one table: one row per figure, one column group per provider
    (each ratio is to the baseline measured right after that provider's row)."""
    names = [PROVIDER_TITLES.get(r["provider"], r["provider"]) for r in all_results]
    lines = ["## All providers", "",
             "| scenario | durability | " + " | ".join(f"{n} req/s | {n} p99 ms | {n} ratio" for n in names) + " |",
             "|---|---|" + "---:|---:|---:|" * len(names)]
    rows = []
    for r in all_results:
        for h in r["http"]:
            if (h["title"], h["durability"]) not in rows:
                rows.append((h["title"], h["durability"]))
    for title, durability in rows:
        cells = []
        for r in all_results:
            h = next((h for h in r["http"] if h["title"] == title and h["durability"] == durability), None)
            if h is None:
                cells += ["–", "–", "–"]
                continue
            base = h["baseline"]
            ratio = f"{h['rps'] / base['rps']:.2f}×" if base and base["rps"] else "–"
            cells += [f"{h['rps']:,.0f}", _ms(h["p99_us"]), ratio]
        lines.append(f"| {title} | {durability} | " + " | ".join(cells) + " |")

    def other(label, pick):
        cells = []
        for r in all_results:
            value = pick(r)
            cells += [value if value is not None else "–", "", ""]
        lines.append(f"| {label} | | " + " | ".join(cells) + " |")

    def delivery(key, field, fmt):
        return lambda r: fmt.format((r.get("delivery") or {}).get(key, {}).get(field)) \
            if (r.get("delivery") or {}).get(key) else None

    def bulk(kind, rows):
        def pick(r):
            b = next((b for b in r["bulk"] if b["kind"] == kind and b["rows"] == rows), None)
            return f"{b['api_s'] * 1000:.0f} ms ({b['api_s'] / b['cli_s']:.2f}× CLI)" if b else None
        return pick
    other("deliveries/s sustained", delivery("throughput", "per_s", "{:,.0f}"))
    other("intake→arrival p99 ms", delivery("latency", "p99_ms", "{:.1f}"))
    other("bulk delete by type, 100,000", bulk("by type", 100_000))
    other("cold start median ms", lambda r: f"{r['coldstart']['median_s'] * 1000:.0f}" if r.get("coldstart") else None)
    other("stopped with an error", lambda r: "yes" if r.get("error") else "no")
    return "\n".join(lines) + "\n"
