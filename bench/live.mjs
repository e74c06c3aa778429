// Helpers for bench/live.sh, run inside the benchmark's network namespace.
//
//   node bench/live.mjs make SOCKETS READYFILE   # opens the sockets, writes READYFILE, waits
//   node bench/live.mjs time REPS                # times ss -tan[p] and tcpdoc [--no-owners], prints JSON
//   node bench/live.mjs watch REPS               # the share of a core `tcpdoc watch` takes, prints JSON

import { fork, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** How long the sockets stay open at most. */
const LIFETIME_MS = 2_700_000;
/** Open files per process stay under this (the hard limit here may be as low as 20,000). */
const FDS_PER_WORKER = 16000;

/**
 * Opens about `total` sockets: workers (each under the open-file limit) own a
 * listener on 127.0.0.1 and connect to it. Nine connections in ten stay
 * ESTABLISHED; the client half-closes the tenth, which leaves CLOSE-WAIT on
 * the server side and FIN-WAIT-2 on the client side (both stable: the
 * sockets stay open, so no timer reaps them).
 */
async function make(total, ready) {
  const workers = Math.max(1, Math.ceil(total / FDS_PER_WORKER));
  const per = Math.floor((total - workers) / workers / 2);
  const children = [];
  process.on("SIGTERM", () => {
    for (const c of children) c.kill("SIGKILL");
    process.exit(0);
  });
  await Promise.all(Array.from({ length: workers }, (_, w) => new Promise((res, rej) => {
    const c = fork(fileURLToPath(import.meta.url), ["worker", String(per), String(9000 + w)], { stdio: "inherit" });
    children.push(c);
    c.on("message", res);
    c.on("exit", (code) => rej(new Error(`worker exited ${code}`)));
  })));
  const n = countSockets();
  fs.writeFileSync(ready, `${n}\n`);
  process.stderr.write(`[live] ${n} sockets open in ${workers} workers (${per} connections each)\n`);
  // Bounded: never outlive a forgotten benchmark by more than 45 minutes (the watch
  // section, with its full-series runs, takes some 30; run.mjs gives live.sh 45).
  setTimeout(() => process.kill(process.pid, "SIGTERM"), LIFETIME_MS);
}

async function worker(connections, port) {
  process.on("disconnect", () => process.exit(0));
  const accepted = [];
  const server = net.createServer({ allowHalfOpen: true }, (c) => {
    c.on("error", () => {});
    accepted.push(c);
  });
  await new Promise((res) => server.listen({ port, host: "127.0.0.1", backlog: 65535 }, res));
  const clients = [];
  const connect = () =>
    new Promise((res, rej) => {
      const c = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true }, () => res(c));
      c.on("error", rej);
    });
  const BATCH = 500;
  for (let i = 0; i < connections; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(i + BATCH, connections); j++) batch.push(connect());
    clients.push(...(await Promise.all(batch)));
  }
  for (let i = 0; i < clients.length; i += 10) clients[i].end();
  await new Promise((res) => setTimeout(res, 300));
  process.send("ready");
  setTimeout(() => process.exit(0), LIFETIME_MS);
}

