// deploy/: the DaemonSet checked against a schema of the Kubernetes fields
// it uses (kubectl is not available here: every key must be one the API
// knows at its place, with the right type), for least privilege, and for a
// command tcpdoc accepts; the systemd unit's and the cron line's commands
// are run as written (with the output moved to a temporary directory).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT, tcpdoc } from "../cli/_run.ts";
import { tempDir } from "../_temp.ts";

/** A schema: an object's allowed keys and their schemas, a list's item schema, or a scalar type. */
type Schema = "string" | "number" | "boolean" | { object: Record<string, Schema>; required?: string[] } | { list: Schema } | { map: "string" };

const labels: Schema = { map: "string" };
const meta: Schema = { object: { name: "string", namespace: "string", labels, annotations: labels }, required: ["name"] };
const capabilities: Schema = { object: { add: { list: "string" }, drop: { list: "string" } } };
const seccomp: Schema = { object: { seccompProfile: { object: { type: "string", localhostProfile: "string" }, required: ["type"] } } };
const containerSecurity: Schema = {
  object: {
    runAsUser: "number", runAsGroup: "number", runAsNonRoot: "boolean", privileged: "boolean", allowPrivilegeEscalation: "boolean",
    readOnlyRootFilesystem: "boolean", capabilities, seccompProfile: { object: { type: "string" } },
  },
};
const quantity: Schema = { object: { cpu: "string", memory: "string" } };
const container: Schema = {
  object: {
    name: "string", image: "string", imagePullPolicy: "string", command: { list: "string" }, args: { list: "string" },
    securityContext: containerSecurity, resources: { object: { requests: quantity, limits: quantity } },
    volumeMounts: { list: { object: { name: "string", mountPath: "string", readOnly: "boolean", subPath: "string" }, required: ["name", "mountPath"] } },
    env: { list: { object: { name: "string", value: "string" }, required: ["name"] } },
  },
  required: ["name", "image"],
};
const volume: Schema = {
  object: { name: "string", hostPath: { object: { path: "string", type: "string" }, required: ["path"] }, emptyDir: { object: {} } },
  required: ["name"],
};
const podSpec: Schema = {
  object: {
    automountServiceAccountToken: "boolean", serviceAccountName: "string", hostNetwork: "boolean", hostPID: "boolean", hostIPC: "boolean",
    tolerations: { list: { object: { operator: "string", key: "string", effect: "string", value: "string" } } },
    securityContext: seccomp, containers: { list: container }, volumes: { list: volume }, priorityClassName: "string",
    nodeSelector: labels,
  },
  required: ["containers"],
};
const DAEMONSET: Schema = {
  object: {
    apiVersion: "string", kind: "string", metadata: meta,
    spec: {
      object: {
        selector: { object: { matchLabels: labels }, required: ["matchLabels"] },
        updateStrategy: { object: { type: "string" } },
        template: { object: { metadata: { object: { labels, annotations: labels } }, spec: podSpec }, required: ["spec"] },
      },
      required: ["selector", "template"],
    },
  },
  required: ["apiVersion", "kind", "metadata", "spec"],
};

/** Problems of a value against a schema, each as "where: what". */
function check(v: unknown, s: Schema, where = "$"): string[] {
  if (typeof s === "string") return typeof v === s ? [] : [`${where}: should be a ${s}, is ${JSON.stringify(v)}`];
  if ("list" in s) return Array.isArray(v) ? v.flatMap((x, i) => check(x, s.list, `${where}[${i}]`)) : [`${where}: should be a list`];
  if (!v || typeof v !== "object" || Array.isArray(v)) return [`${where}: should be a mapping`];
  const o = v as Record<string, unknown>;
  if ("map" in s) return Object.entries(o).flatMap(([k, x]) => check(x, s.map, `${where}.${k}`));
  const out = Object.keys(o).filter((k) => !(k in s.object)).map((k) => `${where}.${k}: not a field here`);
  for (const k of s.required ?? []) if (!(k in o)) out.push(`${where}.${k}: missing`);
  for (const [k, x] of Object.entries(o)) if (k in s.object) out.push(...check(x, s.object[k], `${where}.${k}`));
  return out;
}

