/*
 * The indentation a new line takes after a line of block YAML, where the structure says more than "as the line
 * above": below `key:` (or a block scalar's `key: |`) one level deeper; below `- key: value` at the item's keys;
 * below a scalar item at its `- `.  Undefined elsewhere, so the editor keeps the line above's indentation.
 */
import { lineShape } from "./yaml-cursor.js";

export function indentAfter(line: string, unit = 2): number | undefined {
  const shape = lineShape(line);
  if (!shape) return undefined;
  const last = shape.marks[shape.marks.length - 1];
  if (shape.key !== undefined)
    return shape.value === "" || /^[|>]/.test(shape.value)
      ? shape.content + unit
      : last === undefined
        ? undefined
        : shape.content;
  if (last === undefined) return undefined;
  return shape.value === "" ? last + unit : last;
}
