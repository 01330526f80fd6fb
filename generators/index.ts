/* Every generator `uapi generate` runs, in output order. */
import { assertsGenerator } from "./asserts.js";
import { codecGenerator } from "./codecs.js";
import type { Generator } from "./generator.js";
import { headerGenerator } from "./header.js";
import { kernelHandlersGenerator } from "./kernel-handlers.js";
import { reportGenerator } from "./report.js";
import { shimGenerator } from "./shims.js";
import { syscallKernelGenerator } from "./syscall-kernel.js";
import { syscallTableGenerator } from "./syscall-table.js";
import { syscallWrapperGenerator } from "./syscall-wrappers.js";

export const GENERATORS: readonly Generator[] = [
  headerGenerator,
  assertsGenerator,
  codecGenerator,
  shimGenerator,
  kernelHandlersGenerator,
  syscallKernelGenerator,
  syscallTableGenerator,
  syscallWrapperGenerator,
  reportGenerator,
];
