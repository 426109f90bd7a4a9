"""A Python load generator, used only when wrk cannot be installed.

``python -m bench.pyload CONFIG PORT CONNECTIONS SECONDS``: keep-alive HTTP/1.1 on
127.0.0.1 only, a bounded time, the same bodies as the wrk script (bench/lua.py), and the
same BENCH_JSON line at the end. It is itself CPU-bound on a small machine, so its figures
are lower than wrk's; the results table names the generator used.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from bench import lua
from bench.common import percentile


def config(
    method: str, path: str, headers: dict[str, str], template: str, phase: int
) -> dict[str, Any]:
    return {
        "method": method,
        "path": path,
        "headers": headers,
        "template": template,
        "phase": phase,
    }


async def _connection(
    port: int, cfg: dict[str, Any], deadline: float, state: dict[str, Any]
) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        state["connect"] += 1
        return
    head = "".join(f"{k}: {v}\r\n" for k, v in cfg["headers"].items())
    try:
        while time.monotonic() < deadline:
            state["counter"] += 1
            body = lua.fill(
                cfg["template"], phase=cfg["phase"], thread=0, counter=state["counter"]
            ).encode()
            request = (
                f"{cfg['method']} {cfg['path']} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            await reader.readexactly(length)
            state["latencies"].append(time.perf_counter() - started)
            state["requests"] += 1
            status = int(status_line.split()[1])
            if not 200 <= status < 400:
                state["status"] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
        state["read"] += 1
    finally:
        writer.close()


async def _main(cfg: dict[str, Any], port: int, connections: int, seconds: float) -> None:
    state: dict[str, Any] = {
        "counter": 0,
        "requests": 0,
        "status": 0,
        "connect": 0,
        "read": 0,
        "latencies": [],
    }
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(_connection(port, cfg, deadline, state) for _ in range(connections)))
    elapsed = time.monotonic() - started
    lat = state["latencies"] or [0.0]
    out = {
        "requests": state["requests"],
        "duration_us": int(elapsed * 1e6),
        "bytes": 0,
        "connect": state["connect"],
        "read": state["read"],
        "write": 0,
        "status": state["status"],
        "timeout": 0,
        "p50_us": int(percentile(lat, 50) * 1e6),
        "p90_us": int(percentile(lat, 90) * 1e6),
        "p99_us": int(percentile(lat, 99) * 1e6),
        "max_us": int(max(lat) * 1e6),
        "mean_us": sum(lat) / len(lat) * 1e6,
    }
    print("BENCH_JSON " + json.dumps(out), flush=True)


def main() -> None:
    path, port, connections, seconds = sys.argv[1:5]
    with open(path) as handle:
        cfg = json.load(handle)
    coro = _main(cfg, int(port), int(connections), float(seconds))
    try:
        import uvloop
    except ImportError:
        asyncio.run(coro)
    else:
        uvloop.run(coro)


if __name__ == "__main__":
    main()
