"""HTTP credit checks against `policy-service serve` on loopback, SQLite and PostgreSQL.

Run:  .venv/bin/python bench/http_bench.py [--seconds 15] [--workers 4]
          [--backends sqlite,postgresql]

For each backend it starts a real server (gunicorn, several workers) on a fresh database,
syncs 1,000 customers, and drives it with wrk (Debian package `wrk`) on loopback:
  1. saturation: POST /v1/credit-checks (unique order ids, customers round-robin) and, in
     the same run against the same server, the bare Flask endpoint GET /healthz;
  2. half of the credit checks' saturation rate, paced with wrk's delay(), for p50/p99.
It prints requests/s, p50 and p99 and the targets (checks >= 50% of the bare endpoint's
throughput on PostgreSQL; p99 <= 20 ms at half saturation).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.databases import throwaway_database  # noqa: E402

CLI = str(Path(sys.executable).with_name("policy-service"))
CUSTOMERS = 1000
CONNECTIONS = 16

# Each wrk thread starts at its own place in the customer list: threads that walked the
# list in step would keep asking for the same customer at once and wait on its lock.
LUA = """
counter = 0
local threads = 0
function setup(thread)
  thread:set("tid", tostring(math.random(1, 1000000000)))
  thread:set("first", threads * %(spread)d)
  threads = threads + 1
end
request = function()
  counter = counter + 1
  local body = string.format(
    '{"order_id":"%%s-%%s-%%d","customer_id":"BC-%%d","amount":"10.00","currency":"CNY"}',
    "%(run)s", tid, counter, (first + counter) %% %(customers)d)
  return wrk.format("POST", "/v1/credit-checks",
    {["Authorization"]="Bearer %(key)s", ["Content-Type"]="application/json"}, body)
end
function delay()
  return %(delay_ms)d
end
"""


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time so far of the server's processes, of PostgreSQL's, and of the machine."""
    totals = {"server": 0.0, "postgres": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid = int(stat.parent.name)
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        ppid, used = int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK
        if pid == server_pid or ppid == server_pid:
            totals["server"] += used
        elif comm == "postgres":
            totals["postgres"] += used
    busy = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:8]]
    totals["machine"] = (sum(busy) - busy[3] - busy[4]) / TICK  # all but idle and iowait
    return totals


def wrk(url: str, seconds: int, script: Path | None, connections: int = CONNECTIONS,
        server_pid: int | None = None) -> dict:
    """Run wrk; returns requests/s, p50/p99 in ms, error counts and CPU ms per request."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    before = cpu_seconds(server_pid) if server_pid else None
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests_done = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result = {"rps": rate, "p50": _latency(out, "50%"), "p99": _latency(out, "99%"),
              "errors": int(non2xx.group(1)) if non2xx else 0}
    if before is not None and requests_done:
        after = cpu_seconds(server_pid)
        result["cpu_ms"] = {k: (after[k] - before[k]) * 1000 / requests_done for k in after}
    return result


def _latency(out: str, label: str) -> float:
    value, unit = re.search(rf"\s{re.escape(label)}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def start_server(url: str, instance: Path, workers: int) -> tuple[subprocess.Popen, str, dict]:
    """Start `policy-service serve` and wait for /readyz."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "POLICY_INSTANCE_PATH": str(instance)}
    process = subprocess.Popen([CLI, "serve", "--port", str(port), "--workers", str(workers)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                return process, base, env
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not become ready")


def bench_backend(backend: str, seconds: int, workers: int) -> dict:
    """Saturation and half-saturation runs against one backend."""
    tmp = Path(tempfile.mkdtemp(prefix="http-bench-"))
    with throwaway_database(backend, tmp) as url:
        process, base, env = start_server(url, tmp / "instance", workers)
        try:
            key = subprocess.run([CLI, "api-keys", "create", "bench", "--role", "order_system"],
                                 env=env, capture_output=True, text=True, check=True
                                 ).stdout.strip().splitlines()[-1]
            headers = {"Authorization": f"Bearer {key}"}
            with requests.Session() as http:
                for index in range(CUSTOMERS):
                    http.put(f"{base}/v1/customers/BC-{index}", headers=headers, json={
                        "name": f"Bench {index}", "tier": "A", "credit_limit": "900000000000.00",
                        "currency": "CNY"}, timeout=10).raise_for_status()

            def script(delay_ms: int) -> Path:
                path = tmp / f"checks-{delay_ms}.lua"
                path.write_text(LUA % {"run": uuid.uuid4().hex[:8], "key": key,
                                       "customers": CUSTOMERS, "spread": CUSTOMERS // 2,
                                       "delay_ms": delay_ms})
                return path

            wrk(f"{base}/healthz", 3, None)  # warm-up
            wrk(base, 3, script(0))
            bare = wrk(f"{base}/healthz", seconds, None, server_pid=process.pid)
            checks = wrk(base, seconds, script(0), server_pid=process.pid)
            # Half of saturation: each connection waits `delay` ms after each response, so
            # the total rate is about CONNECTIONS / (latency + delay); calibrate once.
            half_rate = checks["rps"] / 2
            delay = int(CONNECTIONS * 1000 / half_rate)
            probe = wrk(base, 5, script(delay))
            delay = max(int(delay * probe["rps"] / half_rate), 1)
            paced = wrk(base, seconds, script(delay), server_pid=process.pid)
            return {"backend": backend, "bare": bare, "checks": checks, "paced": paced,
                    "target_rate": half_rate}
        finally:
            process.terminate()
            process.wait(timeout=20)
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    """Run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    print(f"load: {os.getloadavg()[0]:.2f}; {args.workers} gunicorn workers; wrk -t2 "
          f"-c{CONNECTIONS}; {args.seconds} s per run")
    print(f"{'backend':<11} {'endpoint':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'non-2xx':>8}   CPU ms per request: server / PostgreSQL / whole machine")
    for backend in args.backends.split(","):
        result = bench_backend(backend, args.seconds, args.workers)
        for label, row in (("GET /healthz (bare)", result["bare"]),
                           ("POST /v1/credit-checks", result["checks"]),
                           (f"  paced ~{result['target_rate']:.0f}/s", result["paced"])):
            cpu = row.get("cpu_ms", {})
            print(f"{backend:<11} {label:<26} {row['rps']:>9,.0f} {row['p50']:>8.2f} "
                  f"{row['p99']:>8.2f} {row['errors']:>8}   {cpu.get('server', 0):.2f} / "
                  f"{cpu.get('postgres', 0):.2f} / {cpu.get('machine', 0):.2f}")
        share = result["checks"]["rps"] / result["bare"]["rps"]
        print(f"{backend:<11} checks/bare throughput {share:.0%} (target >= 50% on PostgreSQL); "
              f"p99 at half saturation {result['paced']['p99']:.1f} ms (target <= 20 ms)")


if __name__ == "__main__":
    main()
