// Every tool, allowed and refused, through the TypeScript SDK 1.x client over Streamable HTTP
// and stdio against `sqlwarden demo`. The SDK validates structured content against each tool's
// output schema (errors included) and throws when it does not match, so a refusal that reaches
// us as a result proves the whole path works in this client.
// usage: node check.mjs <sqlwarden binary> <demo db path> <free port>
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, db, port] = process.argv.slice(2);
if (!bin || !db || !port) {
  console.error("usage: node check.mjs <sqlwarden> <demo.db> <port>");
  process.exit(2);
}

const cases = [
  ["query", { sql: "SELECT count(*) AS n FROM orders" }, false],
  ["query", { sql: "SELECT email FROM customers" }, true, "policy_denied"],
  ["query", { sql: "DELETE FROM orders" }, true, "policy_denied"],
  ["query", { sql: "SELECT nope FROM orders" }, true],
  ["query", { sql: "SELEC 1" }, true, "parse_error"],
  ["query", { sql: "SELECT id FROM orders", max_rows: 2 }, false],
  ["query", { sql: "SELECT 1", database: "nope" }, true, "policy_denied"],
  // A value that would square itself twice: refused before it runs (the row-growth bound).
  ["query", { sql: "SELECT length(replace(y, 'a', y)) AS n FROM (SELECT replace(x, 'a', x) AS y FROM (SELECT '" + "a".repeat(200) + "' AS x) t) u" }, true, "policy_denied"],
  ["list_tables", {}, false],
  ["list_tables", { database: "nope" }, true],
  ["describe_table", { table: "orders" }, false],
  ["describe_table", { table: "customers_secret" }, true],
  ["explain_query", { sql: "SELECT id FROM orders WHERE id = 1" }, false],
  ["explain_query", { sql: "DROP TABLE orders" }, true, "policy_denied"],
  ["top_customers", { segment: "smb", top: 3 }, false],
];

let failures = 0;
async function run(label, transport) {
  const client = new Client({ name: "sqlwarden-ci", version: "1.0.0" });
  await client.connect(transport);
  const tools = (await client.listTools()).tools.map((t) => t.name).sort();
  // The four core tools and the demo's query templates the analyst may run.
  const expected = "describe_table,explain_query,list_tables,order_lines,query,revenue_by_month,top_customers";
  if (tools.join(",") !== expected) {
    console.error(`${label}: unexpected tools ${tools}`);
    failures++;
  }
  for (const [name, args, isError, code] of cases) {
    const what = `${label} ${name} ${JSON.stringify(args)}`;
    try {
      const r = await client.callTool({ name, arguments: args });
      const got = r.isError === true;
      const gotCode = r.structuredContent?.error?.code;
      if (got !== isError || (code && gotCode !== code)) {
        console.error(`FAIL ${what}: isError=${r.isError} code=${gotCode} ${JSON.stringify(r.content).slice(0, 200)}`);
        failures++;
      } else {
        console.log(`ok   ${what}${got ? ` -> ${gotCode}` : ""}`);
      }
    } catch (e) {
      console.error(`FAIL ${what}: the client threw ${String(e).slice(0, 300)}`);
      failures++;
    }
  }
  await client.close();
}

// The regions `SELECT DISTINCT region FROM customers` shows a caller with this bearer token.
async function regionsAs(url, bearer) {
  const client = new Client({ name: "sqlwarden-ci", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${bearer}` } } }),
  );
  try {
    const r = await client.callTool({ name: "query", arguments: { sql: "SELECT DISTINCT region FROM customers ORDER BY 1" } });
    return r.structuredContent?.rows;
  } finally {
    await client.close();
  }
}

// Records in the demo's audit trail (a store that other demos in the same directory share):
// `tools/call` per transport, and 405s answering a GET /mcp.
function auditCounts() {
  const out = execFileSync(bin, ["audit", "export", "--format", "jsonl"], {
    env: { ...process.env, RUST_LOG: "warn", SQLWARDEN_STORE_URL: `sqlite://${join(dirname(resolve(db)), "demo-store.db")}` },
  }).toString();
  const records = out.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const calls = (t) => records.filter((r) => r.transport === t && r.method === "tools/call").length;
  const streams = records.filter((r) => r.http_status === 405 && r.code === "method_not_allowed").length;
  return { http: calls("http"), stdio: calls("stdio"), streams };
}

const server = spawn(bin, ["demo", "--db", db, "--http", `127.0.0.1:${port}`], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, RUST_LOG: "warn" },
});
try {
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) break;
    } catch {}
    if (i > 300) throw new Error("the demo did not become ready");
    await new Promise((r) => setTimeout(r, 100));
  }
  const before = auditCounts();
  await run("http", new StreamableHTTPClientTransport(url));
  await run(
    "stdio",
    new StdioClientTransport({ command: bin, args: ["demo", "--stdio", "--db", db], env: { ...process.env, RUST_LOG: "warn" }, stderr: "inherit" }),
  );
  // The audit trail as the server kept it: one record per call, allowed and refused alike,
  // over each transport; and one for the SDK's GET /mcp after initialize (a server that keeps
  // no sessions answers it 405, which the SDK takes as "no stream").
  const after = auditCounts();
  for (const transport of ["http", "stdio"]) {
    const calls = after[transport] - before[transport];
    if (calls !== cases.length) {
      console.error(`FAIL audit: ${calls} tools/call records over ${transport}, expected ${cases.length}`);
      failures++;
    }
  }
  const streams = after.streams - before.streams;
  if (streams !== 1) {
    console.error(`FAIL audit: ${streams} records of the SDK's GET /mcp, expected 1`);
    failures++;
  } else {
    console.log("ok   audit: one record per call over each transport, and one for the SDK's GET /mcp");
  }
  // A caller with a token of its own (the demo's analyst of the south) gets that principal's
  // rows, not the anonymous principal's (north); a wrong secret for the same id is refused.
  const tokens = JSON.parse(readFileSync(join(dirname(resolve(db)), "demo-tokens.json"), "utf8"));
  const token = tokens.find((t) => t.principal === "ana-south").token;
  const regions = JSON.stringify(await regionsAs(url, token));
  if (regions !== JSON.stringify([["south"]])) {
    console.error(`FAIL token: the south analyst's token saw regions ${regions}`);
    failures++;
  } else {
    console.log("ok   token: a bearer token's own principal and rows");
  }
  const wrong = token.slice(0, -1) + (token.endsWith("0") ? "1" : "0");
  try {
    const seen = JSON.stringify(await regionsAs(url, wrong));
    console.error(`FAIL token: a wrong secret was accepted (saw ${seen})`);
    failures++;
  } catch (e) {
    // (the SDK's StreamableHTTPError carries the HTTP status as `code`)
    if (e?.code !== 401 || !String(e).includes("unauthorized")) {
      console.error(`FAIL token: a wrong secret failed otherwise than with 401 (code ${e?.code}): ${String(e).slice(0, 300)}`);
      failures++;
    } else {
      console.log("ok   token: a wrong secret is refused with 401");
    }
  }
} finally {
  server.kill();
}
if (failures > 0) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
console.log("typescript sdk 1.x: every tool allowed and refused, over http and stdio, and a bearer token: ok");
