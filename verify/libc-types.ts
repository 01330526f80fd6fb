/*
 * The ABI table's kernel and C library typedefs (spec/abis.ts, AbiEntry.typedefs) judged against
 * the target's own headers: the ABI's GCC (verify/compilers.ts) compiles a probe that includes
 * the Debian sysroot's headers that declare them -- <sys/types.h>, <time.h>, <linux/types.h>,
 * <linux/socket.h>, <linux/fs.h> (verify/sysroots.ts) -- and stores sizeof, the in-struct
 * alignment (offsetof in `struct { char c; T x; }`) and the signedness (`(T)-1 < (T)0`, 0 for
 * the pointer __kernel_caddr_t) of every typedef; the values are read back from the `-S` assembly.
 *
 * Only an exact capability counts: the compiler must run, the probe must compile, and every
 * header it read must come from the sysroot's directories or the compiler's own (Debian's
 * cross GCCs fall back to the host's /usr/include, which would answer for the wrong ABI).
 * Otherwise the ABI is "table-only", and the reason says which part is missing.
 */
import path from "node:path";
import { spawnSync } from "node:child_process";

import type { AbiEntry, TypedefName } from "../spec/abi.js";
import { TYPEDEF_NAMES, typedefHeader } from "../spec/abis.js";
import { cIdentifier, includeLine, lineComment, toolName } from "../core/c-writer.js";
import { CALIBRATION_SOURCE, dataReader } from "./asm-data.js";
import { gccCannotCompile } from "./backends.js";
import { compilersFor, type GccTarget } from "./compilers.js";
import { sysrootFor, type Sysroot } from "./sysroots.js";
import type { TypedefFigures, TypedefMismatch, TypedefVerdict } from "./verdict.js";

export type { TypedefFigures, TypedefMismatch, TypedefVerdict } from "./verdict.js";
import { compileSource, haveProgramCached } from "./system-cc.js";

export interface CheckTypedefsOptions {
  /** Judge with this GCC instead of the ABI's row in verify/compilers.ts (null: as if it had none). */
  gcc?: GccTarget | null;
  /** Use this sysroot instead of the ABI's row in verify/sysroots.ts (null: as if it had none). */
  sysroot?: Sysroot | null;
}

/** The headers that declare the typedefs (spec/abis.ts typedefHeader), after <stddef.h> for offsetof. */
export const PROBE_HEADERS: readonly string[] = [...new Set(["stddef.h", ...TYPEDEF_NAMES.map(typedefHeader)])];

const TYPEDEFS_LABEL = toolName("typedefs");

/** Bytes per typedef in the probe's data: size, in-struct alignment, signedness. */
const FIGURES = 3;

/**
 * The probe: for typedef i, bytes 3i, 3i+1 and 3i+2 of `__uapi_typedefs` are its size, in-struct
 * alignment and signedness.  Bytes need no byte order; the calibration data (verify/asm-data.ts)
 * tells the reader which directive is which size, should a target spell bytes with wider directives.
 * A pointer compares as unsigned: `(char *)-1 < (char *)0` is 0.
 */
export function typedefProbeSource(names: readonly TypedefName[] = TYPEDEF_NAMES): string {
  return [
    lineComment("uapi-workbench: kernel and C library typedefs as the target's own headers define them."),
    ...PROBE_HEADERS.map((h) => includeLine(h)),
    "",
    CALIBRATION_SOURCE,
    ...names.map((n, i) => `struct ${toolName(`td${i}`)} { char c; ${cIdentifier(n)} x; };`),
    `const unsigned char ${TYPEDEFS_LABEL}[] = {`,
    ...names.map((n, i) => `\tsizeof(${n}), offsetof(struct ${toolName(`td${i}`)}, x), (${n})-1 < (${n})0,`),
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
  if (bytes.length !== names.length * FIGURES) {
    throw new Error(
      `${abi.id}: read ${bytes.length} bytes of ${TYPEDEFS_LABEL} from ${compiler}'s assembly, ` +
        `expected ${names.length * FIGURES}`,
    );
  }
  const measured = {} as Record<TypedefName, TypedefFigures>;
  const mismatches: TypedefMismatch[] = [];
  names.forEach((name, i) => {
    const [size, align, signed] = [...bytes.subarray(FIGURES * i, FIGURES * (i + 1))] as [number, number, number];
    if (size === 0 || align === 0 || align > size || signed > 1) {
      throw new Error(
        `${abi.id}: implausible ${name} ${size}/${align} signed=${signed} read from ${compiler}'s assembly`,
      );
    }
    const got = { size, align, signed: signed === 1 };
    measured[name] = got;
    const fact = abi.typedefs.facts[name];
    const table = { size: fact.size, align: fact.align, signed: fact.signed };
    if (table.size !== got.size || table.align !== got.align || table.signed !== got.signed) {
      mismatches.push({ typedef: name, table, sysroot: got });
    }
  });
  return { status: "checked", abi: abi.id, compiler, packages: sysroot.packages, measured, mismatches };
}
