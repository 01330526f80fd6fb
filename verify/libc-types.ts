/*
 * The ABI table's kernel and C library typedefs (spec/abis.ts, AbiEntry.typedefs) judged against
 * the target's own headers: the ABI's GCC (verify/compilers.ts) compiles a probe that includes
 * the Debian sysroot's <sys/types.h>, <time.h>, <linux/types.h>, <linux/posix_types.h> ...
 * (verify/sysroots.ts) and stores sizeof and the in-struct alignment (offsetof in
 * `struct { char c; T x; }`) of every typedef; the values are read back from the `-S` assembly.
 *
 * Only an exact capability counts: the compiler must run, the probe must compile, and every
 * header it read must come from the sysroot's directories or the compiler's own (Debian's
 * cross GCCs fall back to the host's /usr/include, which would answer for the wrong ABI).
 * Otherwise the ABI is "table-only", and the reason says which part is missing.
 */
import path from "node:path";
import { spawnSync } from "node:child_process";

import type { AbiEntry, AbiId, SizeAlign, TypedefName } from "../spec/abi.js";
import { TYPEDEF_NAMES } from "../spec/abis.js";
import { cIdentifier, includeLine, lineComment, toolName } from "../core/c-writer.js";
import { CALIBRATION_SOURCE, dataReader } from "./asm-data.js";
import { gccCannotCompile } from "./backends.js";
import { compilersFor, type GccTarget } from "./compilers.js";
import { sysrootFor, type Sysroot } from "./sysroots.js";
import { compileSource, haveProgramCached } from "./system-cc.js";

export interface TypedefMismatch {
  typedef: TypedefName;
  /** What the ABI row says. */
  table: SizeAlign;
  /** What the compiler says with the sysroot's headers. */
  sysroot: SizeAlign;
}

export type TypedefVerdict =
  | {
      status: "checked";
      abi: AbiId;
      /** The compiler command line that judged (command and flags, sysroot flags included). */
      compiler: string;
      /** The Debian packages whose headers were read. */
      packages: readonly string[];
      /** The compiler's value for every typedef of the row. */
      measured: Readonly<Record<TypedefName, SizeAlign>>;
      /** Typedefs where the row and the compiler disagree; empty when the row is right. */
      mismatches: TypedefMismatch[];
    }
  | {
      status: "table-only";
      abi: AbiId;
      /** Which capability is missing: "no cross compiler for <abi> here: ..." or "no sysroot for <abi> here: ...". */
      reason: string;
    };

export interface CheckTypedefsOptions {
  /** Judge with this GCC instead of the ABI's row in verify/compilers.ts (null: as if it had none). */
  gcc?: GccTarget | null;
  /** Use this sysroot instead of the ABI's row in verify/sysroots.ts (null: as if it had none). */
  sysroot?: Sysroot | null;
}

/** The headers that define the typedefs: C library first, then the kernel's uapi. */
export const PROBE_HEADERS: readonly string[] = [
  "stddef.h",
  "sys/types.h",
  "sys/time.h",
  "time.h",
  "linux/types.h",
  "linux/posix_types.h",
];

const TYPEDEFS_LABEL = toolName("typedefs");

/**
 * The probe: for typedef i, bytes 2i and 2i+1 of `__uapi_typedefs` are its size and in-struct
 * alignment.  Bytes need no byte order; the calibration data (verify/asm-data.ts) tells the
 * reader which directive is which size, should a target spell bytes with wider directives.
 */
export function typedefProbeSource(names: readonly TypedefName[] = TYPEDEF_NAMES): string {
  return [
    lineComment("uapi-workbench: kernel and C library typedefs as the target's own headers define them."),
    ...PROBE_HEADERS.map((h) => includeLine(h)),
    "",
    CALIBRATION_SOURCE,
    ...names.map((n, i) => `struct ${toolName(`td${i}`)} { char c; ${cIdentifier(n)} x; };`),
    `const unsigned char ${TYPEDEFS_LABEL}[] = {`,
    ...names.map((n, i) => `\tsizeof(${n}), offsetof(struct ${toolName(`td${i}`)}, x),`),
    "};",
    "",
  ].join("\n");
}

/** The directory holding a GCC's own headers (stddef.h, include-fixed), cached per command line. */
const ownDirs = new Map<string, string | undefined>();
function compilerOwnDir(command: string, flags: readonly string[]): string | undefined {
  const key = [command, ...flags].join("\0");
  if (!ownDirs.has(key)) {
    const r = spawnSync(command, [...flags, "-print-file-name=include"], { encoding: "utf8" });
    const dir = r.status === 0 ? r.stdout.trim() : "";
    ownDirs.set(key, path.isAbsolute(dir) ? path.dirname(path.resolve(dir)) : undefined);
  }
  return ownDirs.get(key);
}