const ds = parse(fs.readFileSync(path.join(ROOT, "deploy", "kubernetes", "daemonset.yaml"), "utf8"));

describe("deploy/kubernetes/daemonset.yaml", () => {
  it("is a DaemonSet whose every field is one the API knows, with the right type", () => {
    assert.equal(ds.apiVersion, "apps/v1");
    assert.equal(ds.kind, "DaemonSet");
    assert.deepEqual(check(ds, DAEMONSET), []);
    const t = ds.spec.template;
    for (const [k, v] of Object.entries(ds.spec.selector.matchLabels)) assert.equal(t.metadata.labels[k], v, `the selector selects the pods: ${k}`);
    for (const m of t.spec.containers[0].volumeMounts) assert.ok(t.spec.volumes.some((v: { name: string }) => v.name === m.name), m.name);
  });

  it("the schema check catches a misplaced field", () => {
    const bad = structuredClone(ds);
    bad.spec.template.spec.containers[0].securityContext.privileged = "no";
    bad.spec.template.spec.hostNetworks = true;
    assert.deepEqual(check(bad, DAEMONSET).length, 2);
  });

  it("asks for the least: no host network or PID, read-only /proc, two read-only capabilities, nothing else", () => {
    const spec = ds.spec.template.spec;
    assert.notEqual(spec.hostNetwork, true);
    assert.notEqual(spec.hostPID, true);
    assert.equal(spec.automountServiceAccountToken, false);
    const c = spec.containers[0];
    assert.equal(c.securityContext.privileged, false);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"], add: ["SYS_PTRACE", "DAC_READ_SEARCH"] });
    const proc = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/host/proc");
    assert.equal(proc.readOnly, true);
    assert.equal(spec.volumes.find((v: { name: string }) => v.name === proc.name).hostPath.path, "/proc");
    assert.ok(c.resources.limits.memory);
  });

  it("runs a command tcpdoc accepts: export --prometheus --all-netns into the textfile mount", () => {
    const line = /node \/opt\/tcpdoc\/bin\/tcpdoc\.js (export [^|]*?)\s*\|\|/.exec(ds.spec.template.spec.containers[0].args[0]);
    assert.ok(line, "the loop runs tcpdoc export");
    const args = line[1].split(/\s+/);
    assert.ok(args.includes("--all-netns") && args.includes("--prometheus"));
    const out = args[args.indexOf("-o") + 1];
    assert.ok(ds.spec.template.spec.containers[0].volumeMounts.some((m: { mountPath: string }) => out.startsWith(m.mountPath + "/")), out);
    // the same command here, with this machine's /proc and a temporary file
    const file = path.join(tempDir(), "tcpdoc.prom");
    const here = args.map((a) => (a === "/host/proc" ? "/proc" : a === out ? file : a));
    const r = tcpdoc(here);
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(file, "utf8"), /^tcpdoc_sockets\{netns="\d+"/m);
  });
});

describe("deploy/systemd and deploy/cron", () => {
  it("run commands tcpdoc accepts", () => {
    const unit = fs.readFileSync(path.join(ROOT, "deploy", "systemd", "tcpdoc-export.service"), "utf8");
    const cron = fs.readFileSync(path.join(ROOT, "deploy", "cron", "tcpdoc"), "utf8");
    const lines = [/^ExecStart=\/usr\/bin\/tcpdoc (.*)$/m.exec(unit)![1], /\/usr\/bin\/tcpdoc (export .*?) 2>>/.exec(cron)![1]];
    for (const l of lines) {
      const file = path.join(tempDir(), "tcpdoc.prom");
      const args = l.split(/\s+/).map((a) => (a.endsWith("/tcpdoc.prom") ? file : a));
      const r = tcpdoc(args);
      assert.equal(r.status, 0, `${l}: ${r.stderr}`);
      assert.match(fs.readFileSync(file, "utf8"), /^# HELP tcpdoc_sockets /);
    }
    assert.match(unit, /^User=tcpdoc$/m);
    assert.match(cron, /^\S+ \S+ \S+ \S+ \S+ tcpdoc /m);
  });
});
