"""Client-side cost of a 1,000-row result through the official Python MCP SDK (mcp 2.3.0):
the client's CPU per call and the share spent validating `structuredContent` against the
tool's output schema, over Streamable HTTP against a release `sqlwarden serve` on the demo's
SQLite database as `readonly_admin` (a 5,000-row cap).
usage: python bench.py <sqlwarden binary> <work dir> <free port> [calls]"""
import asyncio
import os
import pathlib
import subprocess
import sys
import time

from ready import wait_ready
from mcp import Client
from mcp.client.session import ClientSession

SQL = "SELECT id, customer_id, status, ordered_at FROM orders ORDER BY id LIMIT 1000"


async def main():
    binary, work, port = sys.argv[1:4]
    calls = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    work = pathlib.Path(work)
    work.mkdir(parents=True, exist_ok=True)
    db = work / "demo.db"
    repo = pathlib.Path(__file__).resolve().parents[2]
    # The demo builds its database on first start; then serve it with a fixed principal.
    subprocess.run([binary, "demo", "--db", str(db), "--stdio"], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    config = work / "bench.toml"
    config.write_text(
        f'[server]\nauth = "none"\nrole = "readonly_admin"\n'
        f'[policies]\ndir = "{repo / "policies"}"\n'
        f'[store]\nurl = "sqlite://{work / "store.db"}"\n'
        f'[audit]\ndurability = "log"\n'
        f'[databases.main]\nurl = "sqlite://{db}"\n'
    )
    server = subprocess.Popen([binary, "serve", "--config", str(config), "--http", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "warn"})
    validating = [0.0]
    original = ClientSession.validate_tool_result

    async def timed(self, name, result):
        started = time.process_time()
        try:
            return await original(self, name, result)
        finally:
            validating[0] += time.process_time() - started

    ClientSession.validate_tool_result = timed
    try:
        wait_ready(port)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            r = await client.call_tool("query", {"sql": SQL})
            rows = len((r.structured_content or {}).get("rows") or [])
            assert rows == 1000 and not r.is_error, (rows, r.is_error)
            validating[0] = 0.0
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(calls):
                await client.call_tool("query", {"sql": SQL})
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"python sdk, {calls} calls of a 1,000-row x 4-column result over HTTP:")
        print(f"  wall per call      {wall / calls * 1000:7.2f} ms")
        print(f"  client CPU/call    {cpu / calls * 1000:7.2f} ms")
        print(f"  of which validation{validating[0] / calls * 1000:7.2f} ms")
    finally:
        server.kill()


asyncio.run(main())
