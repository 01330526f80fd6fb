/* STUB: replaced by the issue that builds `uapi decode`. */
import type { Command } from "../command.js";
import { UsageError } from "../io.js";

export const decodeCommand: Command = {
  name: "decode",
  summary: "(not built yet)",
  help: "usage: uapi decode (not built yet)\n",
  async run() {
    throw new UsageError("not built yet");
  },
};
