/**
 * The config file: defaults for options, $XDG_CONFIG_HOME/tcpdoc/config.yaml
 * (~/.config/tcpdoc/config.yaml). Its keys are the long names of the
 * options marked `config` in the option table, plus allowed-listen-ports;
 * an unknown key or a bad value is an error naming file:line. The command
 * line wins over the file. YAML loads only when the file exists.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { inert } from "../text/inert.ts";
import { didYouMean, ioError, UsageError } from "./errors.ts";
import { type AnyOption, FLAG_NAMES, flagName, type FlagName, type Flags, OPTIONS } from "./options.ts";
import { checkChoice } from "./parse.ts";

/** The question the allowed-listen-ports key answers (rule unexpected-listener). */
export const ALLOWED_PORTS_QUESTION = "allowed-listen-ports";

/** Every key the file may hold, with its help, for the docs. */
export function configKeys(): { key: string; help: string }[] {
  const keys = FLAG_NAMES.filter((k) => OPTIONS[k].config).map((k) => {
    const o: AnyOption = OPTIONS[k];
    return { key: flagName(k), help: `${o.help}${o.kind === "choice" ? `: ${Object.keys(o.choices).join(", ")}` : ""}` };
  });
  keys.push({ key: ALLOWED_PORTS_QUESTION, help: "the ports that may listen on this host (rule unexpected-listener), e.g. [22, 443, 8000-8100]" });
  return keys;
}

/** What a config file sets. */
export interface Config {
  /** The file it was read from, if any. */
  file: string | undefined;
  values: Partial<Flags>;
  /** Answers to rule questions (allowed-listen-ports). */
  answers: Record<string, string>;
}

/** The default config file: $XDG_CONFIG_HOME/tcpdoc/config.yaml, else ~/.config/tcpdoc/config.yaml. */
export function defaultConfigFile(env: Record<string, string | undefined>): string | undefined {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? path.join(env.HOME, ".config") : undefined);
  return base ? path.join(base, "tcpdoc", "config.yaml") : undefined;
}

/** Most bytes a config file may have. */
const MAX_BYTES = 64 * 1024;

/**
 * Reads the config file: `explicit` (--config FILE, which must exist), else
 * the default one when it exists. Throws UsageError or UserError.
 */
export async function loadConfig(explicit: string | undefined, env: Record<string, string | undefined>): Promise<Config> {
  const file = explicit ?? defaultConfigFile(env);
  const none: Config = { file: undefined, values: {}, answers: {} };
  if (file === undefined) return none;
  let text: string;
  try {
    const fd = fs.openSync(file, "r");
    try {
      if (!fs.fstatSync(fd).isFile()) throw new UsageError(`${inert(file)}: the config file is not a regular file`, "config");
      const buf = new Uint8Array(MAX_BYTES + 1);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      if (n > MAX_BYTES) throw new UsageError(`${inert(file)}: the config file is larger than ${MAX_BYTES / 1024} KiB`, "config");
      text = new TextDecoder().decode(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as { code?: string }).code;
    if (explicit === undefined && (code === "ENOENT" || code === "ENOTDIR")) return none;
    throw ioError(e, file, "read the config file");
  }
  return { file, ...(await parseConfig(text, file)) };
}

/** Parses config text; `file` names it in errors. */
export async function parseConfig(text: string, file: string): Promise<{ values: Partial<Flags>; answers: Record<string, string> }> {
  const { readYamlMapping } = await import("./yaml_mapping.ts");
  const values: Partial<Flags> = {};
  const answers: Record<string, string> = {};
  const byKey = new Map<string, FlagName>(FLAG_NAMES.filter((k) => OPTIONS[k].config).map((k) => [flagName(k), k]));
  const known = [...byKey.keys(), ALLOWED_PORTS_QUESTION];
  for (const { key, value, where } of readYamlMapping(text, file, "config")) {
    if (key === ALLOWED_PORTS_QUESTION) {
      const items = Array.isArray(value) ? value.map(String) : typeof value === "string" || typeof value === "number" ? String(value).split(",") : [""];
      const ports = items.map((s) => s.trim());
      const bad = ports.find((p) => !/^\d{1,5}(-\d{1,5})?$/.test(p));
      if (bad !== undefined) {
        throw new UsageError(`${where}: ${ALLOWED_PORTS_QUESTION} takes ports and ranges such as [22, 443, 8000-8100], not "${inert(bad)}"`, "config");
      }
      answers[ALLOWED_PORTS_QUESTION] = ports.join(",");
      continue;
    }
    const flag = byKey.get(key);
    if (!flag) {
      throw new UsageError(`${where}: unknown key "${inert(key)}"${didYouMean(key, known)}; the keys are ${known.join(", ")}`, "config");
    }
    if (typeof value !== "string") throw new UsageError(`${where}: ${key} takes a word, not ${Array.isArray(value) ? "a list" : JSON.stringify(value)}`, "config");
    checkChoice(flag, value, `${where}: ${key}`);
    (values as Record<string, unknown>)[flag] = value;
  }
  return { values, answers };
}
