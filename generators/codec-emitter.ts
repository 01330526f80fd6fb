/*
 * The state of one function body while its statements are emitted: the
 * plan, the module's constant pool, fresh local names, and what the body
 * does where a check fails.  The member walkers (codec-decode.ts,
 * codec-encode.ts) are shared by the fast and the detailed path; each path
 * passes its own `Failures`.
 */
import type { Node, Plan } from "./codec-plan.js";
import { laneable, laneElement, type LaneArray, type LaneWidth } from "./codec-lanes.js";
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
  /** The lane arrays the statements emitted so far use: the body's prologue sets up these (codec-prologue.ts). */
  readonly lanesUsed = new Set<LaneArray>();
  constructor(
    readonly plan: Plan,
    readonly consts: Consts,
    readonly fail: F,
    /** Fast encode: no object-shape or typeof checks (the TypeError they would prevent reaches the detailed body). */
    readonly lean = false,
    /** Fast bodies that set up lanes: the integer widths they read or write through them (codec-lanes.ts). */
    readonly lanes: readonly LaneWidth[] = [],
  ) {}

  local(prefix = "x"): string {
    return `${prefix}${this.n++}`;
  }

  /**
   * The lane element the integer member at `base` is read or written as (`signed`: decode reads a signed
   * 64-bit member through `ws`), or undefined when it takes a DataView call.
   */
  laneOf(node: Node, base: string, signed = false): string | undefined {
    if (node.k !== "int" || !laneable(node, base, this.plan, this.lanes)) return undefined;
    return this.use(laneElement(node.off, node.size as LaneWidth, signed));
  }

  /** The 32-bit lane element of the 4 bytes at struct offset `off`, when this body has one there (zero-filling). */
  laneAt32(off: number): string | undefined {
    if (!this.lanes.includes(4) || off % 4 !== 0) return undefined;
    return this.use(laneElement(off, 4));
  }

  private use({ array, element }: { array: LaneArray; element: string }): string {
    this.lanesUsed.add(array);
    return element;
  }
}

export type DecodeEmitter = Emitter<DecodeFailures>;
export type EncodeEmitter = Emitter<EncodeFailures>;
