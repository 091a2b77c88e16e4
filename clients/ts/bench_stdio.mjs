// Point lookups through the TypeScript SDK 1.x client over stdio, as Node-based clients launch
// a server (stdin and stdout are a Unix socket pair): calls/s, p50/p99 and the server's CPU per
// call from /proc, against `sqlwarden demo --stdio` (the demo's analyst, `sync` audit).
// usage: node bench_stdio.mjs <sqlwarden binary> <demo db path> [seconds] [calls in flight]
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, db, secs = "10", inflight = "1"] = process.argv.slice(2);
if (!bin || !db) {
  console.error("usage: node bench_stdio.mjs <sqlwarden> <demo.db> [seconds] [in flight]");
  process.exit(2);
}
const transport = new StdioClientTransport({
  command: bin,
  args: ["demo", "--stdio", "--db", db],
  env: { ...process.env, RUST_LOG: "warn" },
  stderr: "inherit",
});
const client = new Client({ name: "bench", version: "1" });
await client.connect(transport);
const pid = transport.pid;
const ticks = () => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(f[11]) + Number(f[12]);
};
const call = (i) =>
  client.callTool({
    name: "query",
    arguments: { sql: "SELECT id, status, region FROM orders WHERE id = ?", params: [1 + (i % 4000)] },
  });
for (let i = 0; i < 200; i++) await call(i); // warm up
const lat = [];
let n = 0;
const cpu0 = ticks();
const t0 = performance.now();
const end = t0 + Number(secs) * 1000;
await Promise.all(
  Array.from({ length: Number(inflight) }, async () => {
    while (performance.now() < end) {
      const s = performance.now();
      const r = await call(n++);
      if (r.isError) throw new Error(JSON.stringify(r.content));
      lat.push(performance.now() - s);
    }
  }),
);
const elapsed = (performance.now() - t0) / 1000;
const cpu = (ticks() - cpu0) / 100; // USER_HZ
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(2);
console.log(
  `${lat.length} calls in ${elapsed.toFixed(1)} s: ${(lat.length / elapsed).toFixed(0)} calls/s, ` +
    `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, server CPU ${((cpu / lat.length) * 1000).toFixed(3)} ms/call`,
);
await client.close();
