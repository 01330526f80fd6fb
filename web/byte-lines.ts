/*
 * A byte map cut into lines of equal width, so every ABI class of a struct is drawn on one scale and the
 * 8-byte boundaries (where the kernel's "multiples of 64 bits" rule looks) fall on the same columns.
 */
import type { ByteSegment } from "../syscall/report-data.js";

/** The bytes between two ruler ticks: one 64-bit word. */
export const WORD_BYTES = 8;

/**
 * Bytes per drawn line, the same for every struct so all maps share one scale: four words, wide enough for
 * a 4-byte member's label on a laptop screen.  A shorter struct leaves the rest of its line empty.
 */
export const LINE_BYTES = 32;

/** The part of a segment on one line; `first` marks the piece that starts the segment. */
export interface SegmentPiece {
  segment: ByteSegment;
  /** Index of the segment in its class's list. */
  index: number;
  /** Byte columns on the line, [from, to). */
  from: number;
  to: number;
  first: boolean;
}

export interface ByteLine {
  /** Offset of the line's first byte in the struct. */
  start: number;
  /** Bytes of the struct on this line (the last line may be short). */
  bytes: number;
  pieces: SegmentPiece[];
}

/** Cut `segments` (sorted by offset) of a `size`-byte struct into lines of `perLine` bytes. */
export function byteLines(segments: readonly ByteSegment[], size: number, perLine: number): ByteLine[] {
  const lines: ByteLine[] = [];
  for (let start = 0; start < Math.max(size, 1); start += perLine)
    lines.push({ start, bytes: Math.min(perLine, Math.max(size, 1) - start), pieces: [] });
  segments.forEach((segment, index) => {
    // A zero-sized member still gets a column, to be seen and hovered.
    const end = Math.min(segment.offset + Math.max(segment.size, 1), Math.max(size, 1));
    for (let at = segment.offset; at < end;) {
      const line = lines[Math.floor(at / perLine)];
      if (!line) break;
      const to = Math.min(end, line.start + perLine);
      line.pieces.push({ segment, index, from: at - line.start, to: to - line.start, first: at === segment.offset });
      at = to;
    }
  });
  return lines;
}
