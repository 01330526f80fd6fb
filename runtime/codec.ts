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
}

/** One struct's codecs by ABI id; ABIs with the same layout and byte order share one codec object. */
export type AbiCodecs<T> = Readonly<Record<string, Codec<T>>>;

/** An ioctl command and its request number on each ABI (null where the argument does not fit the size field). */
export interface IoctlInfo {
  readonly dir: IocDir;
  readonly type: number;
  readonly nr: number;
  /** The argument's struct (or C type), when there is one. */
  readonly arg?: string;
  readonly numbers: Readonly<Record<string, number | null>>;
}
