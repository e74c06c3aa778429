/**
 * `tcpdoc rules new ID`: a rule and its test file to start from. Both pass
 * `rules validate` and `rules test` as written (a test checks it), so an
 * author edits a working rule instead of fighting the format first.
 */

import { ID_PATTERN } from "../engine/mod.ts";

/** The two files of a new rule: name (in the target directory) to text. */
export function scaffoldRule(id: string): { rule: { name: string; text: string }; test: { name: string; text: string } } {
  if (!new RegExp(ID_PATTERN).test(id) || id.length > 80) {
    throw new Error(`a rule id is lower case letters, digits and dashes, starting with a letter or digit (at most 80): not "${id}"`);
  }
  const rule = `# A new rule: edit the conditions, the message and the test cases in
# ${id}.test.yaml; check with 'tcpdoc rules validate' and 'tcpdoc rules test'.
# The facts and their paths: docs/facts.md; the format: docs/rule-authoring.md
# (editors: the schema is rules/rule.schema.json in the tcpdoc package).
id: ${id}
title: "Many sockets in CLOSE_WAIT on one local port"
severity: warning
tags: [CLOSE_WAIT]
confidence: 0.6
conditions:
  all:
    - fact: states
      path: $.CLOSE_WAIT
      operator: greaterThanInclusive
      value: 50
    - fact: group
      params: { state: CLOSE_WAIT, by: local-port }
      path: $.top.share
      operator: greaterThanInclusive
      value: 0.8
evidence:
  figures:
    close_wait: { fact: states, path: $.CLOSE_WAIT }
    port: { fact: group, params: { state: CLOSE_WAIT, by: local-port }, path: $.top.key }
  groups:
    - { fact: group, params: { state: CLOSE_WAIT, by: local-port } }
  sockets: { states: [CLOSE_WAIT], limit: 5 }
message: >
  {{close_wait}} sockets are in CLOSE_WAIT{{#port}}, most of them on local
  port {{port}}{{/port}}: the peers closed, and the program that owns the
  port has not closed its end.
checks:
  - title: List the CLOSE_WAIT sockets with their processes
    command: ss -tanp state close-wait
    look_for: the process that holds them
    read_only: true
    platforms: [linux]
    probe: { id: sockets, params: { state: close-wait } }
fixes:
  - title: Close the socket on every path, errors included
    steps:
      - Find where the program reads end-of-stream and make sure it closes the socket there.
`;
  const test = `# Cases for ${id}.yaml. Inputs are relative to this file's directory, or
# samples/... in the tcpdoc package; put your own captures beside this file.
cases:
  - name: "fires on a server that leaks CLOSE_WAIT"
    inputs:
      - samples/linux/close-wait-leak/ss-tan.txt
    expect:
      fires: true
      severity: warning
      evidence:
        close_wait: 300
        port: "8080"
  - name: "quiet on a healthy server"
    inputs:
      - samples/linux/healthy/ss-tan.txt
    expect:
      fires: false
`;
  return { rule: { name: `${id}.yaml`, text: rule }, test: { name: `${id}.test.yaml`, text: test } };
}
