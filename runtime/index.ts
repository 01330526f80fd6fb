/*
 * The codec runtime: everything generated codecs (out/codecs/*.ts) and users
 * import.  Dependency-free by design.
 */
export {
  bad,
  badValue,
  CodecError,
  encodeFailure,
  fail,
  truncated,
  why,
  type CodecErrorKind,
  type CodecIssue,
  type CodecWarning,
} from "./errors.js";
export {
  fastView,
  firstNonZero,
  fromHex,
  HexError,
  HOST_LITTLE,
  lanesAtBE,
  lanesAtLE,
  lanesBE,
  lanesLE,
  lengthOf,
  paddingAt,
  toHex,
  viewFor,
  viewOf,
  zero,
  zeroRuns,
  type Bytes,
  type Lanes,
} from "./bytes.js";
export { INHERITED_KEYS, own, table } from "./objects.js";
export {
  halvesOf,
  KERNEL_SCALARS,
  readScalar,
  scratch64,
  u64FromHalves,
  writeScalar,
  type KernelScalarName,
} from "./scalars.js";
export type { AbiCodecs, Codec, Growth, IoctlInfo, SizedAbiCodecs, SizedCodec } from "./codec.js";
export { callerBytes } from "./extensible.js";
export {
  IOC_FAMILIES,
  iocDecode,
  iocEncode,
  iocMacro,
  iocMaxSize,
  type IocDir,
  type IocEncoding,
  type IocFamilyName,
  type IocFields,
} from "./ioc.js";
