"""What the gateway adds per request: the same GET straight to the pets service, through the
gateway, and through a gateway with its rate limiter off (RATE_LIMIT_ENABLED=false), as real
processes under wrk; prints req/s and CPU microseconds per request of each process.

    .venv/bin/python gateway/scripts/measure_overhead.py [--seconds 5] [--connections 50]

A quick measurement for development; the project's benchmark (bench/) is the full one.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from petstore_cli.embedded import free_port, redis_server, wait_port
from service_kit.auth import mint_token

SECRET = "measure-secret-0123456789abcdef0123456789"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start(module: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", module],
        env={**os.environ, **env, "LOG_LEVEL": "WARNING", "PETSTORE_JWT_SECRET": SECRET},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_port(port, proc)
    return proc


def wrk(url: str, token: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None or "Non-2xx" in out:
        raise RuntimeError(f"wrk failed:\n{out}")
    return float(match.group(1))


def measure(
    url: str, token: str, procs: dict[str, int], args: argparse.Namespace
) -> dict[str, float]:
    wrk(url, token, 1, args.connections)  # warm up
    before = {name: cpu_seconds(pid) for name, pid in procs.items()}
    rps = wrk(url, token, args.seconds, args.connections)
    requests = rps * args.seconds
    result: dict[str, float] = {"req_per_s": round(rps)}
    for name, pid in procs.items():
        result[f"{name}_cpu_us_per_req"] = round((cpu_seconds(pid) - before[name]) / requests * 1e6)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    redis = redis_server(free_port()).start()
    redis_url = f"redis://127.0.0.1:{redis.port}/0"
    pets_port, gw_port, bare_port = free_port(), free_port(), free_port()
    pets = start(
        "pets_service", {"PETS_SERVICE_PORT": str(pets_port), "REDIS_URL": redis_url}, pets_port
    )
    gateway = start(
        "gateway",
        {
            "GATEWAY_PORT": str(gw_port),
            "GATEWAY_METRICS_PORT": str(free_port()),
            "REDIS_URL": redis_url,
            "RATE_LIMIT": "1000000000",
            "PETS_SERVICE_URL": f"http://127.0.0.1:{pets_port}",
        },
        gw_port,
    )
    bare = start(
        "gateway",
        {
            "GATEWAY_PORT": str(bare_port),
            "GATEWAY_METRICS_PORT": str(free_port()),
            "REDIS_URL": redis_url,
            "RATE_LIMIT_ENABLED": "false",
            "PETS_SERVICE_URL": f"http://127.0.0.1:{pets_port}",
        },
        bare_port,
    )
    try:
        token = mint_token(SECRET, sub="measure", scopes=["read:pets", "write:pets"])
        request = urllib.request.Request(
            f"http://127.0.0.1:{pets_port}/v1/pets",
            method="POST",
            data=json.dumps({"name": "Rex", "species": "DOG"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as resp:
            pet_id = json.load(resp)["id"]
        path = f"/v1/pets/{pet_id}"
        direct = measure(f"http://127.0.0.1:{pets_port}{path}", token, {"pets": pets.pid}, args)
        through = measure(
            f"http://127.0.0.1:{gw_port}{path}",
            token,
            {"pets": pets.pid, "gateway": gateway.pid},
            args,
        )
        unlimited = measure(
            f"http://127.0.0.1:{bare_port}{path}",
            token,
            {"pets": pets.pid, "gateway": bare.pid},
            args,
        )
        report = {
            "direct": direct,
            "through_gateway": through,
            "through_gateway_limiter_off": unlimited,
            "throughput_ratio": round(through["req_per_s"] / direct["req_per_s"], 2),
            "gateway_cpu_us_per_req": through["gateway_cpu_us_per_req"],
            "limiter_throughput_cost": round(1 - through["req_per_s"] / unlimited["req_per_s"], 2),
            "cores": os.cpu_count(),
        }
        print(json.dumps(report, indent=2))
    finally:
        for proc in (bare, gateway, pets):
            proc.terminate()
            proc.wait(10)
        redis.stop()
        time.sleep(0)


if __name__ == "__main__":
    main()
