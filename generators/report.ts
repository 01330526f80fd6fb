/* STUB: replaced by the issue that builds this generator. */
import type { Generator } from "./generator.js";

export const reportGenerator: Generator = { name: "report", generate: () => [] };
