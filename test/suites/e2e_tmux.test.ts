// The guided session (and the watch screen) end to end, as a user meets it: the real command in a
// real 80x24 terminal (tmux), keys sent one at a time, the screen read back
// after each step. Runs the installed command (bin/tcpdoc.js over dist/,
// built by `npm test` first) and Deno on the sources. Needs tmux (the CI
// script installs it); skipped with the reason when it is missing.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const DENO = path.join(ROOT, "node_modules", ".bin", "deno");
const SAMPLE = "samples/linux/time-wait-blocks-restart/ss-tan.txt";

const tmuxMissing = spawnSync("tmux", ["-V"], { encoding: "utf8" }).status !== 0;
// Each terminal is a tmux server of its own (its own socket): the tests never
// touch the user's sessions, and closing one never races the next one's start.
const tmuxOn = (socket: string, ...args: string[]) => spawnSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const SKIP = tmuxMissing ? "tmux is not installed (apt-get install -y tmux)" : false;
const LIVE_SKIP = process.platform !== "linux"
  ? "a live session on Linux"
  : process.getuid?.() !== 0
  ? "needs root for a network namespace"
  : spawnSync("python3", ["-V"]).status !== 0
  ? "needs python3 for the socket helper"
  : false;

/** A network namespace with a server that leaks 20 CLOSE_WAIT sockets on 127.0.0.1:8080; returns the helper process. */
function liveNamespace(ns: string) {
  spawnSync("ip", ["netns", "del", ns]);
  assert.equal(spawnSync("ip", ["netns", "add", ns]).status, 0);
  spawnSync("ip", ["-n", ns, "link", "set", "lo", "up"]);
  const py = [
    "import socket, time",
    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 8080)); s.listen(64)",
    "keep = []",
    "for _ in range(20):",
    "    c = socket.create_connection(('127.0.0.1', 8080)); a, _ = s.accept(); keep.append(a); c.close()",
    "time.sleep(120)",
  ].join("\n");
  const child = spawn("ip", ["netns", "exec", ns, "python3", "-c", py], { stdio: "ignore" });
  spawnSync("sleep", ["1"]);
  return child;
}

function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// Under `deno test`, process.execPath is deno: take node from PATH then.
const NODE = "Deno" in globalThis ? "node" : process.execPath;

const RUNTIMES: { name: string; command: string; ready(): string | undefined }[] = [
  {
    name: "node",
    command: `${sh(NODE)} bin/tcpdoc.js`,
    ready() {
      if (spawnSync(NODE, ["-v"]).status !== 0) return "node is not on PATH";
      if (fs.existsSync(path.join(ROOT, "dist", "tcpdoc.js"))) return undefined;
      const b = spawnSync(NODE, ["scripts/build.mjs"], { cwd: ROOT, encoding: "utf8" });
      return b.status === 0 ? undefined : `the build failed: ${b.stderr}`;
    },
  },
  {
    name: "deno",
    command: `${sh(DENO)} run -A src/cli/entry.ts`,
    ready: () => (fs.existsSync(DENO) ? undefined : "node_modules/.bin/deno is missing: run npm ci"),
  },
];

const open = new Set<() => void>();
after(() => {
  for (const close of open) close();
});

