"""The benchmark run: see bench/README.md. Started by bench/run.sh after the Release build."""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

import delivery
import fairness
import load
import report
import scale
from processes import Process, ok, request
from scenarios import BULK_EXTENSION, BULK_KINDS, BULK_SIZES, CREATE_EXTENSIONS, DELETE_EXTENSION, HTTP_SCENARIOS, \
    LIST_EXTENSION, OTHER_SCENARIOS, POSTGRES_TARGETS, PREFIX
from stores import PROVIDERS, event_ids

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# bench/run.sh publishes the server here (ReadyToRun); BENCH_SERVER runs another build, for A/B runs
# (e.g. src/CallEvents/bin/Release/net10.0/callevents, the JIT-only build that `dotnet run` starts).
SERVER = os.environ.get("BENCH_SERVER") or os.path.join(REPO, "src/CallEvents/bin/Release/bench-publish/callevents")
BASELINE = os.path.join(REPO, "bench/Baseline/bin/Release/net10.0/bench-baseline")


class Context:
    def __init__(self, args, work, store):
        self.args, self.work, self.store = args, work, store
        self.port = args.port
        self.credentials = None
        self.token = None
        self.list_rows = None
        self.delete_probe = None


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args():
    keys = [s.key for s in HTTP_SCENARIOS] + OTHER_SCENARIOS
    parser = argparse.ArgumentParser(description="CallEvents benchmark (bench/README.md)")
    parser.add_argument("--provider", default=os.environ.get("BENCH_PROVIDER", "sqlite"),
                        help=f"one or a comma-separated list of {','.join(sorted(PROVIDERS))}, run one after the other; "
                             "postgres starts its own PostgreSQL 15 cluster on a free loopback port from 18500")
    parser.add_argument("--scenarios", default=",".join(keys), help=f"comma-separated subset of {','.join(keys)}")
    parser.add_argument("--durability", default="Process,Full",
                        help="Process,Full[,FullNoGroupCommit]: the write scenarios run in each; FullNoGroupCommit is "
                             "Full with SQLite's own synchronous=FULL (one fsync per commit), to show what group commit buys")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", "5")),
                        help="seconds of load before each measurement (twice that for token issue: OpenIddict's "
                             "server pipeline is the slowest code to reach its optimized JIT tier)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=18080,
                        help="first port to try; the server and the baseline take the first two free ones from here")
    parser.add_argument("--delivery-seconds", type=int, default=10, help="seconds of intake in the deliveries scenario")
    parser.add_argument("--delivery-cap", type=int, default=60_000,
                        help="at most this many deliveries queued in the deliveries scenario (bounds the drain)")
    parser.add_argument("--delivery-warmup", type=int, default=16_000,
                        help="deliveries queued and drained before the deliveries scenario measures (0: none)")
    parser.add_argument("--scale", action="store_true",
                        help="the growth scenario instead (SQLite): the same requests in the small database and after "
                             "10,000 extensions in 100 organizations and 1,000,000 events were added (bench/README.md, Scale)")
    parser.add_argument("--out", default=None, help="also write the report (markdown) here")
    parser.add_argument("--server-arg", action="append", default=[], metavar="--Key=value",
                        help="extra configuration for the server, for A/B runs (repeatable), "
                             "e.g. --server-arg=--OAuth:ValidatedTokenCacheSeconds=0")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=value",
                        help="an environment variable for the server only (repeatable), added to or overriding "
                             "DEPLOYED_ENV, for A/B runs of runtime settings, e.g. --server-env DOTNET_GCgen0MaxBudget=0x2000000 "
                             "(a 32 MiB gen0 cap instead of the build's 8 MiB); the baseline keeps the defaults")
    args = parser.parse_args()
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    args.durability = [d.strip() for d in args.durability.split(",") if d.strip()]
    args.provider = [p.strip() for p in args.provider.split(",") if p.strip()]
    if set(args.provider) - set(PROVIDERS):
        parser.error(f"unknown providers: {', '.join(sorted(set(args.provider) - set(PROVIDERS)))}")
    unknown = set(args.scenarios) - set(keys)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    args.port, args.baseline_port = free_ports(args.port, 2)
    return args


