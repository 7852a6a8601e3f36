"""A load generator in its own process: replays pre-signed raw HTTP/1.1 requests.

``python -m bench.loadgen REQUESTS PORT [--deadline S]``: REQUESTS is a JSON
file of ``{"streams": [[request, …], …]}`` (latin-1 strings of raw bytes); each
stream is one keep-alive connection to 127.0.0.1:PORT that sends its requests
one after another (a peer delivering in order). Stops when every request was
answered or the deadline passed; prints ``RESULT {json}``.

Raw sockets rather than an HTTP client library, so the generator costs far
less CPU than the server it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"


async def _one_stream(
    port: int,
    requests: list[bytes],
    latencies: list[float],
    statuses: dict[int, int],
    deadline: float,
) -> None:
    reader, writer = await asyncio.open_connection(LOOPBACK, port)
    try:
        for raw in requests:
            if time.perf_counter() > deadline:
                return
            start = time.perf_counter()
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
            if b"connection: close" in head.lower():
                writer.close()
                reader, writer = await asyncio.open_connection(LOOPBACK, port)
    finally:
        writer.close()


async def run(port: int, streams: list[list[bytes]], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started_at = time.time()
    start = time.perf_counter()
    deadline = start + seconds
    results = await asyncio.gather(
        *(_one_stream(port, s, latencies, statuses, deadline) for s in streams),
        return_exceptions=True,
    )
    elapsed = time.perf_counter() - start
    errors = [repr(r) for r in results if isinstance(r, BaseException)]
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    accepted = statuses.get(202, 0)
    return {
        "sent": len(latencies),
        "elapsed_s": round(elapsed, 3),
        "statuses": statuses,
        "accepted": accepted,
        "accepted_per_s": round(accepted / elapsed, 1),
        "p50_ms": pct(0.5) if ordered else None,
        "p99_ms": pct(0.99) if ordered else None,
        "connections": len(streams),
        "errors": errors[:5],
        "started_at": started_at,
        "ended_at": started_at + elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("requests", type=Path)
    parser.add_argument("port", type=int)
    parser.add_argument("--deadline", type=float, default=120.0)
    args = parser.parse_args()
    spec = json.loads(args.requests.read_text())
    streams = [[r.encode("latin-1") for r in stream] for stream in spec["streams"]]
    print("READY", flush=True)
    result = asyncio.run(run(args.port, streams, args.deadline))
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