function countSockets() {
  let n = 0;
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      n += fs.readFileSync(f, "latin1").split("\n").length - 2;
    } catch { /* no IPv6 */ }
  }
  return n;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function once(cmd, args) {
  const rssFile = path.join(os.tmpdir(), `tcpdoc-live-rss-${process.pid}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "-o", rssFile, cmd, ...args], {
    cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" },
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop());
  fs.rmSync(rssFile, { force: true });
  return { wall, rss, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Times, interleaved, the live snapshot against ss in two pairs: without
 * owners (`ss -tan`, `tcpdoc analyze --json --no-owners`) and with them
 * (`ss -tanp`, which also walks /proc/PID/fd, and `tcpdoc analyze --json`).
 */
function time(reps) {
  const bin = path.join(ROOT, "bin", "tcpdoc.js");
  const commands = {
    ss: ["sh", ["-c", "ss -tan | wc -l"]],
    // the kernel formatting the tables tcpdoc reads, and nothing else: a floor for any reader of /proc
    cat: ["sh", ["-c", "cat /proc/net/tcp /proc/net/tcp6 | wc -l"]],
    live: [process.execPath, [bin, "analyze", "--json", "--no-owners"]],
    ssOwners: ["sh", ["-c", "ss -tanp | wc -l"]],
    liveOwners: [process.execPath, [bin, "analyze", "--json"]],
  };
  // npm run bench -- --baseline DIR: that tree's snapshot without owners, in the same rounds
  const base = process.env.TCPDOC_BASE_BIN;
  if (base) commands.base = [process.execPath, [base, "analyze", "--json", "--no-owners"]];
  const res = {};
  for (const k of Object.keys(commands)) res[k] = { walls: [], rss: 0 };
  for (let i = 0; i < reps; i++) {
    for (const [k, [cmd, args]] of Object.entries(commands)) {
      const r = once(cmd, args);
      if (r.status !== 0 && r.status !== 1) throw new Error(`${k} exited ${r.status}: ${r.stderr}`);
      res[k].walls.push(r.wall);
      res[k].rss = Math.max(res[k].rss, r.rss);
      // less the header line (ss), or the two files' header lines (cat)
      if (cmd === "sh") res[k].sockets = Number(r.stdout.trim()) - (k === "cat" ? 2 : 1);
      else res[k].sockets = JSON.parse(r.stdout).summary.sockets;
    }
  }
  for (const v of Object.values(res)) {
    v.wall = median(v.walls);
    delete v.walls;
  }
  process.stdout.write(JSON.stringify({ sockets: countSockets(), ...res }) + "\n");
}

/**
 * A watch run: `WATCH_TICKS` ticks every `WATCH_EVERY`; its cost is the CPU
 * the process takes (all its threads, from /proc/PID/stat) over the wall
 * time from WINDOW[0] to WINDOW[1] seconds after it starts: ten whole ticks
 * after the JIT has warmed up (by tick 6), as in any watch that lasts, read
 * from the one process (the difference of two runs, used before, added the
 * runs' own spread). The cost from the start is the whole run's, from
 * /usr/bin/time.
 */
const WATCH_TICKS = 20;
const WATCH_EVERY = "2s";
const WINDOW = [12.5, 32.5];

/**
 * A watch that lasts keeps 300 moments (src/cli/watch.ts WATCH_KEPT), and
 * the facts over the series grow with them. The full-series run ticks
 * every 2 s until the series is full (600 s) and reads its CPU from 616 to
 * 652 s: after the owner scan a watch repeats every 5 minutes
 * (OwnerCache.FULL_SCAN_MS, some 302 and 603 s in), a cost of its own
 * rather than a tick's. (Ticking every second to fill it sooner measured
 * 365 ms a tick against some 510 at 2 s: a tick's cost depends on the
 * interval, so the run keeps the watch's own.)
 */
const FULL_EVERY = "2s";
const FULL_TICKS = 330;
const FULL_WINDOW = [616, 652];

const sleep = (s) => new Promise((res) => setTimeout(res, s * 1000));

/** The first node process under `pid` (itself included) whose command line has `text`, or 0. */
function descendant(pid, text) {
  const parent = new Map();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* gone meanwhile */ }
  }
  const under = (p) => {
    for (let q = p; q > 1; q = parent.get(q) ?? 0) if (q === pid) return true;
    return false;
  };
  for (const p of parent.keys()) {
    if (!under(p)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
      if (argv[0] === process.execPath && argv.some((a) => a.includes(text))) return p;
    } catch { /* gone meanwhile */ }
  }
  return 0;
}

/** User and system seconds a process has taken so far (all its threads). */
function cpuOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const hz = 100; // USER_HZ on Linux
  return { user: Number(f[11]) / hz, sys: Number(f[12]) / hz };
}

/**
 * One `tcpdoc watch` run: with --json (stdout a pipe), or its screen on an
 * 80x24 pseudo-terminal (`script`, keys never pressed), in this namespace or
 * the idle one. The CPU over the window (see WINDOW) and the whole run's
 * from /usr/bin/time around node itself.
 */
async function watchOnce(screen, idle, full = false) {
  const bin = path.join(ROOT, "bin", "tcpdoc.js");
  const timeFile = path.join(os.tmpdir(), `tcpdoc-watch-time-${process.pid}`);
  const every = full ? FULL_EVERY : WATCH_EVERY, window = full ? FULL_WINDOW : WINDOW;
  const node = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile, process.execPath, bin, "watch", "--interval", every, "--count", String(full ? FULL_TICKS : WATCH_TICKS)];
  const inNs = idle ? ["ip", "netns", "exec", process.env.TCPDOC_IDLE_NS, ...node] : node;
  const quoted = inNs.map((a) => `'${a}'`).join(" ");
  const child = screen
    ? spawn("script", ["-qfec", `stty rows 24 cols 80; exec ${quoted}`, "/dev/null"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] })
    : spawn(inNs[0], [...inNs.slice(1), "--json"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => stderr += d);
  const done = new Promise((res) => child.on("exit", (code) => res(code)));
  const started = Date.now();
  const at = (s) => sleep(Math.max(0, s - (Date.now() - started) / 1000));
  await at(Math.min(window[0] / 2, 10));
  const pid = descendant(child.pid, "tcpdoc.js");
  if (!pid) throw new Error(`watch (${screen ? "screen" : "json"}${idle ? ", idle" : ""}): its node process was not found`);
  await at(window[0]);
  const a = cpuOf(pid), t0 = Date.now();
  await at(window[1]);
  const b = cpuOf(pid), t1 = Date.now();
  const code = await done;
  if (code !== 0) throw new Error(`watch (${screen ? "screen" : "json"}${idle ? ", idle" : ""}) exited ${code}: ${stderr}`);
  const [wall, user, sys, rss] = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
  fs.rmSync(timeFile, { force: true });
  const span = (t1 - t0) / 1000, ticks = span / Number.parseFloat(every);
  return {
    // per tick every 2 s
    share: (b.user - a.user + b.sys - a.sys) / ticks / Number.parseFloat(WATCH_EVERY),
    fromStart: (user + sys) / wall,
    userPerTick: (b.user - a.user) / ticks,
    sysPerTick: (b.sys - a.sys) / ticks,
    rss,
  };
}

/**
 * The share of one core `tcpdoc watch` takes while it watches: for --json
 * and the screen, here and in the idle namespace, the median over `reps`
 * runs of each (see watchOnce), with the peak RSS of all of them.
 */
async function watchCost(reps) {
  const res = {};
  for (const screen of [false, true]) {
    for (const idle of [true, false]) {
      const key = `${screen ? "screen" : "json"}${idle ? "Idle" : ""}`;
      const runs = [];
      for (let i = 0; i < reps; i++) runs.push(await watchOnce(screen, idle));
      const of = (k) => median(runs.map((r) => r[k]));
      res[key] = {
        share: of("share"),
        shares: runs.map((r) => r.share),
        fromStart: of("fromStart"),
        userPerTick: of("userPerTick"),
        sysPerTick: of("sysPerTick"),
        rss: Math.max(...runs.map((r) => r.rss)),
      };
      const pct = (xs) => xs.map((x) => (100 * x).toFixed(1) + "%").join(", ");
      process.stderr.write(`[watch] ${key}: ${pct(res[key].shares)} of a core (${WINDOW[0]}-${WINDOW[1]} s of each run); ${pct(runs.map((r) => r.fromStart))} from the start\n`);
    }
  }
  // The full series: one run each (11 minutes).
  for (const screen of [false, true]) {
    const key = `${screen ? "screen" : "json"}Full`;
    const r = await watchOnce(screen, false, true);
    res[key] = { share: r.share, shares: [r.share], userPerTick: r.userPerTick, sysPerTick: r.sysPerTick, rss: r.rss };
    process.stderr.write(`[watch] ${key}: ${(100 * r.share).toFixed(1)}% of a core at a tick every 2 s (${FULL_WINDOW[0]}-${FULL_WINDOW[1]} s of a run every ${FULL_EVERY}, the series full)\n`);
  }
  process.stdout.write(JSON.stringify({ sockets: countSockets(), every: WATCH_EVERY, ticks: WATCH_TICKS, window: WINDOW, full: { every: FULL_EVERY, ticks: FULL_TICKS, window: FULL_WINDOW }, ...res }) + "\n");
}

const [mode, a, b] = process.argv.slice(2);
if (mode === "make") await make(Number(a), b);
else if (mode === "worker") await worker(Number(a), Number(b));
else if (mode === "time") time(Number(a ?? 5));
else if (mode === "watch") await watchCost(Number(a ?? 2));
else {
  process.stderr.write("usage: node bench/live.mjs make SOCKETS READYFILE | time REPS | watch REPS\n");
  process.exit(2);
}
