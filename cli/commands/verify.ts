/* STUB: replaced by the issue that builds `uapi verify`. */
import type { Command } from "../command.js";
import { UsageError } from "../io.js";

export const verifyCommand: Command = {
  name: "verify",
  summary: "(not built yet)",
  help: "usage: uapi verify (not built yet)\n",
  async run() {
    throw new UsageError("not built yet");
  },
};
