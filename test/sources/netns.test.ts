// --all-netns on the real kernel: three network namespaces, each with a
// process holding a different number of connections on the same port, two
// of them in cgroups named as docker and as a Kubernetes pod name them.
// Every socket must be attributed to its own namespace, and each namespace
// labelled by what its cgroup says. Needs root (ip netns, cgroupfs).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { containerOf } from "../../src/sources/netns.ts";
import { tcpdoc } from "../cli/_run.ts";

const ROOT_USER = typeof process.getuid === "function" && process.getuid() === 0;
const IP = spawnSync("ip", ["-V"]).status === 0;
const PY = spawnSync("python3", ["-V"]).status === 0;
const CGROUP = "/sys/fs/cgroup/pids";
const skip = !ROOT_USER ? "needs root (ip netns add)" : !IP ? "needs iproute2 (ip)" : !PY ? "needs python3 for the socket holders" : false;

const TAG = `tcpdoc-t${process.pid}`;
const HEX = (c: string) => c.repeat(64);
const SERVER = [
  "import socket, sys, time",
  "n = int(sys.argv[1]); s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
  "s.bind(('127.0.0.1', 5100)); s.listen(16)",
  "c = [socket.create_connection(('127.0.0.1', 5100)) for _ in range(n)]; a = [s.accept() for _ in range(n)]",
  "print('ready', flush=True); time.sleep(120)",
].join("\n");

interface Ns {
  name: string;
  conns: number;
  cgroup?: string;
  inode?: number;
  proc?: ChildProcess;
}

const spaces: Ns[] = [
  { name: `${TAG}-a`, conns: 1 },
  { name: `${TAG}-b`, conns: 2, cgroup: `${TAG}/docker/${HEX("b")}` },
  { name: `${TAG}-c`, conns: 3, cgroup: `${TAG}/kubepods/besteffort/pod0a1b2c3d-0000-4000-8000-00000000000c/${HEX("c")}` },
];

describe("--all-netns on the real kernel", { skip }, () => {
  let cgroups = false;
  before(async () => {
    cgroups = fs.existsSync(`${CGROUP}/cgroup.procs`);
    for (const ns of spaces) {
      assert.equal(spawnSync("ip", ["netns", "add", ns.name]).status, 0);
      spawnSync("ip", ["-n", ns.name, "link", "set", "lo", "up"]);
      ns.inode = fs.statSync(`/run/netns/${ns.name}`).ino;
      const p = spawn("ip", ["netns", "exec", ns.name, "python3", "-c", SERVER, String(ns.conns)], { stdio: ["ignore", "pipe", "inherit"] });
      ns.proc = p;
      await new Promise<void>((resolve, reject) => {
        p.stdout!.on("data", (d) => String(d).includes("ready") && resolve());
        p.on("exit", (c) => reject(new Error(`socket holder in ${ns.name} exited (${c})`)));
      });
      if (cgroups && ns.cgroup) {
        fs.mkdirSync(`${CGROUP}/${ns.cgroup}`, { recursive: true });
        fs.writeFileSync(`${CGROUP}/${ns.cgroup}/cgroup.procs`, String(p.pid));
      }
    }
  });
  after(() => {
    for (const ns of spaces) {
      ns.proc?.kill("SIGKILL");
      spawnSync("ip", ["netns", "del", ns.name]);
    }
    // the cgroups empty once their processes are gone: remove them deepest first
    const dirs = spaces.flatMap((ns) => (ns.cgroup ? ns.cgroup.split("/").map((_, i, a) => a.slice(0, i + 1).join("/")) : []));
    for (const d of [...new Set(dirs)].sort((a, b) => b.length - a.length)) {
      for (let i = 0; i < 50; i++) {
        try {
          fs.rmdirSync(`${CGROUP}/${d}`);
          break;
        } catch (e) {
          if ((e as { code?: string }).code === "ENOENT") break;
          spawnSync("sleep", ["0.1"]);
        }
      }
    }
  });

  it("analyze --all-netns: each namespace's sockets under its own inode, with its container or pod", () => {
    const r = tcpdoc(["analyze", "--all-netns", "--json"]);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const hosts = JSON.parse(r.stdout).hosts as { host: string; labels: Record<string, string>; states: Record<string, number> }[];
    for (const ns of spaces) {
      const h = hosts.find((x) => x.labels.netns === String(ns.inode));
      assert.ok(h, `${ns.name} (netns ${ns.inode}) is in the report`);
      assert.equal(h.states.ESTABLISHED, 2 * ns.conns, ns.name);
      assert.equal(h.states.LISTEN, 1, ns.name);
    }
    if (cgroups) {
      const b = hosts.find((x) => x.labels.netns === String(spaces[1].inode))!;
      assert.equal(b.labels.container, "b".repeat(12));
      assert.equal(b.labels.runtime, "docker");
      assert.equal(b.host, `container-${"b".repeat(12)}`);
      const c = hosts.find((x) => x.labels.netns === String(spaces[2].inode))!;
      assert.equal(c.labels.pod_uid, "0a1b2c3d-0000-4000-8000-00000000000c");
      assert.equal(c.labels.runtime, "kubernetes");
    }
  });

  it("export --prometheus --all-netns: one set of samples per namespace", () => {
    const r = tcpdoc(["export", "--prometheus", "--all-netns"]);
    assert.equal(r.status, 0, r.stderr);
    for (const ns of spaces) {
      const re = new RegExp(`^tcpdoc_sockets\\{netns="${ns.inode}"[^}]*state="ESTABLISHED"\\} (\\d+)$`, "m");
      assert.equal(re.exec(r.stdout)?.[1], String(2 * ns.conns), ns.name);
    }
    const check = spawnSync("promtool", ["check", "metrics"], { input: r.stdout, encoding: "utf8" });
    if (check.status !== null && !check.error) assert.equal(check.status, 0, check.stdout + check.stderr);
  });
});

describe("containerOf: what a cgroup path says", () => {
  it("docker, containerd, CRI-O, Kubernetes pods, and plain hosts", () => {
    const id = "0123456789abcdef".repeat(4);
    assert.deepEqual(containerOf(`0::/system.slice/docker-${id}.scope\n`), { container: id, runtime: "docker" });
    assert.deepEqual(containerOf(`12:pids:/docker/${id}\n`), { container: id, runtime: "docker" });
    assert.deepEqual(containerOf(`0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1f2e3d4c_5b6a_4798_8a9b_0c1d2e3f4a5b.slice/cri-containerd-${id}.scope\n`), {
      podUid: "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", container: id, runtime: "containerd",
    });
    assert.deepEqual(containerOf(`0::/kubepods.slice/kubepods-pod1f2e3d4c_5b6a_4798_8a9b_0c1d2e3f4a5b.slice/crio-${id}.scope\n`).runtime, "cri-o");
    assert.deepEqual(containerOf(`4:memory:/kubepods/besteffort/pod1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b/${id}\n`), { podUid: "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", container: id, runtime: "kubernetes" });
    assert.deepEqual(containerOf("0::/user.slice/user-1000.slice/session-2.scope\n"), {});
  });
});