def free_ports(first, count):
    """Loopback ports nobody listens on (other work may run on this machine), never 5080/5443."""
    found = []
    for port in range(first, first + 200):
        if port in (5080, 5443):
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"no {count} free ports from {first}")


def start_server(ctx, durability):
    mode = {"FullNoGroupCommit": ["--Database:Durability=Full", "--Database:GroupCommit=false"]}.get(
        durability, [f"--Database:Durability={durability}"])
    argv = [SERVER, "serve", "--urls", f"http://127.0.0.1:{ctx.port}", *ctx.store.server_args(),
            "--PhoneCallEvents:MaxPerExtension=100000", *mode, "--Logging:LogLevel:Default=Warning",
            # One app drives the whole load here; its per-app limit (5,000/s by default) would turn
            # the measurement into one of the rate limiter's 429s.
            "--RateLimiting:PermitLimit=0",
            # The delivery scenarios' receiver listens on loopback, which hooks may not reach by default.
            "--Delivery:AllowedNetworks:0=127.0.0.0/8", *ctx.args.server_arg]
    server = Process(f"server ({durability})", argv, ctx.port, os.path.join(ctx.work, "server.log"), env=server_env(ctx.args)).start()
    server.wait_until(lambda port: ok(port, "GET", "/health"))
    return server


# The server's runtime environment as a deployment has it: nothing, since the GC's gen0 cap is in
# the build's runtimeconfig.json (docs/configuration.md, Runtime settings). --server-env adds to it
# (e.g. DOTNET_GCgen0MaxBudget=0x2000000 for an A/B run); the baseline keeps the defaults.
DEPLOYED_ENV = {}


def server_env(args):
    return {**DEPLOYED_ENV, **dict(item.split("=", 1) for item in args.server_env)}


