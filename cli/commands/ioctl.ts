/* STUB: replaced by the issue that builds `uapi ioctl`. */
import type { Command } from "../command.js";
import { UsageError } from "../io.js";

export const ioctlCommand: Command = {
  name: "ioctl",
  summary: "(not built yet)",
  help: "usage: uapi ioctl (not built yet)\n",
  async run() {
    throw new UsageError("not built yet");
  },
};
