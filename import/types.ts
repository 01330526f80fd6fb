/*
 * What `uapi import` produces: a spec document built from C headers, and every
 * part of the headers it could not express, located in the header.
 */
import type { AbiId } from "../spec/abi.js";
import type { Loc } from "../core/diagnostic.js";
import type { SpecDocument } from "../spec/types.js";

export interface ImportOptions {
  /** Headers as include paths ("linux/iio/buffer.h") or files on disk. */
  headers: string[];
  /** -I directories searched before the system's kernel headers. */
  includeDirs: string[];
  /** The ABI the headers are compiled for (default x86_64). */
  abi: AbiId;
  /**
   * More ABIs to compile the same headers for: a member or attribute only some of the compiles have (the
   * preprocessor chose it) gets a `when:` condition.
   */
  alsoAbis?: AbiId[];
  /** The spec's name (default: from the first header). */
  name?: string;
}

/** Something in the header the spec does not say: never dropped silently. */
export interface ImportProblem {
  loc: Loc;
  severity: "error" | "warning" | "note";
  message: string;
  hint?: string;
}

export interface ImportCounts {
  structs: number;
  unions: number;
  enums: number;
  constants: number;
  commands: number;
}

export interface ImportResult {
  doc: SpecDocument;
  /** The spec as YAML, ordered like the header. */
  yaml: string;
  problems: ImportProblem[];
  counts: ImportCounts;
  /** Where an item of the spec (by its path in `doc`) is declared in the header, for those the compile located. */
  headerPositions: ReadonlyMap<string, Loc>;
}
