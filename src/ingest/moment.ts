/**
 * When an input says it was taken: a `date` line printed before a table
 * (`date`, `date -u +%FT%TZ`, `date '+%F %T'`, localized forms), watch's
 * header, or a time stamp in the input's name. Times come back as ISO 8601:
 * with `Z` or an offset when the text gives one, as local time otherwise.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH = `(${MONTHS.join("|")})`;
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const ZONE = "([A-Z]{2,5}|[+-]\\d{4})";

// date(1) in the C locale: "Fri Feb  5 15:47:46 UTC 2021".
const C_LOCALE = new RegExp(`^${DAY} ${MONTH} +(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?: ${ZONE})? (\\d{4})$`);
// coreutils 9 in en_US: "Fri 05 Feb 2021 03:47:46 PM UTC".
const EN_US = new RegExp(`^${DAY},? (\\d{1,2}) ${MONTH} (\\d{4}) (\\d{1,2}):(\\d{2}):(\\d{2})(?: (AM|PM))?(?: ${ZONE})?$`);
// ISO and `date '+%F %T'`: "2021-02-05T15:47:46Z", "2021-02-05 15:47:46", "2021-02-05T15:47:46,123+01:00".
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d{1,9})?(?: ?(Z|UTC|GMT|[+-]\d{2}:?\d{2}|[A-Z]{2,5}))?$/;
// zh_CN: "2024年 03月 04日 星期一 10:00:01 CST".
const ZH = /^(\d{4})年 ?(\d{1,2})月 ?(\d{1,2})日(?: ?\S{2,3})? (\d{1,2}):(\d{2}):(\d{2})(?: ([A-Z]{2,5}))?$/;

const pad = (n: number | string) => String(n).padStart(2, "0");

function iso(y: string, mo: number, d: string, h: string | number, mi: string, s: string, zone: string | undefined): string | undefined {
  const day = Number(d), hour = Number(h);
  if (mo < 1 || mo > 12 || day < 1 || day > 31 || hour > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const base = `${y}-${pad(mo)}-${pad(day)}T${pad(hour)}:${mi}:${s}`;
  if (zone === undefined) return base;
  if (zone === "Z" || zone === "UTC" || zone === "GMT") return base + "Z";
  const off = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  // A named zone other than UTC (CET, CST) has no one offset: local time.
  return off ? `${base}${off[1]}${off[2]}:${off[3]}` : base;
}

/** The time a line that is only a date says, as ISO 8601; undefined for any other line. */
export function dateLine(text: string): string | undefined {
  const s = text.trim();
  if (s.length < 16 || s.length > 60) return undefined;
  let m = C_LOCALE.exec(s);
  if (m) return iso(m[7], MONTHS.indexOf(m[1]) + 1, m[2], m[3], m[4], m[5], m[6]);
  m = EN_US.exec(s);
  if (m) {
    // Groups: day, month, year, hour, minute, second, AM/PM, zone.
    let h = Number(m[4]);
    if (m[7] === "PM" && h < 12) h += 12;
    if (m[7] === "AM" && h === 12) h = 0;
    return iso(m[3], MONTHS.indexOf(m[2]) + 1, m[1], h, m[5], m[6], m[8]);
  }
  m = ISO.exec(s);
  if (m) return iso(m[1], Number(m[2]), m[3], m[4], m[5], m[6], m[7]);
  m = ZH.exec(s);
  if (m) return iso(m[1], Number(m[2]), m[3], m[4], m[5], m[6], m[7]);
  return undefined;
}

// A date and a time in a file name: "ss-2024-05-01T10-00-00.txt", "netstat_20240501_100000.log", "dump-2024-05-01_10:00:00".
const NAME_TIME = /(?<!\d)(20\d{2})-?(\d{2})-?(\d{2})[T_ -]?(\d{2})[-:_.h]?(\d{2})[-:_.m]?(\d{2})(?!\d)/;

/** The time stamp in an input's name (its last path component), as ISO 8601 local time; undefined when it has none. */
export function nameTime(path: string): string | undefined {
  const name = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const m = NAME_TIME.exec(name);
  return m ? iso(m[1], Number(m[2]), m[3], m[4], m[5], m[6], undefined) : undefined;
}

/**
 * The difference between two ISO times in seconds, or undefined when one
 * of them is local and the other is not (they cannot be compared).
 */
export function secondsBetween(a: string, b: string): number | undefined {
  const zoned = (t: string) => /(?:Z|[+-]\d{2}:\d{2})$/.test(t);
  if (zoned(a) !== zoned(b)) return undefined;
  const ms = Date.parse(zoned(a) ? a : a + "Z") - Date.parse(zoned(b) ? b : b + "Z");
  return Number.isNaN(ms) ? undefined : Math.abs(ms) / 1000;
}
