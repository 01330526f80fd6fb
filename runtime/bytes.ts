/*
 * Byte buffers as the codecs take them: a DataView, or a Uint8Array whose
 * DataView is built once and cached, so no view is made per call.
 */
import { CodecError } from "./errors.js";

export type Bytes = DataView | Uint8Array;

const views = new WeakMap<Uint8Array, DataView>();
// One-entry cache in front of the WeakMap: codecs called in a loop on one buffer skip the lookup.
let lastBytes: Uint8Array | undefined;
let lastView: DataView | undefined;

/** The cached DataView over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  if (bytes === lastBytes) return lastView!;
  if (!(bytes instanceof Uint8Array)) throw new CodecError("", "", 0, "type", `expected a DataView or a Uint8Array, got ${bytes === null ? "null" : typeof bytes}`);
  let view = views.get(bytes);
  if (view === undefined) {
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    views.set(bytes, view);
  }
  lastBytes = bytes;
  lastView = view;
  return view;
}

/** Zero `length` bytes from `offset`. */
export function zero(view: DataView, offset: number, length: number): void {
  let i = 0;
  for (; i + 4 <= length; i += 4) view.setUint32(offset + i, 0);
  for (; i < length; i++) view.setUint8(offset + i, 0);
}

/** Offset (relative to `offset`) of the first byte that is not zero, or -1. */
export function firstNonZero(view: DataView, offset: number, length: number): number {
  for (let i = 0; i < length; i++) if (view.getUint8(offset + i) !== 0) return i;
  return -1;
}

/** Lower-case hex, no separators. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Hex digits with optional whitespace, ':' or '0x' prefixes; throws RangeError on anything else. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/0x/gi, "").replace(/[\s:_,]/g, "");
  if (!/^[0-9a-f]*$/i.test(clean)) throw new RangeError(`not hex: ${JSON.stringify(text.slice(0, 40))}`);
  if (clean.length % 2) throw new RangeError(`odd number of hex digits (${clean.length})`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Padding check for structs with very many padding runs: `runs` holds
 * (offset, length, mask) triples; returns the struct offset of the first
 * run at or after `from` with a non-zero padding bit, or -1.
 */
export function paddingAt(view: DataView, offset: number, runs: readonly number[], from: number): number {
  for (let r = 0; r < runs.length; r += 3) {
    const off = runs[r]!;
    const len = runs[r + 1]!;
    const mask = runs[r + 2]!;
    if (off + len <= from) continue;
    for (let i = Math.max(off, from); i < off + len; i++) if ((view.getUint8(offset + i) & mask) !== 0) return i;
  }
  return -1;
}

/** Zero every (offset, length) pair of `runs`. */
export function zeroRuns(view: DataView, offset: number, runs: readonly number[]): void {
  for (let r = 0; r < runs.length; r += 2) zero(view, offset + runs[r]!, runs[r + 1]!);
}

/**
 * 64-bit lanes over a DataView's bytes.  V8 (Node 20) compiles BigUint64Array
 * element access inline but calls a builtin for DataView get/setBigUint64, so
 * codecs use these lanes for 8-byte-aligned 64-bit fields when the target's
 * byte order is the host's.  Both lanes cover whole 8-byte words from the
 * view's start (which must be 8-aligned).
 */
export interface Lanes {
  readonly u: BigUint64Array;
  readonly s: BigInt64Array;
}

/** True when this machine stores integers little-endian (typed arrays use host order). */
export const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const lanesCache = new WeakMap<DataView, Lanes | null>();
let lastLaneView: DataView | undefined;
let lastLanes: Lanes | null = null;

function lanesOf(view: DataView): Lanes | null {
  let lanes = lanesCache.get(view);
  if (lanes === undefined) {
    const words = Math.floor(view.byteLength / 8);
    lanes = view.byteOffset % 8 === 0 ? { u: new BigUint64Array(view.buffer, view.byteOffset, words), s: new BigInt64Array(view.buffer, view.byteOffset, words) } : null;
    lanesCache.set(view, lanes);
  }
  lastLaneView = view;
  lastLanes = lanes;
  return lanes;
}

/** The cached 64-bit lanes of `view` for a little-endian target, or null (big-endian host, or the view starts unaligned). */
export function lanesLE(view: DataView): Lanes | null {
  if (!HOST_LITTLE) return null;
  return view === lastLaneView ? lastLanes : lanesOf(view);
}

/** The same for a big-endian target. */
export function lanesBE(view: DataView): Lanes | null {
  if (HOST_LITTLE) return null;
  return view === lastLaneView ? lastLanes : lanesOf(view);
}

/*
 * What a fast codec body asks for: the lanes of `view` when a struct of
 * `size` bytes at `offset` can use them -- target byte order is the host's,
 * `offset` is an 8-aligned index, and the struct lies wholly inside the
 * lanes (so no access to it can be out of bounds) -- else null.  Small so
 * that V8 inlines it and the generated body stays under its inlining limit.
 */
const fits = (lanes: Lanes | null, offset: number, size: number): Lanes | null =>
  lanes !== null && (offset >>> 0) === offset && (offset & 7) === 0 && offset + size <= lanes.u.length * 8 ? lanes : null;

/** Lanes for a little-endian struct of `size` bytes at `offset`, or null (see above). */
export function lanesAtLE(view: DataView, offset: number, size: number): Lanes | null {
  return HOST_LITTLE ? fits(view === lastLaneView ? lastLanes : lanesOf(view), offset, size) : null;
}

/** Lanes for a big-endian struct of `size` bytes at `offset`, or null. */
export function lanesAtBE(view: DataView, offset: number, size: number): Lanes | null {
  return HOST_LITTLE ? null : fits(view === lastLaneView ? lastLanes : lanesOf(view), offset, size);
}
