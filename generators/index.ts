/* Every generator `uapi generate` runs, in output order. */
import { assertsGenerator } from "./asserts.js";
import { codecGenerator } from "./codecs.js";
import type { Generator } from "./generator.js";
import { headerGenerator } from "./header.js";
import { reportGenerator } from "./report.js";
import { shimGenerator } from "./shims.js";

export const GENERATORS: readonly Generator[] = [
  headerGenerator,
  assertsGenerator,
  codecGenerator,
  shimGenerator,
  reportGenerator,
];
