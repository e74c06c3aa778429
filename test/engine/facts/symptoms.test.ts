// The symptoms fact: log lines by error kind; unknown without a log.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, field, get, lab, why } from "../_helpers.ts";

describe("symptoms", () => {
  it("counts the errors an application log names, and 0 for the others", () => {
    const c = facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "app.log"));
    const v = get(c, "symptoms").value as Record<string, number>;
    assert.ok(v.EADDRNOTAVAIL > 0);
    assert.equal(v.EADDRINUSE, 0);
  });
  it("is unknown with no log at all", () => {
    const c = facts(lab("healthy", "ss-tan.txt"));
    assert.equal((get(c, "symptoms").value as Record<string, number>).EADDRINUSE, undefined);
    assert.match(why(c, "symptoms", "$.EADDRINUSE"), /no application log/);
  });
  it("tells a connect that found no free port from a bind, by the call the line names", () => {
    const addrInUse = (files: string[]) => (get(facts(files), "symptoms").value as { addrInUse: Record<string, number> }).addrInUse;
    // gRPC on Windows: "tcp_client_windows.c:106] on_connect error: Only one usage of each socket address ..."
    const grpc = addrInUse(field("ho-gh-grpc-windows-on-connect-10048-loop", "paste.txt"));
    assert.ok(grpc.connect > 0 && grpc.bind === 0, JSON.stringify(grpc));
    // a Windows server's bind of its own port
    const sia = addrInUse(field("gap-sia-windows-bind-only-one-usage-9980", "paste.txt"));
    assert.ok(sia.bind > 0 && sia.connect === 0, JSON.stringify(sia));
  });
});