def fetch_token(ctx, app="user"):
    app = ctx.credentials["apps"][app]
    body = f"grant_type=client_credentials&client_id={app['clientId']}&client_secret={app['clientSecret']}"
    status, data, _ = request(ctx.port, "POST", "/oauth/token.php", body=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise RuntimeError(f"token request answered {status}: {data[:300]!r}")
    return json.loads(data)["access_token"]


def probe(ctx, spec, port):
    """One request as wrk will send it: checks it succeeds and measures the answer's body size."""
    path = spec.path
    if spec.ids:
        with open(spec.ids) as f:
            first = f.readline().strip()
        if "{}" in path:
            path = path.replace("{}", first, 1)
        else:
            path = f"{path}/{ctx.delete_probe if spec.method == 'DELETE' else first}"
    headers = {"Authorization": f"Bearer {spec.token}"} if spec.token else {}
    if spec.body:
        headers["Content-Type"] = spec.content_type
    status, data, _ = request(port, spec.method, path, body=spec.body, headers=headers)
    if status != 200:
        raise RuntimeError(f"probe {spec.method} {path} answered {status}: {data[:300]!r}")
    return len(data)


def measure(ctx, process, spec, bytes_header=None, warmup_factor=1, database=False):
    """One scenario's load on `process`; with its CPU time per request (and, with `database`, the
    database's counts per request: the figures the machine's load moves least)."""
    args = ctx.args
    if args.warmup > 0:
        load.run(process.port, spec, args.warmup * warmup_factor, args.threads, args.connections, warmup=True,
                 bytes_header=bytes_header)
    process.reset_peak_rss()
    counters = ctx.store.counters() if database else {}
    cpu = process.cpu_seconds()
    result = load.run(process.port, spec, args.seconds, args.threads, args.connections, bytes_header=bytes_header)
    cpu = process.cpu_seconds() - cpu
    after = ctx.store.counters() if database else {}
    result["rss_mb"] = process.peak_rss_mb()
    requests = max(result["requests"], 1)
    result["per_request"] = {"cpu_us": cpu / requests * 1e6,
                             **{name: (after[name] - value) / requests for name, value in counters.items()}}
    return result


def run_http(ctx, server, baseline, durability, results):
    """Each scenario, then the baseline with the same requests and body size right after it: the
    machine is shared and noisy, so the two figures of a ratio are taken as close together as possible."""
    first = True
    for scenario in HTTP_SCENARIOS:
        if scenario.key not in ctx.args.scenarios or (durability != "Process" and not scenario.writes):
            continue
        log(f"{scenario.title} ({durability})")
        spec = scenario.prepare(ctx, durability)
        size = probe(ctx, spec, server.port)
        # A fresh server's first scenario also pays for JIT-compiling the whole pipeline (slow on a
        # shared 2-core machine), and OpenIddict's server pipeline is the slowest code to tier up.
        factor = (2 if scenario.key == "token" else 1) + (1 if first else 0)
        first = False
        result = measure(ctx, server, spec, warmup_factor=factor, database=True)
        base = measure(ctx, baseline, spec, bytes_header=size)
        results["http"].append({"key": scenario.key, "title": scenario.title, "durability": durability,
                                "target": POSTGRES_TARGETS.get(scenario.key) if ctx.store.name == "postgres"
                                else scenario.targets.get(durability),
                                "p99_target_ms": None if ctx.store.name == "postgres" else scenario.p99_targets.get(durability),
                                "body_bytes": size, **result,
                                "baseline": base})


def run_bulk(ctx, server, durability, results):
    store = ctx.store
    extension = store.extension_id(BULK_EXTENSION)
    auth = {"Authorization": f"Bearer {ctx.token}"}
    keep = [(i, 1) for i in event_ids(5, seed=7)]  # events of another type, which a delete by type leaves
    store.clear_events(extension)
    store.seed_events(extension, [(i, 2) for i in event_ids(10, seed=8)])
    request(ctx.port, "DELETE", PREFIX.format(extension=BULK_EXTENSION) + "/2", headers=auth)  # warm the path
    for rows in BULK_SIZES:
        for label, event_type in BULK_KINDS:
            log(f"bulk delete {label}, {rows} events ({durability})")
            seeded = [(i, event_type if event_type is not None else n % 4) for n, i in enumerate(event_ids(rows, seed=rows))]
            remaining = keep if event_type is not None else []
            store.clear_events(extension)
            store.seed_events(extension, seeded + remaining)
            server.reset_peak_rss()
            path = PREFIX.format(extension=BULK_EXTENSION) + ("" if event_type is None else f"/{event_type}")
            status, data, seconds = request(ctx.port, "DELETE", path, headers=auth)
            rss = server.peak_rss_mb()
            if status != 200 or len(json.loads(data)) != rows or store.count_events(extension) != len(remaining):
                raise RuntimeError(f"bulk delete {label} of {rows} answered {status} and left the wrong rows")
            store.clear_events(extension)
            store.seed_events(extension, seeded + remaining)
            cli = store.cli_delete_seconds(extension, event_type, durability)
            if store.count_events(extension) != len(remaining):
                raise RuntimeError("the CLI delete left the wrong rows")
            results["bulk"].append({"kind": label, "rows": rows, "durability": durability,
                                    "api_s": seconds, "cli_s": cli, "rss_mb": rss})
    store.clear_events(extension)


def run_cold_starts(ctx, results, runs=3):
    """From process start to the first 200 of an authenticated list (the database and keys exist)."""
    path = PREFIX.format(extension=LIST_EXTENSION) + "?count=1"
    headers = {"Authorization": f"Bearer {ctx.token}"}
    times, cpus = [], []
    for _ in range(runs):
        argv = [SERVER, "serve", "--urls", f"http://127.0.0.1:{ctx.port}", *ctx.store.server_args(),
                "--Logging:LogLevel:Default=Warning", *ctx.args.server_arg]
        server = Process("server (cold start)", argv, ctx.port, os.path.join(ctx.work, "server.log"), env=server_env(ctx.args)).start()
        try:
            times.append(server.wait_until(lambda port: ok(port, "GET", path, headers)))
            cpus.append(server.cpu_seconds())
        finally:
            server.stop()
    results["coldstart"] = {"median_s": statistics.median(times), "runs_s": times,
                            "median_cpu_s": statistics.median(cpus), "cpu_s": cpus}


def start_baseline(ctx):
    argv = [BASELINE, "--urls", f"http://127.0.0.1:{ctx.args.baseline_port}"]
    baseline = Process("baseline", argv, ctx.args.baseline_port, os.path.join(ctx.work, "baseline.log")).start()
    baseline.wait_until(lambda port: ok(port, "GET", "/health"))
    return baseline


def run_provider(args, provider, work, results):
    """Every selected scenario on one database provider, into `results` (which keeps what was
    measured before a scenario failed)."""
    started = time.perf_counter()
    os.makedirs(work, exist_ok=True)
    store = PROVIDERS[provider](os.path.join(work, "data"))
    ctx = Context(args, work, store)
    durabilities = [d for d in args.durability if store.durabilities is None or d in store.durabilities] \
        or store.durabilities
    log(f"{provider}: work directory {work}")
    store.start()
    try:
        if provider != "sqlite":  # SQLite's schema is made on first open; a server database is migrated first
            subprocess.run([SERVER, "migrate", *store.server_args()], capture_output=True, text=True, check=True)
        demo = subprocess.run([SERVER, "demo", "--json", *store.server_args()], capture_output=True, text=True, check=True)
        ctx.credentials = json.loads(next(line for line in demo.stdout.splitlines() if line.startswith("{")))
        store.add_extensions([DELETE_EXTENSION, BULK_EXTENSION, delivery.DELIVERY_EXTENSION, *CREATE_EXTENSIONS],
                             like_number=LIST_EXTENSION)

        baseline = start_baseline(ctx)
        try:
            for durability in durabilities:
                server = start_server(ctx, durability)
                try:
                    ctx.token = fetch_token(ctx)
                    run_http(ctx, server, baseline, durability, results)
                    if "bulk" in args.scenarios:
                        run_bulk(ctx, server, durability, results)
                    if durability == durabilities[0] and {"deliveries", "delivery-latency"} & set(args.scenarios):
                        ports = free_ports(args.baseline_port + 1, delivery.RECEIVER_PORTS)
                        delivery.run_delivery(ctx, server, results, ports, fetch_token(ctx, app="admin"), log)
                    if durability == durabilities[0] and "fairness" in args.scenarios:
                        ports = free_ports(args.baseline_port + 1, fairness.HANGING_PORTS + 1)
                        fairness.run_fairness(ctx, server, results, ports, fetch_token(ctx, app="admin"), log)
                finally:
                    server.stop()
                if durability == durabilities[0] and "coldstart" in args.scenarios:
                    log("cold starts")
                    run_cold_starts(ctx, results)
        finally:
            baseline.stop()
    finally:
        store.stop()  # always: a PostgreSQL cluster must not outlive the run
        results["wall_s"] = time.perf_counter() - started


def main():
    args = parse_args()
    work = tempfile.mkdtemp(prefix="callevents-bench-")
    texts, all_results = [], []
    paths = list(filter(None, [args.out, os.path.join(work, "report.md")]))
    for path in paths:
        open(path, "w").close()
    if args.scale:
        text = scale.run_scale(args, os.path.join(work, "scale"), log, SERVER, Context, start_server, fetch_token)
        texts.append(text)
        print(text, flush=True)
        for path in paths:
            with open(path, "a") as f:
                f.write(text + "\n")
    for provider in [] if args.scale else args.provider:
        results = {"provider": provider, "http": [], "bulk": [], "coldstart": None, "delivery": None, "fairness": None,
                   "error": None}
        try:
            run_provider(args, provider, os.path.join(work, provider), results)
        except Exception:
            # One provider's failure must not lose what it and the others measured: its report
            # says where it stopped, and the next provider still runs.
            results["error"] = traceback.format_exc()
            log(f"{provider} stopped: {results['error'].strip().splitlines()[-1]}")
        all_results.append(results)
        with open(os.path.join(work, provider, "results.json"), "w") as f:
            json.dump(results, f, indent=1)
        # Each provider's report as soon as it is done (a long run shows its first figures early).
        text = report.render(args, results, server_env(args))
        texts.append(text)
        print(text, flush=True)
        for path in paths:
            with open(path, "a") as f:
                f.write(text + "\n")
    if len(all_results) > 1:
        text = report.render_side_by_side(all_results)
        print(text, flush=True)
        for path in paths:
            with open(path, "a") as f:
                f.write(text)
    log(f"done; report in {work}/report.md, results.json per provider under it")
    if any(r["error"] for r in all_results):
        sys.exit(1)


if __name__ == "__main__":
    main()