/** A command running in a detached 80x24 tmux session. */
function terminal(name: string, command: string) {
  const id = `tcpdoc-e2e-${name}-${process.pid}`;
  const tmux = (...args: string[]) => tmuxOn(id, ...args);
  // CI=true makes ink draw nothing until it exits: run without it.
  // `unset` rather than `env -u`, so every command of a pipeline runs without it.
  const script = `cd ${sh(ROOT)} && unset CI && export TERM=xterm-256color && ${command}; echo "TCPDOC-EXIT=$?"; sleep 60`;
  const r = tmux("new-session", "-d", "-s", id, "-x", "80", "-y", "24", script);
  assert.equal(r.status, 0, `tmux new-session: ${r.stderr}`);
  const screen = () => tmux("capture-pane", "-p", "-t", id).stdout;
  const socketPath = tmux("display-message", "-p", "-t", id, "#{socket_path}").stdout.trim();
  const close = () => {
    open.delete(close);
    tmux("kill-server");
    if (socketPath.endsWith(id)) fs.rmSync(socketPath, { force: true });
  };
  open.add(close);
  return {
    screen,
    keys(...keys: string[]) {
      for (const k of keys) {
        const s = tmux("send-keys", "-t", id, k);
        assert.equal(s.status, 0, `tmux send-keys ${k}: ${s.stderr}`);
      }
    },
    /** Waits for the screen to match; fails with the screen when it does not within `ms`. */
    async until(re: RegExp, ms = 15000): Promise<string> {
      const end = Date.now() + ms;
      for (;;) {
        const s = screen();
        if (re.test(s)) return s;
        if (Date.now() > end) assert.fail(`the screen never matched ${re}:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close,
  };
}

function fits(screen: string): void {
  for (const l of screen.split("\n")) assert.ok([...l].length <= 80, `line over 80 columns: ${l}`);
}

for (const rt of RUNTIMES) {
  describe(`tcpdoc session in tmux (${rt.name})`, { skip: SKIP }, () => {
    it(`opens a real dump, walks the top finding, answers its question and quits (${rt.name})`, async () => {
      const notReady = rt.ready();
      assert.equal(notReady, undefined, notReady);
      const home = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-e2e-home-"));
      const t = terminal(rt.name, `HOME=${sh(home)} ${rt.command} ${SAMPLE}`);
      try {
        // The overview: the finding is on the first screen, selected.
        let s = await t.until(/›WARN  TIME_WAIT sockets hold a server port/);
        assert.match(s, /\[Overview\]/);
        assert.match(s, /TCP sockets: 50/);
        assert.match(s, /TIME_WAIT +50 █/);
        assert.match(s, /q quit/);
        fits(s);

        // Enter: the walkthrough.
        t.keys("Enter");
        s = await t.until(/What is wrong/);
        assert.match(s, /WARNING  time-wait-blocks-restart  confidence 63%/);
        assert.match(s, /Why we think so/);
        fits(s);

        // j down to the question (long text scrolls a page at a time), Enter, y.
        for (let i = 0; i < 8 && !/› +\? Did the service fail/.test(t.screen()); i++) {
          t.keys("j");
          await new Promise((r) => setTimeout(r, 250));
        }
        s = await t.until(/› +\? Did the service fail/);
        assert.match(s, /\[not answered\]/);
        t.keys("Enter");
        s = await t.until(/› yes/);
        assert.match(s, /Enter: answer {2}Esc: cancel/);
        t.keys("y");
        s = await t.until(/restart-failed = yes: time-wait-blocks-restart: warning 63% -> critical/);
        assert.match(s, /\[yes\]/);
        fits(s);

        // The checks, with their exact commands, then the fixes with caveats.
        t.keys("j");
        s = await t.until(/› +\[ \] 1\. List the TIME_WAIT sockets/);
        assert.match(s, /\$ ss -tan state time-wait/);
        for (let i = 0; i < 6 && !/› +\[ \] 1\. Set SO_REUSEADDR/.test(t.screen()); i++) {
          t.keys("j");
          await new Promise((r) => setTimeout(r, 250));
        }
        s = await t.until(/› +\[ \] 1\. Set SO_REUSEADDR/);
        assert.match(s, /caveat:/);
        t.keys("x");
        await t.until(/\[x\] 1\. Set SO_REUSEADDR/);

        // Back to the overview: the finding is now critical and marked as confirmed.
        t.keys("Escape");
        s = await t.until(/›CRIT  TIME_WAIT sockets hold a server port.* 77% ▲/);
        fits(s);

        // e exports to the home directory by default.
        t.keys("e");
        s = await t.until(/File: .*tcpdoc-session-\d{8}-\d{6}\.md/);
        t.keys("Enter");
        await t.until(/saved the session to/);

        // q quits and gives the terminal back (the alternate screen is left),
        // says where it exported, with analyze's exit code: 1, a warning or
        // worse was found.
        t.keys("q");
        s = await t.until(/TCPDOC-EXIT=1/);
        assert.doesNotMatch(s, /\[Overview\]/);
        assert.match(s.replace(/\n/g, ""), /tcpdoc: session exported to \/\S+tcpdoc-session-\d{8}-\d{6}\.md/);
        const exported = fs.readdirSync(home).filter((f) => f.startsWith("tcpdoc-session-"));
        assert.equal(exported.length, 1);
        assert.match(fs.readFileSync(path.join(home, exported[0]), "utf8"), /^# tcpdoc session/);
      } finally {
        t.close();
        fs.rmSync(home, { recursive: true, force: true });
      }
    });

    it(`reads a dump on stdin and takes the keyboard from the terminal (${rt.name})`, async () => {
      const notReady = rt.ready();
      assert.equal(notReady, undefined, notReady);
      const t = terminal(`${rt.name}-stdin`, `cat ${SAMPLE} | ${rt.command} -`);
      try {
        const s = await t.until(/›WARN  TIME_WAIT sockets hold a server port/);
        assert.match(s, /Data: stdin/);
        t.keys("?");
        await t.until(/Keys/);
        t.keys("Escape", "q");
        await t.until(/TCPDOC-EXIT=1/);
      } finally {
        t.close();
      }
    });

    it(`runs a check's probe in a live session after the confirmation (${rt.name})`, { skip: LIVE_SKIP }, async () => {
      const notReady = rt.ready();
      assert.equal(notReady, undefined, notReady);
      const ns = `tcpdoc-e2e-${rt.name}-${process.pid}`;
      const helper = liveNamespace(ns);
      const t = terminal(`${rt.name}-live`, `ip netns exec ${ns} ${rt.command} --no-user-rules`);
      try {
        let s = await t.until(/›\S+ +CLOSE_WAIT sockets pile up/);
        assert.match(s, /live/);
        // j and Enter in one write: the finding j selects is the one that opens.
        t.keys("Enter");
        s = await t.until(/What is wrong/);
        for (let i = 0; i < 12 && !/› +\[ \] 1\. List the CLOSE_WAIT/.test(t.screen()); i++) {
          t.keys("j");
          await new Promise((r) => setTimeout(r, 250));
        }
        t.keys("Enter");
        s = await t.until(/r: run the probe here/);
        assert.match(s, /Probe +sockets state=CLOSE_WAIT/);
        t.keys("r");
        s = await t.until(/Run this probe on this machine\?/);
        assert.match(s, /\/proc\/net\/tcp6/);
        await new Promise((r) => setTimeout(r, 300));
        t.keys("y");
        await t.until(/Output of sockets state=CLOSE_WAIT \(done/);
        s = await t.until(/CLOSE-WAIT +\d+ +\d+ +127\.0\.0\.1:8080 +127\.0\.0\.1:\d+ +users:/);
        fits(s);
        t.keys("q");
        await t.until(/TCPDOC-EXIT=1/);
      } finally {
        t.close();
        helper.kill("SIGKILL");
        spawnSync("ip", ["netns", "del", ns]);
      }
    });

    it(`watches a live namespace: ticks, pause, interval, a finding and back, quit (${rt.name})`, { skip: LIVE_SKIP }, async () => {
      const notReady = rt.ready();
      assert.equal(notReady, undefined, notReady);
      const ns = `tcpdoc-e2e-w-${rt.name}-${process.pid}`;
      const helper = liveNamespace(ns);
      const t = terminal(`${rt.name}-watch`, `ip netns exec ${ns} ${rt.command} watch --no-user-rules --interval 1s`);
      try {
        let s = await t.until(/tick [2-9]\d* +running/);
        assert.match(s, /CLOSE_WAIT +20 /);
        assert.match(s, /close-wait-leak/);
        assert.match(s, /space\/p pause +\+\/- interval +\/ filter/);
        fits(s);
        t.keys("Space");
        s = await t.until(/PAUSED/);
        const n = /tick (\d+)/.exec(s)![1];
        t.keys("+");
        s = await t.until(/every 2 s/);
        await new Promise((r) => setTimeout(r, 2500));
        assert.match(t.screen(), new RegExp(`tick ${n} +PAUSED`), "a tick was taken while paused");
        t.keys("1");
        s = await t.until(/What is wrong/);
        fits(s);
        t.keys("Escape");
        await t.until(/Findings \(/);
        t.keys("q");
        await t.until(/TCPDOC-EXIT=0/);
      } finally {
        t.close();
        helper.kill("SIGKILL");
        spawnSync("ip", ["netns", "del", ns]);
      }
    });

    it(`prints the text report when stdout is not a terminal (${rt.name})`, async () => {
      const notReady = rt.ready();
      assert.equal(notReady, undefined, notReady);
      const t = terminal(`${rt.name}-pipe`, `${rt.command} ${SAMPLE} | head -3`);
      try {
        const s = await t.until(/TCPDOC-EXIT=/);
        assert.match(s, /tcpdoc: analysis of/);
        assert.doesNotMatch(s, /\[Overview\]/);
      } finally {
        t.close();
      }
    });
  });
}
