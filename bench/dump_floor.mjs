// The awk pipeline's job done by Node itself: count the words of one
// whitespace-separated column (fields split on blanks as awk splits them)
// over the files, and print `COUNT WORD` lines as `sort | uniq -c` does.
// No rows kept, no addresses read, no facts: what Node alone takes for
// the answer `awk '{print $COL}' FILE | sort | uniq -c` gives, the floor
// under any Node program that reads every line of the dump. bench/run.mjs
// checks its counts against awk's before timing it beside tcpdoc.
//
//   node bench/dump_floor.mjs COL FILE...

import * as fs from "node:fs";

const col = Number(process.argv[2]);
const files = process.argv.slice(3);
if (!(col >= 1) || files.length === 0) {
  process.stderr.write("usage: node bench/dump_floor.mjs COL FILE...\n");
  process.exit(2);
}

// The distinct words (a state column holds a dozen): each word's bytes, its
// count, and an open-addressing table from an FNV-1a hash to word index + 1.
const words = [];
const counts = [];
let slots = new Int32Array(64);

function count(b, a, e) {
  let h = 0x811c9dc5;
  for (let i = a; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const mask = slots.length - 1;
  for (let k = h & mask; ; k = (k + 1) & mask) {
    const w = slots[k] - 1;
    if (w < 0) {
      words.push(b.slice(a, e));
      counts.push(1);
      slots[k] = words.length;
      if (words.length * 2 > slots.length) rehash();
      return;
    }
    const word = words[w];
    if (word.length === e - a) {
      let i = 0;
      while (i < word.length && word[i] === b[a + i]) i++;
      if (i === word.length) {
        counts[w]++;
        return;
      }
    }
  }
}

function rehash() {
  slots = new Int32Array(slots.length * 2);
  const mask = slots.length - 1;
  words.forEach((word, w) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word[i], 0x01000193);
    let k = h & mask;
    while (slots[k] !== 0) k = (k + 1) & mask;
    slots[k] = w + 1;
  });
}

/** Counts the column's word on each whole line of b[0, end); returns where the unfinished last line starts. */
function lines(b, end, last) {
  let i = 0;
  while (i < end) {
    let e = b.indexOf(10, i);
    if (e === -1 || e >= end) {
      if (!last) return i;
      e = end;
    }
    // Field by field up to the column; the rest of the line is skipped. A line
    // without that column counts as the empty word (awk prints an empty line).
    let f = 0;
    while (i < e) {
      while (i < e && (b[i] === 32 || b[i] === 9)) i++;
      if (i === e) break;
      const a = i;
      while (i < e && b[i] !== 32 && b[i] !== 9) i++;
      if (++f === col) {
        count(b, a, i);
        break;
      }
    }
    if (f < col) count(b, e, e);
    i = e + 1;
  }
  return end;
}

const CHUNK = 1 << 20;
let buf = new Uint8Array(CHUNK);
for (const file of files) {
  const fd = fs.openSync(file, "r");
  let have = 0;
  for (;;) {
    if (have === buf.length) {
      const bigger = new Uint8Array(buf.length * 2); // a line longer than the buffer
      bigger.set(buf);
      buf = bigger;
    }
    const n = fs.readSync(fd, buf, have, buf.length - have, null);
    const used = lines(buf, have + n, n === 0);
    if (n === 0) break;
    buf.copyWithin(0, used, have + n);
    have = have + n - used;
  }
  fs.closeSync(fd);
}
const latin1 = new TextDecoder("latin1");
process.stdout.write(words.map((w, i) => `${counts[i]} ${latin1.decode(w)}\n`).join(""));
