/* ABI lists as the page labels them: short enough for a row label, with the whole list for a tooltip. */
import type { AbiId } from "../spec/abi.js";

export interface AbiListText {
  /** "x86_64, x32, aarch64 +12", or "all 35 ABIs". */
  short: string;
  /** Every ABI, comma-separated. */
  full: string;
}

/** `total`: how many ABIs the analysis covers, so the complete list reads "all N ABIs". */
export function abiListText(ids: readonly AbiId[], total: number, max = 4): AbiListText {
  const full = ids.join(", ");
  if (ids.length === total && total > 1) return { short: `all ${total} ABIs`, full };
  if (ids.length <= max) return { short: full, full };
  return { short: `${ids.slice(0, max - 1).join(", ")} +${ids.length - max + 1}`, full };
}
