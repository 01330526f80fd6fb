/* STUB: replaced by the issue that builds `uapi compare`. */
import type { Command } from "../command.js";
import { UsageError } from "../io.js";

export const compareCommand: Command = {
  name: "compare",
  summary: "(not built yet)",
  help: "usage: uapi compare (not built yet)\n",
  async run() {
    throw new UsageError("not built yet");
  },
};
