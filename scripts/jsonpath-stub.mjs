// Stand-in for jsonpath-plus, which json-rules-engine calls only when no
// pathResolver is given; tcpdoc gives its own to every engine
// (src/engine/evaluate.ts, src/fleet/evaluate.ts), so the bundle leaves out
// 60 KiB that every start would parse.
export function JSONPath() {
  throw new Error("tcpdoc: a fact path reached jsonpath-plus; every engine is meant to get tcpdoc's pathResolver");
}
