/*
 * The contract a spec declares beyond layout (Documentation/process/botching-up-ioctls.rst,
 * include/linux/uaccess.h copy_struct_from_user()): which members must be zero, the known bits of a
 * flags word, and how an extensible struct grows.  The checks, the header, the kernel-side generator
 * and the codecs all read it from here, so the four agree.
 */
import type { ExtensionContract, FieldSpec, FlagSetSpec, StructSpec, InlineComposite } from "../spec/types.js";

/**
 * The kernel rejects a non-zero value: reserved and padding members unless declared otherwise, or
 * `mustBeZero: true`.
 */
export function isMustBeZero(spec: FieldSpec): boolean {
  return spec.mustBeZero ?? (spec.reserved === true || spec.padding === true);
}

/** The `#define` naming the mask of a flag set's known bits: `mask:`, else `<NAME>_ALL` in capitals. */
export function flagMaskName(set: FlagSetSpec): string {
  return set.mask ?? `${set.name.toUpperCase()}_ALL`;
}

/** The known (non-reserved) bits of a flag set that fit in a word of `width` bits. */
export function knownFlagBits(set: FlagSetSpec, width: number = set.width): bigint {
  let known = 0n;
  for (const b of set.bits) if (!b.reserved && b.bit < width) known |= 1n << BigInt(b.bit);
  return known;
}

/** The contract of a struct that may grow (a size that travels at run time); undefined for one that may not. */
export function growthContract(spec: StructSpec | InlineComposite): ExtensionContract | undefined {
  const contract = "extensible" in spec ? spec.extensible : undefined;
  return contract && contract.size !== "none" ? contract : undefined;
}

/** copy_struct_from_user() callers refuse sizes above a page (include/linux/uaccess.h; sched_setattr, clone3). */
export const MAX_EXTENSIBLE_SIZE = 4096;

/**
 * The smallest size a caller may pass for an extensible struct: its first published version's, else the struct's own
 * (`ksize`, sizeof on the ABI at hand).  The kernel side rejects a smaller one with -EINVAL and the codec as
 * "too-small", from this one function, so the two agree.
 */
export function minimumCallerSize(contract: ExtensionContract, ksize: number): number {
  return contract.versions?.[0]?.size ?? ksize;
}
