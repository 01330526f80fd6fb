/*
 * The state of one function body while its statements are emitted: the
 * plan, the module's constant pool, fresh local names, and what the body
 * does where a check fails.  The member walkers (codec-decode.ts,
 * codec-encode.ts) are shared by the fast and the detailed path; each path
 * passes its own `Failures`.
 */
import type { Node, Plan } from "./codec-plan.js";
import { laneable } from "./codec-lanes.js";
import type { Consts } from "./codec-source.js";

/** Where a check failed, as JS expressions: the member path and its offset within the struct. */
export interface Site {
  path: string;
  off: string;
}

/** The statement a body runs where a check fails. */
interface Failures {
  /** The member at `site` breaks a rule (decode: its bytes; encode: its value). */
  broken(site: Site, kind: string, reason: string): string;
}

export interface DecodeFailures extends Failures {
  /** Padding listed in constant `table` ((offset, length, mask) triples) is not zero; `b` is a free local. */
  paddingTable(table: string, b: string): string;
}

export interface EncodeFailures extends Failures {
  /** The value in `x` for the member at `site` is not `expected` (type or range). */
  badValue(site: Site, x: string, expected: string): string;
}

export class Emitter<F extends Failures> {
  private n = 0;
  constructor(
    readonly plan: Plan,
    readonly consts: Consts,
    readonly fail: F,
    /** Fast encode: no object-shape or typeof checks (the TypeError they would prevent reaches the detailed body). */
    readonly lean = false,
    /** Fast bodies that set up the 64-bit lanes (codec-lanes.ts). */
    readonly lanes = false,
  ) {}

  local(prefix = "x"): string {
    return `${prefix}${this.n++}`;
  }

  /** Whether the member at `base` is read or written through a lane. */
  onLane(node: Node, base: string): boolean {
    return this.lanes && laneable(node, base, this.plan);
  }
}

export type DecodeEmitter = Emitter<DecodeFailures>;
export type EncodeEmitter = Emitter<EncodeFailures>;