const within = (file: string, dir: string): boolean => {
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
};

/** The headers GCC's -H listed on stderr, as absolute normalised paths. */
function headersRead(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split("\n")) {
    const m = /^\.+ (.+)$/.exec(line);
    if (m) out.push(path.resolve(m[1]!.trim()));
  }
  return out;
}

const install = (s: Sysroot): string => `apt-get install ${s.packages.join(" ")}`;

/**
 * Compile the row's typedefs with the ABI's GCC against its Debian sysroot and compare sizes and
 * in-struct alignments with `abi.typedefs`.  The row is a parameter, so a deliberately wrong row
 * can be judged too.  Throws only when the probe compiled but its output cannot be read (a bug
 * here, not a missing capability).
 */
export function checkTypedefs(abi: AbiEntry, opts: CheckTypedefsOptions = {}): TypedefVerdict {
  const tableOnly = (reason: string): TypedefVerdict => ({ status: "table-only", abi: abi.id, reason });
  const row = compilersFor(abi.id);
  const gcc = opts.gcc === undefined ? row.gcc : (opts.gcc ?? undefined);
  if (!gcc) {
    // clang-only ABIs stay table-only: the probe is read from GCC's -S output, and clang here has no sysroot.
    const why = row.note ?? (row.clang ? "clang only" : "none listed");
    return tableOnly(`no cross compiler for ${abi.id} here: verify/compilers.ts has no GCC for it (${why})`);
  }
  const sysroot = opts.sysroot === undefined ? sysrootFor(abi.id) : (opts.sysroot ?? undefined);
  if (!sysroot) return tableOnly(`no sysroot for ${abi.id} here: verify/sysroots.ts names no Debian package for it`);
  if (!haveProgramCached(gcc.command)) {
    return tableOnly(`no cross compiler for ${abi.id} here: ${gcc.command} is not installed`);
  }

  const flags = [...gcc.flags, ...sysroot.flags];
  const compiler = [gcc.command, ...flags].join(" ");
  // The exact capability first: this GCC compiles for the ABI at all (`gcc -m32` without multilib does not).
  const cannot = gccCannotCompile(gcc);
  if (cannot) return tableOnly(`no cross compiler for ${abi.id} here: ${cannot}`);
  const names = TYPEDEF_NAMES;
  const source = typedefProbeSource(names);
  const r = compileSource({ compiler: gcc.command, args: [...flags, "-S", "-H", "-o", "-"], source });
  if (!r.ok) {
    const missing = /fatal error: ([^:\s]+): No such file or directory/.exec(r.stderr);
    if (missing) {
      return tableOnly(`no sysroot for ${abi.id} here: ${compiler} cannot find ${missing[1]} (${install(sysroot)})`);
    }
    const first = r.stderr.split("\n").find((l) => /error/.test(l)) ?? r.stderr.trim().split("\n")[0] ?? "";
    throw new Error(`${abi.id}: the typedef probe does not compile with ${compiler}: ${first}`);
  }

  const own = compilerOwnDir(gcc.command, flags);
  const allowed = [...sysroot.includeDirs.map((d) => path.resolve(d)), ...(own ? [own] : [])];
  const stray = headersRead(r.stderr).find((h) => !allowed.some((d) => within(h, d)));
  if (stray) {
    return tableOnly(
      `no sysroot for ${abi.id} here: ${compiler} read ${stray}, ` +
        `outside ${sysroot.includeDirs.join(", ")} (${install(sysroot)})`,
    );
  }

  const bytes = dataReader(r.stdout, abi.endian).bytes(TYPEDEFS_LABEL);
  if (bytes.length !== names.length * 2) {
    throw new Error(
      `${abi.id}: read ${bytes.length} bytes of ${TYPEDEFS_LABEL} from ${compiler}'s assembly, ` +
        `expected ${names.length * 2}`,
    );
  }
  const measured = {} as Record<TypedefName, SizeAlign>;
  const mismatches: TypedefMismatch[] = [];
  names.forEach((name, i) => {
    const got = { size: bytes[2 * i]!, align: bytes[2 * i + 1]! };
    if (got.size === 0 || got.align === 0 || got.align > got.size) {
      throw new Error(`${abi.id}: implausible ${name} ${got.size}/${got.align} read from ${compiler}'s assembly`);
    }
    measured[name] = got;
    const fact = abi.typedefs.facts[name];
    if (fact.size !== got.size || fact.align !== got.align) {
      mismatches.push({ typedef: name, table: { size: fact.size, align: fact.align }, sysroot: got });
    }
  });
  return { status: "checked", abi: abi.id, compiler, packages: sysroot.packages, measured, mismatches };
}
