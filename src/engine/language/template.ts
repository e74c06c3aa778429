/**
 * Message templates: the one `{{...}}` grammar. `{{name}}` is a figure's
 * value; `{{#name}}...{{/name}}` keeps its text only when the figure is
 * known. One linear scan, plain substitution: nothing in a template is
 * evaluated. Filling (findings), checking (validation) and showing
 * (`tcpdoc explain`) all read templates through `parseTemplate`.
 */

/** A piece of a template. `start`/`end` are offsets in the template text. */
export type TemplatePart =
  | { kind: "text"; text: string; start: number; end: number }
  | { kind: "figure" | "open" | "close"; name: string; text: string; start: number; end: number };

/**
 * Splits a template into text and tags. A tag is `{{`, optional space, an
 * optional `#` (open) or `/` (close), the name (no braces), optional
 * space and `}}`; anything else is text.
 *
 * @example
 * ```ts
 * parseTemplate("{{#p}}port {{p}}{{/p}}").map((x) => x.kind); // ["open", "text", "figure", "close"]
 * ```
 */
export function parseTemplate(t: string): TemplatePart[] {
  const out: TemplatePart[] = [];
  let text = 0;
  let i = t.indexOf("{{");
  while (i !== -1) {
    // the tag's body runs to the first brace after "{{"; it is a tag when that brace starts "}}"
    let j = i + 2;
    while (j < t.length && t[j] !== "{" && t[j] !== "}") j++;
    if (j + 1 < t.length && t[j] === "}" && t[j + 1] === "}") {
      const body = t.slice(i + 2, j).trimStart();
      const sigil = body[0] === "#" || body[0] === "/" ? body[0] : "";
      const name = (sigil ? body.slice(1) : body).trim();
      if (i > text) out.push({ kind: "text", text: t.slice(text, i), start: text, end: i });
      out.push({ kind: sigil === "#" ? "open" : sigil === "/" ? "close" : "figure", name, text: t.slice(i, j + 2), start: i, end: j + 2 });
      text = j + 2;
      i = t.indexOf("{{", text);
    } else i = t.indexOf("{{", i + 1);
  }
  if (text < t.length) out.push({ kind: "text", text: t.slice(text), start: text, end: t.length });
  return out;
}

/** Figure names a template uses, in figures and sections. */
export function templateNames(t: string): string[] {
  return parseTemplate(t).flatMap((p) => (p.kind === "text" ? [] : [p.name]));
}

/** A section that does not pair up, for validation. */
export interface TemplateProblem {
  kind: "unopened" | "unclosed";
  name: string;
  start: number;
}

/** Sections closed without being open, or left open. */
export function templateProblems(t: string): TemplateProblem[] {
  const out: TemplateProblem[] = [];
  const open: { name: string; start: number }[] = [];
  for (const p of parseTemplate(t)) {
    if (p.kind === "open") open.push(p);
    else if (p.kind === "close" && (open.length === 0 || open.pop()!.name !== p.name)) out.push({ kind: "unopened", name: p.name, start: p.start });
  }
  if (open.length) out.push({ kind: "unclosed", name: open[open.length - 1].name, start: open[open.length - 1].start });
  return out;
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Marks where a figure without a value stood, until its sentence is dropped. */
const GAP = "\u0000";

/**
 * Fills a template from `values` (figure name -> text). A section shows
 * when its figure has a value that is not in `unknown` nor in `empty` (0,
 * false, nothing: "0 still hold data" says nothing worth a sentence). A
 * figure outside any section whose value is unknown takes its whole
 * sentence with it: the message never says "unknown". A name that is no
 * figure at all is left as written.
 *
 * @example
 * ```ts
 * fillTemplate("{{n}} sockets{{#port}} on port {{port}}{{/port}}.", { n: "5" }, new Set(["port"])) === "5 sockets.";
 * fillTemplate("A. {{n}} sockets. B.", { n: "" }, new Set(["n"])) === "A. B.";
 * ```
 */
export function fillTemplate(template: string, values: Record<string, string>, unknown: ReadonlySet<string> = new Set(), empty: ReadonlySet<string> = new Set()): string {
  let out = "";
  // open sections, innermost last, each with whether its text shows
  const open: { name: string; shown: boolean }[] = [];
  let hidden = 0;
  for (const p of parseTemplate(template)) {
    if (p.kind === "open") {
      const shown = !unknown.has(p.name) && !empty.has(p.name) && own(values, p.name);
      open.push({ name: p.name, shown });
      if (!shown) hidden++;
    } else if (p.kind === "close") {
      if (open.length && open[open.length - 1].name === p.name && !open.pop()!.shown) hidden--;
    } else if (hidden === 0) {
      if (p.kind === "text") out += p.text;
      else if (unknown.has(p.name)) out += GAP;
      else out += own(values, p.name) ? values[p.name] : p.text;
    }
  }
  if (out.includes(GAP)) out = dropGapSentences(out);
  // a hidden section leaves its surrounding spaces behind
  return out.replace(/[ \t]{2,}/g, " ").replace(/ ([.,;:!?)])/g, "$1");
}

/** Removes every sentence that holds a GAP, paragraph by paragraph. */
function dropGapSentences(text: string): string {
  return text.split("\n").map((para) =>
    para.split(/(?<=[.!?]["')]?)\s+(?=[A-Z0-9"(])/).filter((s) => !s.includes(GAP)).join(" ")
  ).join("\n");
}

/** The template for reading: `<name>` for a figure, `[...]` around a section. */
export function showTemplate(template: string): string {
  return parseTemplate(template).map((p) => (p.kind === "text" ? p.text : p.kind === "figure" ? `<${p.name}>` : p.kind === "open" ? "[" : "]")).join("");
}
