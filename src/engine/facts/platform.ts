/** `platform`: the platform the socket tables come from, and what is true there (timings, ranges, setting names). */

import { type Platform, platformFacts } from "../platforms.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

const WORDS: Readonly<Record<string, string>> = {
  name: "the platform",
  known: "the platform is known",
  timeWaitSeconds: "seconds a socket stays in TIME_WAIT there",
  overflowFactor: "how far a listen queue fills before it drops, as a multiple of the backlog",
};

export const platform: Fact = {
  spec: {
    id: "platform",
    summary: "The platform the socket tables come from (the snapshot, the live host, the formats, the sysctl names, the log lines) and what is true there: how long TIME_WAIT lasts, the default ephemeral range and the settings and commands by their names on that platform. When nothing says, Linux's values (most pastes are Linux) with `known` false.",
    params: [],
    type: "object",
    paths: [
      { path: "$.name", type: "string", nullable: true, help: "`linux`, `macos`, `freebsd` or `windows`; null when unknown (also for a BSD netstat that does not tell macOS from FreeBSD)" },
      { path: "$.family", type: "string", nullable: true, help: "the platform, or `bsd` for macOS or FreeBSD; null when unknown" },
      { path: "$.known", type: "boolean", help: "something in the inputs says the platform" },
      { path: "$.from", type: "string", help: "what said it" },
      { path: "$.linux", type: "boolean", help: "Linux, or nothing says otherwise" },
      { path: "$.windows", type: "boolean", help: "Windows" },
      { path: "$.bsd", type: "boolean", help: "macOS or FreeBSD" },
      { path: "$.macos", type: "boolean", help: "macOS" },
      { path: "$.freebsd", type: "boolean", help: "FreeBSD" },
      { path: "$.label", type: "string", help: "its name in sentences (Linux, Windows, macOS, FreeBSD, BSD)" },
      { path: "$.timeWaitSeconds", type: "number", help: "how long TIME_WAIT lasts by default (Linux 60, Windows 120, macOS 30, FreeBSD 60)" },
      { path: "$.timeWaitSetting", type: "string", help: "what decides it" },
      { path: "$.rangeDefault", type: "string", help: "the default ephemeral range, `low-high`" },
      { path: "$.rangeSetting", type: "string", help: "the setting that holds the ephemeral range" },
      { path: "$.rangeCommand", type: "string", help: "the command that shows it" },
      { path: "$.backlogSetting", type: "string", help: "the cap on a listen backlog (net.core.somaxconn, kern.ipc.soacceptqueue, kern.ipc.somaxconn)" },
      { path: "$.backlogCap", type: "number", nullable: true, help: "the cap on listen backlogs: the setting when the inputs carry it (net.core.somaxconn, kern.ipc.soacceptqueue, kern.ipc.somaxconn), else the platform's default (4096 on Linux since 5.4, 128 on FreeBSD and macOS); null on Windows" },
      { path: "$.backlogCapSource", type: "string", help: "`sysctl` or `default`" },
      { path: "$.backlogCapFull", type: "number", nullable: true, help: "the accept queue of a listener at the cap when it is full: the cap plus one on Linux (which holds backlog + 1), 1.5 times it on BSD" },
      { path: "$.overflowFactor", type: "number", help: "how full a listen queue gets before new connections are dropped, as a multiple of the backlog (1.5 on BSD)" },
      { path: "$.socketsCommand", type: "string", help: "the command that lists TCP sockets with their processes" },
      { path: "$.listenersCommand", type: "string", help: "the command that lists listeners with their queues" },
      { path: "$.exclusiveBind", type: "string", help: "the socket option for a server port (SO_REUSEADDR; SO_EXCLUSIVEADDRUSE on Windows)" },
    ],
    unknown: "Never: an unknown platform reads as Linux with `known` false.",
    example: "{ fact: platform, path: $.windows, operator: equal, value: true }",
  },
  masked: false,
  pass: () => "platform",
  compute({ scan }) {
    const g = scan.platform();
    const sys = (k: string) => {
      const v = scan.snap.sysctls.get(k)?.value.trim();
      return v && /^\d+$/.test(v) ? Number(v) : undefined;
    };
    const capSet = sys("net.core.somaxconn") ?? sys("kern.ipc.soacceptqueue") ?? sys("kern.ipc.somaxconn");
    const capDefault = g.family === "windows" ? null : g.family === "bsd" || g.name === "macos" || g.name === "freebsd" ? 128 : 4096;
    const base: Platform = g.name ?? (g.family === "bsd" ? "freebsd" : "linux");
    const f = platformFacts(base);
    const bsd = g.family === "bsd" || g.name === "macos" || g.name === "freebsd";
    return {
      value: {
        name: g.name ?? null,
        family: g.family ?? null,
        known: g.family !== undefined,
        from: g.family !== undefined ? g.from : "nothing in the inputs",
        linux: g.family === undefined || g.family === "linux",
        windows: g.family === "windows",
        bsd,
        macos: g.name === "macos",
        freebsd: g.name === "freebsd",
        label: g.family === "bsd" ? "BSD" : f.name,
        timeWaitSeconds: f.timeWaitSeconds,
        timeWaitSetting: f.timeWaitSetting,
        rangeDefault: `${f.range.low}-${f.range.high}`,
        rangeSetting: f.rangeSetting,
        rangeCommand: f.rangeCommand,
        backlogSetting: g.family === "bsd" ? "kern.ipc.soacceptqueue (FreeBSD) or kern.ipc.somaxconn (macOS)" : f.backlogSetting,
        backlogCap: capSet ?? capDefault,
        backlogCapSource: capSet !== undefined ? "sysctl" : "default",
        backlogCapFull: (capSet ?? capDefault) === null ? null : bsd ? Math.floor((capSet ?? capDefault)! * 1.5) : (capSet ?? capDefault)! + 1,
        overflowFactor: f.overflowFactor,
        socketsCommand: g.family === "bsd" ? "netstat -an -p tcp" : f.socketsCommand,
        listenersCommand: f.listenersCommand,
        exclusiveBind: f.exclusiveBind,
      },
    };
  },
  words(_p, steps) {
    const tail = stepsText(steps);
    if (["linux", "windows", "bsd", "macos", "freebsd"].includes(tail)) return `the platform is ${tail === "bsd" ? "macOS or FreeBSD" : tail}`;
    return Object.hasOwn(WORDS, tail) ? WORDS[tail] : `platform.${tail}`;
  },
};
