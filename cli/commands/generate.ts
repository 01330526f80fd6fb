/* STUB: replaced by the issue that builds `uapi generate`. */
import type { Command } from "../command.js";
import { UsageError } from "../io.js";

export const generateCommand: Command = {
  name: "generate",
  summary: "(not built yet)",
  help: "usage: uapi generate (not built yet)\n",
  async run() {
    throw new UsageError("not built yet");
  },
};
