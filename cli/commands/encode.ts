/* STUB: replaced by the issue that builds `uapi encode`. */
import type { Command } from "../command.js";
import { UsageError } from "../io.js";

export const encodeCommand: Command = {
  name: "encode",
  summary: "(not built yet)",
  help: "usage: uapi encode (not built yet)\n",
  async run() {
    throw new UsageError("not built yet");
  },
};
