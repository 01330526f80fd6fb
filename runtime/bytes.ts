/*
 * Byte buffers as the codecs take them: a DataView, or a Uint8Array whose
 * DataView is built once and cached, so no view is made per call.
 */
import { CodecError } from "./errors.js";

export type Bytes = DataView | Uint8Array;

const views = new WeakMap<Uint8Array, DataView>();
/**
 * What a fast body gets for anything that is not a Uint8Array: no byte is in bounds,
 * so it hands over to the detailed body, which reports.
 */
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));
const EMPTY_BYTES = new Uint8Array(0);
// One-entry cache in front of the WeakMap: codecs called in a loop on one buffer skip the lookup.
// It starts on a real (empty) array, so `viewOf(undefined)` can never hit it.
let lastBytes: unknown = EMPTY_BYTES;
let lastView: DataView = EMPTY_VIEW;

const describe = (x: unknown): string =>
  x === null
    ? "null"
    : Array.isArray(x)
      ? "an array"
      : ArrayBuffer.isView(x)
        ? ((x as object).constructor?.name ?? "a typed array")
        : typeof x;

/** The cached view of a Uint8Array, or undefined for anything else (or a detached buffer). Cold path. */
function lookup(bytes: unknown): DataView | undefined {
  if (!(bytes instanceof Uint8Array)) return undefined;
  let view = views.get(bytes);
  if (view === undefined) {
    try {
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch {
      return undefined; // detached
    }
    views.set(bytes, view);
  }
  lastBytes = bytes;
  lastView = view;
  return view;
}

/** The cached DataView over exactly the bytes of `bytes`; CodecError (kind "type") for anything but a Uint8Array. */
export function viewOf(bytes: Uint8Array): DataView {
  if (bytes === lastBytes) return lastView;
  const view = lookup(bytes);
  if (view === undefined)
    throw new CodecError(
      "",
      "",
      0,
      bytes instanceof Uint8Array ? "truncated" : "type",
      bytes instanceof Uint8Array
        ? "the Uint8Array's buffer is detached"
        : `expected a DataView or a Uint8Array, got ${describe(bytes)}`,
    );
  return view;
}

/**
 * What the generated fast bodies call: a DataView as it is, else like
 * `viewOf`, but never throws -- anything that is not a Uint8Array gets an
 * empty view, on which every access is out of bounds, so the fast body
 * hands over to the detailed body (which names the struct in its
 * CodecError).  Small, so that V8 inlines it.
 */
export function fastView(bytes: unknown): DataView {
  if (bytes instanceof DataView) return bytes;
  if (bytes === lastBytes) return lastView;
  return lookup(bytes) ?? EMPTY_VIEW;
}

/** What the detailed bodies call: the DataView to read or write, or a CodecError naming the struct. */
export function viewFor(bytes: unknown, struct: string, target = false): DataView {
  if (bytes instanceof DataView) return bytes;
  if (bytes === lastBytes) return lastView;
  const view = lookup(bytes);
  if (view !== undefined) return view;
  if (bytes instanceof Uint8Array) return EMPTY_VIEW; // detached: reported as truncated by the length check
  throw new CodecError(
    struct,
    "",
    0,
    "type",
    `expected ${target ? "the target to write to" : "the bytes to read"} as a DataView or a Uint8Array, ` +
      `got ${describe(bytes)}`,
  );
}

/** A view's byteLength, or 0 when its buffer is detached or shrunk below it (where byteLength throws). */
export function lengthOf(view: DataView): number {
  try {
    return view.byteLength;
  } catch {
    return 0;
  }
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

const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Lower-case hex, no separators. */
export function toHex(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Joined in slices: one string per byte for a megabyte would be a needless peak.
  for (let i = 0; i < bytes.length; i += 4096) {
    let s = "";
    const end = Math.min(bytes.length, i + 4096);
    for (let j = i; j < end; j++) s += HEX_PAIRS[bytes[j]!]!;
    parts.push(s);
  }
  return parts.join("");
}

/** Thrown by `fromHex`: `offset` is the index in the text of the offending character (0-based). */
export class HexError extends RangeError {
  override name = "HexError";
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[65 + i] = HEX_VALUE[97 + i] = 10 + i;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
const hexValue = (c: number) => (c < 128 ? HEX_VALUE[c]! : -1);
const charAt = (text: string, i: number) => JSON.stringify(String.fromCodePoint(text.codePointAt(i)!));
/** Why the character at `i` is refused; an `x` or `X` there is a 0x prefix out of place. */
function notHexDigit(text: string, i: number): string {
  const c = text.charCodeAt(i);
  return (
    `${charAt(text, i)} at offset ${i} is not a hex digit` +
    (c === 0x78 || c === 0x58 ? " (a 0x prefix is allowed once, at the very start)" : "")
  );
}

/**
 * Strict hex: pairs of hex digits, one pair per byte.  Allowed besides the
 * digits: ASCII whitespace before, after and between bytes (never inside
 * one), and a single `0x`/`0X` prefix before the first byte of the whole
 * text.  Anything else -- a `0x` further on, ':' or other separators, a
 * lone digit (odd count), a non-hex character -- throws a HexError whose
 * `offset` is the index of the offending character.
 */
export function fromHex(text: string): Uint8Array {
  if (typeof text !== "string") throw new HexError(0, `expected hex as a string, got ${describe(text)}`);
  let i = 0;
  const n = text.length;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (i + 1 < n && text.charCodeAt(i) === 0x30 && (text.charCodeAt(i + 1) | 0x20) === 0x78) i += 2;
  const out = new Uint8Array((n - i) >>> 1);
  let len = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const hi = hexValue(c);
    if (hi < 0) throw new HexError(i, notHexDigit(text, i));
    if (i + 1 >= n)
      throw new HexError(i, `odd number of hex digits: the digit at offset ${i} has no partner (a byte is two digits)`);
    const d = text.charCodeAt(i + 1);
    const lo = hexValue(d);
    if (lo < 0) {
      if (isSpace(d))
        throw new HexError(
          i,
          `the digit at offset ${i} has no partner: whitespace at offset ${i + 1} splits a byte (a byte is two digits)`,
        );
      throw new HexError(i + 1, notHexDigit(text, i + 1));
    }
    out[len++] = (hi << 4) | lo;
    i += 2;
  }
  return len === out.length ? out : out.slice(0, len);
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
 * Lanes over a DataView's bytes.  V8 (Node 20) compiles BigUint64Array
 * element access inline but calls a builtin for DataView get/setBigUint64, so
 * codecs use these lanes for 8-byte-aligned 64-bit fields when the target's
 * byte order is the host's; encode also stores 4-byte-aligned 32-bit fields
 * through `u32` (a store there is far less bytecode than a DataView call).
 * All lanes cover whole 8-byte words from the view's start (which must be
 * 8-aligned).
 */
export interface Lanes {
  readonly u: BigUint64Array;
  readonly s: BigInt64Array;
  readonly u32: Uint32Array;
}

/** True when this machine stores integers little-endian (typed arrays use host order). */
export const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const lanesCache = new WeakMap<DataView, Lanes | null>();
let lastLaneView: DataView | undefined;
let lastLanes: Lanes | null = null;

function lanesOf(view: DataView): Lanes | null {
  let lanes = lanesCache.get(view);
  if (lanes === undefined) {
    try {
      const words = Math.floor(view.byteLength / 8);
      lanes =
        view.byteOffset % 8 === 0
          ? {
              u: new BigUint64Array(view.buffer, view.byteOffset, words),
              s: new BigInt64Array(view.buffer, view.byteOffset, words),
              u32: new Uint32Array(view.buffer, view.byteOffset, words * 2),
            }
          : null;
    } catch {
      return null; // detached or out of bounds: no lanes (and nothing cached, the view is dead)
    }
    lanesCache.set(view, lanes);
  }
  lastLaneView = view;
  lastLanes = lanes;
  return lanes;
}

/**
 * The cached 64-bit lanes of `view` for a little-endian target,
 * or null (big-endian host, or the view starts unaligned).
 */
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
  lanes !== null &&
  typeof offset === "number" &&
  offset >>> 0 === offset &&
  (offset & 7) === 0 &&
  offset + size <= lanes.u.length * 8
    ? lanes
    : null;

/** Lanes for a little-endian struct of `size` bytes at `offset`, or null (see above). */
export function lanesAtLE(view: DataView, offset: number, size: number): Lanes | null {
  return HOST_LITTLE ? fits(view === lastLaneView ? lastLanes : lanesOf(view), offset, size) : null;
}

/** Lanes for a big-endian struct of `size` bytes at `offset`, or null. */
export function lanesAtBE(view: DataView, offset: number, size: number): Lanes | null {
  return HOST_LITTLE ? null : fits(view === lastLaneView ? lastLanes : lanesOf(view), offset, size);
}
