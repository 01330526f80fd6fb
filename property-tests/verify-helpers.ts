/* Shared by the verify-*.test.ts files: which ABIs a compiler can judge on this machine, and why not. */
import type { AbiEntry } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import { compilersFor } from "../verify/compilers.js";
import { haveProgramCached } from "../verify/system-cc.js";
import { gccCannotCompile } from "../verify/backends.js";

export interface Judges {
  abi: AbiEntry;
  /** Compilers that will run: "clang" (@yowasp/clang) and/or the GCC command. */
  compilers: string[];
  /** Why no compiler will run (empty when some will). */
  why: string;
}

/** For each ABI: the compilers verifyLayouts will use in auto mode here, or why there are none. */
export function judges(abis: readonly AbiEntry[] = ABIS): Judges[] {
  return abis.map((abi) => {
    const row = compilersFor(abi.id);
    const compilers: string[] = [];
    if (row.clang) compilers.push("clang");
    const gccWhy = !row.gcc
      ? undefined
      : haveProgramCached(row.gcc.command)
        ? gccCannotCompile(row.gcc)
        : `${row.gcc.command} is not installed (CI installs it: .ci/run)`;
    if (row.gcc && !gccWhy) compilers.push(row.gcc.command);
    const why = compilers.length ? "" : (gccWhy ?? row.note ?? "no compiler");
    return { abi, compilers, why };
  });
}
