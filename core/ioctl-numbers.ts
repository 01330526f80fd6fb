/* The request number of every command on every ABI: the one fact the ioctl checks, codecs and reports all need. */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { IOC_FAMILIES, iocEncode, iocMaxSize, type IocFamilyName } from "../runtime/ioc.js";
import { layoutType } from "./layout.js";
import type { CommandModel } from "./model.js";

export interface CommandNumber {
  abi: AbiId;
  family: IocFamilyName;
  /** sizeof the argument type on this ABI (0 for _IO). */
  size: number;
  /** The request number, or undefined when the size does not fit the family's size field. */
  value?: number;
}

export function argSize(cmd: CommandModel, abi: AbiEntry): number {
  return cmd.spec.dir === "none" || !cmd.arg ? 0 : layoutType(cmd.arg, abi).size;
}

export function commandNumber(cmd: CommandModel, abi: AbiEntry): CommandNumber {
  const enc = IOC_FAMILIES[abi.ioc];
  const size = argSize(cmd, abi);
  const value = size <= iocMaxSize(enc) ? iocEncode(enc, cmd.spec.dir, cmd.magic, cmd.spec.nr, size) : undefined;
  return { abi: abi.id, family: abi.ioc, size, value };
}

export const hex32 = (n: number) => "0x" + (n >>> 0).toString(16).toUpperCase().padStart(8, "0");
