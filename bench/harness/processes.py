"""Starting, probing and stopping the processes under test (the server, the baseline)."""
import http.client
import os
import signal
import subprocess
import time


class Process:
    """A server process on a loopback port: started in its own session so it can be stopped alone."""

    def __init__(self, name, argv, port, log_path, env=None):
        self.name, self.argv, self.port, self.log_path = name, argv, port, log_path
        self.env = {**os.environ, **(env or {})}
        self.proc = None
        self.started_at = None

    def start(self):
        log = open(self.log_path, "ab")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.env, start_new_session=True)
        log.close()
        return self

    def wait_until(self, probe, timeout=30.0):
        """Poll `probe(port) -> bool` every 5 ms; seconds from start to the first success."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if probe(self.port):
                    return time.perf_counter() - self.started_at
            except (ConnectionError, OSError, http.client.HTTPException):
                pass
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer within {timeout}s; see {self.log_path}")

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # the host's graceful shutdown
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def reset_peak_rss(self):
        """Linux: writing 5 to clear_refs resets VmHWM, so each load reports its own peak."""
        try:
            with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def cpu_seconds(self):
        """User + system CPU time the process has used so far: unlike wall time, little moved by
        other work on a shared machine (the cold start's load-independent figure)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        return None


def request(port, method, path, body=None, headers=None, timeout=120):
    """One HTTP request on loopback: (status, body bytes, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started
    finally:
        conn.close()


def ok(port, method, path, headers=None):
    status, _, _ = request(port, method, path, headers=headers, timeout=5)
    return status == 200
