/* STUB: replaced by the issue that builds this generator. */
import type { Generator } from "./generator.js";

export const assertsGenerator: Generator = { name: "asserts", generate: () => [] };
