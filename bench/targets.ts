/* A target an issue set for the bench, with what this run measured: main.ts prints them all at the end. */
export interface Target {
  name: string;
  value: number;
  unit: string;
  /** "<": the value must stay below the goal; ">=": reach it. */
  op: "<" | ">=";
  goal: number;
  met: boolean;
}

export function record(name: string, value: number, unit: string, op: Target["op"], goal: number): Target {
  return { name, value, unit, op, goal, met: op === "<" ? value < goal : value >= goal };
}

export function targetLine(t: Target): string {
  const v = t.value >= 100 ? t.value.toFixed(0) : t.value.toFixed(2);
  const ratio = t.op === "<" ? t.value / t.goal : t.goal / t.value;
  return (
    `  ${t.met ? "met   " : "MISSED"} ${t.name}: ${v} ${t.unit} (goal ${t.op} ${t.goal} ${t.unit}; ` +
    `${ratio.toFixed(2)} of the budget)`
  );
}
