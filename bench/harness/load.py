"""wrk, driven by bench/wrk/request.lua; one parsed result per run."""
import json
import os
import subprocess

LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wrk", "request.lua")


class LoadSpec:
    """What one HTTP scenario sends: see bench/wrk/request.lua for the meaning of each field."""

    def __init__(self, method, path, body=None, content_type=None, ids=None, warm_ids=None, wrap=False, token=None):
        self.method, self.path, self.body, self.content_type = method, path, body, content_type
        self.ids, self.warm_ids, self.wrap, self.token = ids, warm_ids, wrap, token

    def env(self, threads, warmup=False, bytes_header=None):
        env = {
            "BENCH_METHOD": self.method,
            "BENCH_PATH": self.path,
            "BENCH_THREADS": str(threads),
            "BENCH_BODY": self.body or "",
            "BENCH_CONTENT_TYPE": self.content_type or "",
            "BENCH_TOKEN": self.token or "",
            "BENCH_IDS": (self.warm_ids if warmup and self.warm_ids else self.ids) or "",
            "BENCH_WRAP": "1" if self.wrap else "0",
            "BENCH_BYTES": str(bytes_header) if bytes_header else "",
        }
        return env


def run(port, spec, seconds, threads, connections, warmup=False, bytes_header=None):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", LUA,
           f"http://127.0.0.1:{port}"]
    completed = subprocess.run(cmd, env={**os.environ, **spec.env(threads, warmup, bytes_header)},
                               capture_output=True, text=True, timeout=seconds + 60)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line[len("BENCH_RESULT "):])
            seconds_run = result["duration_us"] / 1e6
            result["rps"] = result["requests"] / seconds_run if seconds_run else 0.0
            result["errors"] = sum(result[k] for k in ("errors_connect", "errors_read", "errors_write", "errors_timeout", "non2xx"))
            return result
    raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
