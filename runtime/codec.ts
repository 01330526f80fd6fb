/* The shape of a generated codec, shared by the static modules in out/codecs/ and the run-time compiler. */
import type { Bytes } from "./bytes.js";
import type { CodecWarning } from "./errors.js";
import type { IocDir } from "./ioc.js";

export interface Codec<T> {
  /** "struct bus1_cmd_send" */
  readonly name: string;
  /** sizeof on the ABIs this codec serves. */
  readonly size: number;
  /** _Alignof on the ABIs this codec serves. */
  readonly align: number;
  /**
   * Read the struct at `offset`.  Strict by default: throws CodecError on
   * truncation, non-zero padding/reserved bytes, unknown flag bits or enum
   * values.  Pass an array as `lenient` to collect those as warnings instead
   * (truncation still throws).
   */
  decode(bytes: Bytes, offset?: number, lenient?: CodecWarning[]): T;
  /**
   * Write `value` at `offset` of `into` (a fresh zeroed Uint8Array of `size`
   * bytes when absent) and return the buffer written to.  Padding and
   * reserved bytes are written as zero.  Throws CodecError for a value the
   * kernel would reject; the target range is then unspecified.
   */
  encode<B extends Bytes = Uint8Array>(value: T, into?: B, offset?: number): B;
  /** Present for a struct with a growth contract. */
  readonly growth?: Growth;
  /**
   * Present for a struct with a growth contract: read a caller's buffer of `usize` bytes at `offset` as the kernel's
   * copy_struct_from_user() and its callers' guards do, then decode the struct's `size` bytes as `decode` does
   * (runtime/README.md, "Extensible structs").  `usize` is required when the size travels in a syscall argument or
   * the ioctl number; with `size: "member"` it defaults to that member's value in the caller's bytes.
   */
  decodeSized?(bytes: Bytes, usize?: number, offset?: number, lenient?: CodecWarning[]): T;
}

/** How a struct may grow, as its spec's `extensible:` declares. */
export interface Growth {
  /** Where the caller's size travels: a member of the struct, a syscall argument, or the ioctl's _IOC_SIZE. */
  readonly size: "member" | "argument" | "ioctl";
  /** The member holding the size, with `size: "member"`. */
  readonly member?: string;
  /** The smallest caller's size accepted: the first published version's size, or `size` when none is published. */
  readonly minimum: number;
  /** The published sizes by their #define names, oldest first (a frozen null-prototype object). */
  readonly versions: Readonly<Record<string, number>>;
}

/** The codec of a struct with a growth contract, as its module declares it: `growth` and `decodeSized` are there. */
export interface SizedCodec<T> extends Codec<T> {
  readonly growth: Growth;
  decodeSized(bytes: Bytes, usize?: number, offset?: number, lenient?: CodecWarning[]): T;
}

/** One struct's codecs by ABI id; ABIs with the same layout and byte order share one codec object. */
export type AbiCodecs<T> = Readonly<Record<string, Codec<T>>>;

/** The same for a struct with a growth contract. */
export type SizedAbiCodecs<T> = Readonly<Record<string, SizedCodec<T>>>;

/** An ioctl command and its request number on each ABI (null where the argument does not fit the size field). */
export interface IoctlInfo {
  readonly dir: IocDir;
  readonly type: number;
  readonly nr: number;
  /** The argument's struct (or C type), when there is one. */
  readonly arg?: string;
  readonly numbers: Readonly<Record<string, number | null>>;
}
