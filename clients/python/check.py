"""Every tool, allowed and refused, through the official Python MCP SDK (mcp 2.3.0) over
Streamable HTTP and stdio against `sqlwarden demo`, in both protocol modes (`auto`, which
negotiates 2026-07-28 via server/discover, and `legacy`).
usage: python check.py <sqlwarden binary> <demo db path> <free port>"""
import asyncio
import json
import os
import subprocess
import sys

import httpx2
from ready import wait_ready
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

CASES = [
    ("query", {"sql": "SELECT count(*) AS n FROM orders"}, False, None),
    ("query", {"sql": "SELECT email FROM customers"}, True, "policy_denied"),
    ("query", {"sql": "DELETE FROM orders"}, True, "policy_denied"),
    ("query", {"sql": "SELEC 1"}, True, "parse_error"),
    ("query", {"sql": "SELECT 1", "database": "nope"}, True, "policy_denied"),
    # A value that would square itself twice: refused before it runs (the row-growth bound).
    ("query", {"sql": "SELECT length(replace(y, 'a', y)) AS n FROM (SELECT replace(x, 'a', x)"
               " AS y FROM (SELECT '" + "a" * 200 + "' AS x) t) u"}, True, "policy_denied"),
    ("list_tables", {}, False, None),
    ("describe_table", {"table": "orders"}, False, None),
    ("describe_table", {"table": "customers_secret"}, True, None),
    ("explain_query", {"sql": "SELECT id FROM orders WHERE id = 1"}, False, None),
    ("explain_query", {"sql": "DROP TABLE orders"}, True, "policy_denied"),
    ("top_customers", {"segment": "smb", "top": 3}, False, None),
]


async def run(label, target, mode):
    failures = 0
    async with Client(target, mode=mode) as client:
        tools = sorted(t.name for t in (await client.list_tools()).tools)
        # The four core tools and the demo's query templates the analyst may run.
        expected = ["describe_table", "explain_query", "list_tables", "order_lines", "query",
                    "revenue_by_month", "top_customers"]
        if tools != expected:
            print(f"FAIL {label}/{mode}: tools {tools}")
            failures += 1
        for name, args, is_error, code in CASES:
            what = f"{label}/{mode} {name} {json.dumps(args)}"
            try:
                r = await client.call_tool(name, args)
            except Exception as e:  # the client refused the result
                print(f"FAIL {what}: the client raised {e!r}"[:400])
                failures += 1
                continue
            got = bool(r.is_error)
            got_code = ((r.structured_content or {}).get("error") or {}).get("code")
            if got != is_error or (code and got_code != code):
                print(f"FAIL {what}: is_error={r.is_error} code={got_code}")
                failures += 1
            else:
                print(f"ok   {what}" + (f" -> {got_code}" if got else ""))
    return failures


def audit_calls(binary, db):
    """`tools/call` records per transport in the demo's audit trail (a store that other demos
    in the same directory share)."""
    store = os.path.join(os.path.dirname(os.path.abspath(db)), "demo-store.db")
    out = subprocess.run(
        [binary, "audit", "export", "--format", "jsonl"],
        capture_output=True,
        check=True,
        env={**os.environ, "RUST_LOG": "warn", "SQLWARDEN_STORE_URL": f"sqlite://{store}"},
    ).stdout.decode()
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {t: sum(1 for r in records if r["transport"] == t and r["method"] == "tools/call")
            for t in ("http", "stdio")}


def audit_check(before, after):
    """The audit trail as the server kept it: one record per call, allowed and refused alike,
    over each transport (both protocol modes)."""
    failures = 0
    for transport in ("http", "stdio"):
        calls = after[transport] - before[transport]
        if calls != 2 * len(CASES):
            print(f"FAIL audit: {calls} tools/call records over {transport},"
                  f" expected {2 * len(CASES)}")
            failures += 1
    if not failures:
        print("ok   audit: one record per call over each transport")
    return failures


async def regions_as(url, bearer, statuses):
    """The regions `SELECT DISTINCT region FROM customers` shows a caller with this token;
    the HTTP status of every answer goes into `statuses`."""
    async def seen(response):
        statuses.append(response.status_code)

    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {bearer}"},
                                  event_hooks={"response": [seen]}) as http:
        async with Client(streamable_http_client(url, http_client=http)) as client:
            r = await client.call_tool(
                "query", {"sql": "SELECT DISTINCT region FROM customers ORDER BY 1"})
            return (r.structured_content or {}).get("rows")


async def token_check(url, db):
    """A caller with a token of its own (the demo's analyst of the south) gets that
    principal's rows, not the anonymous principal's (north); a wrong secret for the same id
    is refused."""
    failures = 0
    with open(os.path.join(os.path.dirname(os.path.abspath(db)), "demo-tokens.json")) as f:
        token = next(t["token"] for t in json.load(f) if t["principal"] == "ana-south")
    regions = await regions_as(url, token, [])
    if regions != [["south"]]:
        print(f"FAIL token: the south analyst's token saw regions {regions}")
        failures += 1
    else:
        print("ok   token: a bearer token's own principal and rows")
    wrong = token[:-1] + ("1" if token.endswith("0") else "0")
    statuses = []
    try:
        seen = await regions_as(url, wrong, statuses)
        print(f"FAIL token: a wrong secret was accepted (saw {seen})")
        failures += 1
    except Exception as e:  # noqa: BLE001 - the SDK wraps the refusal; the status tells
        # (in `auto` mode the SDK tries server/discover, then initialize: both refused)
        if not statuses or any(code != 401 for code in statuses):
            print(f"FAIL token: a wrong secret was answered {statuses}: {e!r}"[:400])
            failures += 1
        else:
            print("ok   token: a wrong secret is refused with 401")
    return failures


async def main():
    binary, db, port = sys.argv[1:4]
    server = subprocess.Popen(
        [binary, "demo", "--db", db, "--http", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "RUST_LOG": "warn"},
    )
    failures = 0
    try:
        wait_ready(port)
        before = audit_calls(binary, db)
        for mode in ("auto", "legacy"):
            failures += await run("http", f"http://127.0.0.1:{port}/mcp", mode)
            stdio = StdioServerParameters(
                command=binary,
                args=["demo", "--stdio", "--db", db],
                env={**os.environ, "RUST_LOG": "warn"},
            )
            failures += await run("stdio", stdio, mode)
        failures += audit_check(before, audit_calls(binary, db))
        failures += await token_check(f"http://127.0.0.1:{port}/mcp", db)
    finally:
        server.kill()
    if failures:
        print(f"{failures} failure(s)")
        sys.exit(1)
    print("python sdk: every tool allowed and refused, over http and stdio, and a bearer token: ok")


asyncio.run(main())
