/**
 * The live state of a guided session: findings, answers (each re-runs
 * diagnose() at once), steps done, probes run and their read-back facts.
 */

import { useCallback, useRef, useState } from "react";
import { describeFed, feedOutput } from "../../checks/feed.ts";
import { type ProbePlan, probeLine, type ProbeResult } from "../../checks/mod.ts";
import type { Check, Finding, Question } from "../../model/finding.ts";
import type { Snapshot } from "../../model/snapshot.ts";
import type { SessionRecord } from "../export.ts";
import {
  type AnswerRecord,
  type Change,
  type CheckRun,
  describeChanges,
  diffFindings,
  findingKey,
  sortFindings,
  stepKey,
} from "../session.ts";

/** Evaluates the rules over the snapshot with the answers given so far. */
export type DiagnoseFn = (snap: Snapshot, answers: Record<string, string>) => Promise<Finding[]>;

/** Runs a planned probe (src/sources/probes.ts at the edge; a stand-in in tests). */
export type RunCheckFn = (plan: ProbePlan) => Promise<ProbeResult>;

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
  /** Runs probes; absent, no check can run. */
  runCheck?: RunCheckFn;
  /** Answers recorded and steps done in an earlier session over the same watch, carried on. */
  resume?: { answers: readonly AnswerRecord[]; done: ReadonlySet<string> };
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
  /** True when probes can run in this session. */
  canRun: boolean;
  /** Runs a check's planned probe, keeps its output, reads facts back (re-running diagnose() when any were added) and marks the check done. */
  runCheck(f: Finding, index: number, check: Check, plan: ProbePlan): Promise<CheckRun>;
  /** Runs of one check (by step key), newest last. */
  runsOf(step: string): CheckRun[];
}

/** Holds a session's state; re-renders when it changes. */
export function useSession(init: SessionInit): Session {
  const [findings, setFindings] = useState<Finding[]>(() => sortFindings(init.findings));
  const current = useRef(findings);
  const [ruled, setRuled] = useState<Map<string, Finding>>(new Map());
  const [answerMap, setAnswerMap] = useState<Record<string, string>>(init.answers ?? {});
  const answersRef = useRef(answerMap);
  const [answers, setAnswers] = useState<AnswerRecord[]>(() => [...init.resume?.answers ?? []]);
  const [done, setDone] = useState<Set<string>>(() => new Set(init.resume?.done));
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

  const runCheck = useCallback(async (f: Finding, index: number, check: Check, plan: ProbePlan): Promise<CheckRun> => {
    const step = stepKey(f, "check", index);
    const run: CheckRun = {
      probe: probeLine(plan),
      step,
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
    const runner = init.runCheck;
    const res: ProbeResult = runner
      ? await runner(plan).catch((e: Error) => ({ status: "failed" as const, exitCode: null, output: e.message, truncated: false, ms: 0 }))
      : { status: "failed", exitCode: null, output: "this session cannot run probes", truncated: false, ms: 0 };
    const done: CheckRun = { ...run, ...res };
    if (res.status === "done" && res.output.trim()) {
      const fed = feedOutput(init.snap, run.probe, res.output);
      done.fed = describeFed(fed);
      if (fed.added) {
        try {
          done.changes = await rediagnose("re-running the rules with the probe's output");
        } catch (e) {
          done.fed += `; the rules failed: ${(e as Error).message}`;
        }
      }
    }
    replace(done);
    // A check that ran is a step done (x undoes it).
    if (done.status === "done") setDone((d) => (d.has(step) ? d : new Set(d).add(step)));
    const summary = done.changes ? `: ${describeChanges(done.changes)}` : "";
    setStatus({
      text: `${run.probe}: ${done.status}${done.exitCode !== null ? ` (exit ${done.exitCode})` : ""}${summary}`,
      tone: done.status === "done" ? "good" : "bad",
    });
    return done;
  }, [init.runCheck, init.snap, rediagnose]);

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
    canRun: Boolean(init.runCheck),
    runCheck,
    runsOf: (step: string) => runs.filter((r) => r.step === step),
  };
}
