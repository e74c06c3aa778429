/** What the sources tests share: the sizes a socket table was asked to make room for. */

import { SocketTable } from "../../src/model/socket_table.ts";

/** Runs `read` and returns its result with each size SocketTable.reserve was called with meanwhile, in order. */
export function reserved<T>(read: () => T): { result: T; asked: number[] } {
  const original = SocketTable.prototype.reserve, asked: number[] = [];
  SocketTable.prototype.reserve = function (this: SocketTable, n: number) {
    asked.push(n);
    return original.call(this, n);
  };
  try {
    return { result: read(), asked };
  } finally {
    SocketTable.prototype.reserve = original;
  }
}
