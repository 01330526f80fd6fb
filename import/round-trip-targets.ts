/*
 * The compilers a round trip runs on: GCC where it compiles for the ABI here (`gcc -m64`,
 * `-m32`, `-mx32` with multilib; the Debian cross GCCs on request) and the bundled
 * @yowasp/clang on every ABI clang implements (verify/compilers.ts).  A target that cannot run
 * is listed with the reason, so a report never counts it.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import { compilersFor, type ClangTarget, type GccTarget, type Limit } from "../verify/compilers.js";
import { gccCannotCompile, yowaspInstalled, YOWASP_PACKAGE } from "../verify/backends.js";

export interface RoundTripTarget {
  abi: AbiEntry;
  compiler: "gcc" | "clang";
  /** "gcc -m32", "clang (@yowasp/clang) --target=mips-linux-gnu". */
  label: string;
  gcc?: GccTarget;
  clang?: ClangTarget;
  /** Record features this compiler lays out unlike Linux on this ABI: no engine comparison for them. */
  limits: Limit[];
}

export interface SkippedTarget {
  abi: AbiId;
  compiler: "gcc" | "clang";
  label: string;
  reason: string;
}

export interface TargetSelection {
  /** ABIs to run on (default: every ABI with a compiler). */
  abis?: readonly AbiId[];
  /** GCC: the host's x86 ABIs only (default), every ABI with a GCC row (the Debian cross GCCs too), or none. */
  gcc?: "x86" | "all" | "none";
  /** The bundled @yowasp/clang (default true). */
  clang?: boolean;
}

export interface ResolvedTargets {
  targets: RoundTripTarget[];
  skipped: SkippedTarget[];
}

const HOST_GCC_ABIS: readonly AbiId[] = ["x86_64", "i386", "x32"];

const gccLabel = (g: GccTarget) => [g.command, ...g.flags].join(" ");
const clangLabel = (c: ClangTarget) =>
  `clang (${YOWASP_PACKAGE}) --target=${c.triple}${c.flags.length ? ` ${c.flags.join(" ")}` : ""}`;

/** The targets of a selection, each probed; GCC first (it is the fastest, and finds clashing batches early). */
export async function resolveTargets(sel: TargetSelection = {}): Promise<ResolvedTargets> {
  const abis = sel.abis ? ABIS.filter((a) => sel.abis!.includes(a.id)) : ABIS;
  const gccMode = sel.gcc ?? "x86";
  const targets: RoundTripTarget[] = [];
  const skipped: SkippedTarget[] = [];
  for (const abi of abis) {
    const g = compilersFor(abi.id).gcc;
    if (!g || gccMode === "none" || (gccMode === "x86" && !HOST_GCC_ABIS.includes(abi.id))) continue;
    const why = gccCannotCompile(g);
    if (why) skipped.push({ abi: abi.id, compiler: "gcc", label: gccLabel(g), reason: why });
    else
      targets.push({ abi, compiler: "gcc", label: gccLabel(g), gcc: g, limits: (g.limits ?? []).map((l) => l.limit) });
  }
  if (sel.clang ?? true) {
    const installed = await yowaspInstalled();
    for (const abi of abis) {
      const c = compilersFor(abi.id).clang;
      if (!c) continue;
      if (!installed)
        skipped.push({
          abi: abi.id,
          compiler: "clang",
          label: clangLabel(c),
          reason: `${YOWASP_PACKAGE} is not installed`,
        });
      else
        targets.push({
          abi,
          compiler: "clang",
          label: clangLabel(c),
          clang: c,
          limits: (c.limits ?? []).map((l) => l.limit),
        });
    }
  }
  return { targets, skipped };
}
