// The fuzzer's consistency check of one JSON report (scripts/fuzz.mjs),
// apart so that a test can show it passes on good reports and fails on each
// rule broken (test/scripts/fuzz_check.test.ts): a check that is never
// shown failing can go stale unnoticed, as this one did once.

const sum = (o) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);

/** The bytes of the run's file an input of the report was read from, or undefined when it names none. */
export function fileOfInput(input, k, files) {
  const path = input.path ?? "";
  // A series lists its inputs in time order, not in the files' order: find the file by its name.
  const named = /input-(\d+)/.exec(path);
  if (named) return files[Number(named[1])];
  // stdin, or one file whose name the report shows some other way
  return path === "-" || files.length === 1 ? files[0] : undefined;
}

/**
 * What does not add up in a report of `tcpdoc analyze --json` over these
 * files (their bytes, file k written as input-k.txt): a list of reasons,
 * empty when it is consistent.
 *
 * - the states plus stateUnknown are the sockets;
 * - the summary counts each socket once: rows another input of the same
 *   moment listed (merged), counts without rows resolved against the rows
 *   (tallies) and a series' earlier moments (only "now" is counted) make it
 *   smaller than the inputs' sum, never larger; with none of them, equal;
 * - each input's line kinds add up to its lines, its unparsed count and
 *   lines agree, and for UTF-8 its lines are the newlines in its file's
 *   bytes (the file found by name: an input matched to no file fails).
 */
export function checkReport(report, files) {
  const why = [];
  const s = report?.summary;
  if (!s || !Array.isArray(report.inputs)) return ["no summary or inputs in the report"];
  if (sum(s.states) + s.stateUnknown !== s.sockets) {
    why.push(`states (${sum(s.states)}) + stateUnknown (${s.stateUnknown}) != sockets (${s.sockets})`);
  }
  const inputSockets = report.inputs.reduce((a, i) => a + i.sockets, 0);
  const exact = !report.series && report.inputs.every((i) => !i.merged && !i.tallies?.length);
  if (exact ? inputSockets !== s.sockets : s.sockets > inputSockets) {
    why.push(`inputs' sockets (${inputSockets}) ${exact ? "!=" : "<"} summary.sockets (${s.sockets})`);
  }
  report.inputs.forEach((input, k) => {
    if (sum(input.kinds) !== input.lines) why.push(`input ${k}: kinds add up to ${sum(input.kinds)}, not lines (${input.lines})`);
    if ((input.kinds?.unparsed ?? 0) !== input.unparsed) why.push(`input ${k}: kinds.unparsed != unparsed`);
    if ((input.unparsedLines ?? []).length !== Math.min(50, input.unparsed)) {
      why.push(`input ${k}: ${(input.unparsedLines ?? []).length} unparsedLines for ${input.unparsed} unparsed`);
    }
    const bytes = fileOfInput(input, k, files);
    if (!bytes) {
      why.push(`input ${k} (${JSON.stringify(input.path)}): matched to no file of the run`);
      return;
    }
    if (input.encoding === "utf-8") {
      let newlines = 0;
      for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) newlines++;
      const expected = newlines + (bytes.length && bytes[bytes.length - 1] !== 10 ? 1 : 0);
      if (input.lines !== expected) why.push(`input ${k}: ${input.lines} lines, the bytes have ${expected}`);
    }
  });
  return why;
}
