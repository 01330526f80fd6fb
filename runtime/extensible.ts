/*
 * The caller's bytes of a struct that may grow, as the kernel takes them: copy_struct_from_user(dst, ksize, src,
 * usize) (include/linux/uaccess.h) behind the guards its callers add (openat2, clone3, sched_setattr).  A generated
 * codec's `decodeSized` calls `callerBytes` with its struct's constants, then its ordinary decode body on what it
 * returns: the layout is never interpreted here.  Rules and their order: runtime/README.md, "Extensible structs".
 */
import { firstNonZero, lengthOf, viewFor, type Bytes } from "./bytes.js";
import { bad, fail, truncated, why, type CodecWarning } from "./errors.js";

/** An unsigned integer of `width` bytes (1, 2, 4 or 8) at `at`; above 2^53 it is no longer exact, only huge. */
function readUnsigned(view: DataView, at: number, width: number, le: boolean): number {
  if (width === 1) return view.getUint8(at);
  if (width === 2) return view.getUint16(at, le);
  if (width === 4) return view.getUint32(at, le);
  const lo = view.getUint32(le ? at : at + 4, le);
  const hi = view.getUint32(le ? at + 4 : at, le);
  return hi * 2 ** 32 + lo;
}

/**
 * The bytes to decode a struct of `ksize` bytes from, for a caller's buffer of `usize` bytes at `offset`: `bytes`
 * itself when usize >= ksize (decode it at `offset`), else a new zero-filled Uint8Array of ksize bytes holding the
 * caller's usize bytes (decode it at 0).  In order:
 *
 * - `usize` undefined and the size travels in a member (`member`, `at`, `width`, `le`): the member's value read
 *   from the caller's bytes ("truncated" when the member is not inside them); not a non-negative integer: "type";
 * - usize < `minimum`: "too-small" (-EINVAL); usize > `max` (a page): "too-big" (-E2BIG);
 * - usize > ksize: bytes [ksize, usize) must be zero, else "too-big" (-E2BIG) at the first non-zero one; they are
 *   scanned before the length is checked, as the kernel does, so a non-zero byte wins over a short buffer;
 * - fewer than usize bytes at `offset`: "truncated" (-EFAULT).
 *
 * With a `lenient` array the "too-small" and "too-big" findings are pushed onto it and the bytes returned anyway
 * (short ones zero-filled); "type" and "truncated" always throw.
 */
export function callerBytes(
  bytes: unknown,
  usize: unknown,
  offset: unknown,
  lenient: CodecWarning[] | undefined,
  struct: string,
  ksize: number,
  minimum: number,
  max: number,
  member?: string,
  at = 0,
  width = 0,
  le = true,
): Bytes {
  const view = viewFor(bytes, struct);
  const have = lengthOf(view);
  if (typeof offset !== "number" || offset >>> 0 !== offset) return truncated(struct, ksize, offset, have);
  let size = usize;
  // Where a finding about the size points: the member it was read from, or the struct.
  let field = "";
  let where = 0;
  if (size === undefined && member !== undefined) {
    if (offset + at + width > have) fail(struct, member, at, "truncated", why.sizeMember(member, width, offset, have));
    size = readUnsigned(view, offset + at, width, le);
    field = member;
    where = at;
  }
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0)
    return fail(struct, field, where, "type", why.usize(size));
  if (size < minimum) bad(lenient, struct, field, where, "too-small", why.tooSmall(size, minimum));
  if (size > max) bad(lenient, struct, field, where, "too-big", why.tooBig(size, max));
  // copy_struct_from_user() checks the tail before it copies the struct: a non-zero byte before the caller's
  // buffer ends is -E2BIG even when the buffer is shorter than usize, and only then does the copy fault.
  const tailEnd = Math.min(offset + size, have);
  if (size > ksize && tailEnd > offset + ksize) {
    const i = firstNonZero(view, offset + ksize, tailEnd - offset - ksize);
    if (i !== -1) bad(lenient, struct, "", ksize + i, "too-big", why.trailing(ksize, size, ksize + i));
  }
  if (offset + size > have) fail(struct, "", 0, "truncated", why.callerTruncated(size, offset, have));
  if (size >= ksize) return bytes as Bytes;
  const out = new Uint8Array(ksize);
  out.set(new Uint8Array(view.buffer, view.byteOffset + offset, size));
  return out;
}
