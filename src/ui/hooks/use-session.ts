/**
 * The live state of a guided session: findings, answers (each re-runs
 * diagnose() at once), steps done, commands run and their read-back facts.
 */

import { useCallback, useRef, useState } from "react";
import type { Check, Finding, Question } from "../../model/finding.ts";
import type { Snapshot } from "../../model/snapshot.ts";
import { describeFed, feedOutput, runCommand, type RunLimits } from "../check_runner.ts";
import type { SessionRecord } from "../export.ts";
import {
  type AnswerRecord,
  type Change,
  type CheckRun,
  describeChanges,
  diffFindings,
  findingKey,
  sortFindings,
} from "../session.ts";

/** Evaluates the rules over the snapshot with the answers given so far. */
export type DiagnoseFn = (snap: Snapshot, answers: Record<string, string>) => Promise<Finding[]>;

/** A message for the status line. */
export interface Status {
  text: string;
  tone: "info" | "good" | "bad";
}

/** What {@link useSession} starts from. */
export interface SessionInit {
  snap: Snapshot;
  findings: Finding[];
  diagnose: DiagnoseFn;
  /** Answers given up front (--answer). */
  answers?: Record<string, string>;
  /** Limits for commands run for checks. */
  limits?: RunLimits;
}

/** The session state and its actions. */
export interface Session extends SessionRecord {
  /** Confidence each finding had when first seen, by key. */
  firstConfidence: ReadonlyMap<string, number>;
  busy: string | undefined;
  status: Status | undefined;
  setStatus(s: Status | undefined): void;
  /** The finding with this key: current, or the last copy of a ruled-out one. */
  find(key: string): { finding: Finding; ruledOut: boolean } | undefined;
  /** Records (or with undefined, clears) an answer and re-runs diagnose(). */
  answer(f: Finding, q: Question, value: string | undefined): Promise<Change[]>;
  toggleDone(step: string): void;
  /** Runs a check's argv, shows its output, reads facts back and re-runs diagnose() when any were added. */
  runCheck(f: Finding, check: Check, argv: string[], command?: string): Promise<CheckRun>;
  /** Runs that belong to a check command, newest last. */
  runsOf(command: string): CheckRun[];
}

/** Holds a session's state; re-renders when it changes. */
export function useSession(init: SessionInit): Session {
  const [findings, setFindings] = useState<Finding[]>(() => sortFindings(init.findings));
  const current = useRef(findings);
  const [ruled, setRuled] = useState<Map<string, Finding>>(new Map());
  const [answerMap, setAnswerMap] = useState<Record<string, string>>(init.answers ?? {});
  const answersRef = useRef(answerMap);
  const [answers, setAnswers] = useState<AnswerRecord[]>([]);
  const [done, setDone] = useState<Set<string>>(new Set());
  const [runs, setRuns] = useState<CheckRun[]>([]);
  const [busy, setBusy] = useState<string | undefined>();
  const [status, setStatus] = useState<Status | undefined>();
  const first = useRef(new Map(findings.map((f) => [findingKey(f), f.confidence])));

  const rediagnose = useCallback(async (why: string): Promise<Change[]> => {
    setBusy(why);
    try {
      const next = sortFindings(await init.diagnose(init.snap, answersRef.current));
      const changes = diffFindings(current.current, next);
      const nextKeys = new Set(next.map(findingKey));
      const before = new Map(current.current.map((f) => [findingKey(f), f]));
      setRuled((old) => {
        const m = new Map(old);
        for (const k of nextKeys) m.delete(k);
        for (const c of changes) if (c.kind === "ruled-out") m.set(c.key, before.get(c.key)!);
        return m;
      });
      for (const f of next) if (!first.current.has(findingKey(f))) first.current.set(findingKey(f), f.confidence);
      current.current = next;
      setFindings(next);
      return changes;
    } finally {
      setBusy(undefined);
    }
  }, [init.diagnose, init.snap]);

  const answer = useCallback(async (f: Finding, q: Question, value: string | undefined) => {
    const map = { ...answersRef.current };
    if (value === undefined) delete map[q.id];
    else map[q.id] = value;
    answersRef.current = map;
    setAnswerMap(map);
    try {
      const changes = await rediagnose(`re-running the rules with ${q.id} = ${value ?? "(cleared)"}`);
      if (value !== undefined) {
        setAnswers((a) => [...a, { question: q.id, text: q.text, answer: value, rule: f.rule, changes }]);
      }
      setStatus({ text: `${q.id} = ${value ?? "(cleared)"}: ${describeChanges(changes)}`, tone: changes.length ? "good" : "info" });
      return changes;
    } catch (e) {
      setStatus({ text: `the rules failed: ${(e as Error).message}`, tone: "bad" });
      return [];
    }
  }, [rediagnose]);

  const toggleDone = useCallback((step: string) => {
    setDone((d) => {
      const n = new Set(d);
      if (n.has(step)) n.delete(step);
      else n.add(step);
      return n;
    });
  }, []);

  const runCheck = useCallback(async (f: Finding, check: Check, argv: string[], command?: string): Promise<CheckRun> => {
    const run: CheckRun = {
      command: command ?? check.command ?? argv.join(" "),
      findingTitle: f.title,
      checkTitle: check.title,
      status: "running",
      exitCode: null,
      output: "",
      truncated: false,
      ms: 0,
    };
    setRuns((r) => [...r, run]);
    const replace = (next: CheckRun) => setRuns((r) => r.map((x) => (x === run ? next : x)));
    const res = await runCommand(argv, init.limits);
    const done: CheckRun = { ...run, ...res };
    if (res.output.trim()) {
      const fed = feedOutput(init.snap, run.command, res.output);
      done.fed = describeFed(fed);
      if (fed.added) {
        try {
          done.changes = await rediagnose("re-running the rules with the command's output");
        } catch (e) {
          done.fed += `; the rules failed: ${(e as Error).message}`;
        }
      }
    }
    replace(done);
    const summary = done.changes ? `: ${describeChanges(done.changes)}` : "";
    setStatus({
      text: `${run.command}: ${done.status}${done.exitCode !== null ? ` (exit ${done.exitCode})` : ""}${summary}`,
      tone: done.status === "done" ? "good" : "bad",
    });
    return done;
  }, [init.limits, init.snap, rediagnose]);

  const find = useCallback((key: string) => {
    const f = findings.find((x) => findingKey(x) === key);
    if (f) return { finding: f, ruledOut: false };
    const r = ruled.get(key);
    return r ? { finding: r, ruledOut: true } : undefined;
  }, [findings, ruled]);

  return {
    snap: init.snap,
    findings,
    ruledOut: [...ruled.values()],
    answers,
    answerMap,
    done,
    runs,
    firstConfidence: first.current,
    busy,
    status,
    setStatus,
    find,
    answer,
    toggleDone,
    runCheck,
    runsOf: (command: string) => runs.filter((r) => r.command === command),
  };
}
