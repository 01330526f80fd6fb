/* Command-line parsing on node:util parseArgs, with the options every command shares. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ABIS, abiById } from "../spec/abis.js";
import type { AbiEntry } from "../spec/abi.js";
import { UsageError } from "./io.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** The option every spec-reading command takes. */
export const PROJECT_OPTIONS: Options = { config: { type: "string" } };

export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export function parse(argv: string[], options: Options): { values: Values; positionals: string[] } {
  try {
    return parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, ...options },
      allowPositionals: true,
      strict: true,
    }) as { values: Values; positionals: string[] };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
}

/** `--abi x86_64,i386 --abi arm` -> entries in table order; no flag -> every ABI. */
export function selectAbis(values: string[] | string | undefined): AbiEntry[] {
  const list = (Array.isArray(values) ? values : values ? [values] : [])
    .flatMap((v) => v.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  // Every name is checked, "all" included in a list: a typo must never widen or pass silently.
  const unknown = list.filter((id) => id !== "all" && !abiById(id));
  if (unknown.length)
    throw new UsageError(
      `unknown ABI ${unknown.map((u) => `'${u}'`).join(", ")}; known: all, ${ABIS.map((a) => a.id).join(", ")}`,
    );
  if (list.length === 0 || list.includes("all")) return [...ABIS];
  return ABIS.filter((a) => list.includes(a.id));
}

export function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, not '${value}'`);
  return value as T;
}

/** `--jobs N` (1 or 2: the work splits in two) or `auto`/absent: undefined, for the command to decide. */
export function jobsOption(value: string | undefined): number | undefined {
  if (value === undefined || value === "auto") return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`--jobs must be a positive number or 'auto', not '${value}'`);
  return Math.min(Number(value), 2);
}
