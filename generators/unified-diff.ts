/*
 * A unified diff of two texts (Myers' O(ND) algorithm over lines), for
 * `uapi generate --check`.  Written here rather than shelling out to diff(1)
 * so the output is the same on every machine.
 */

type Op = { kind: " " | "-" | "+"; line: string };

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  else lines[lines.length - 1] += "\n\\ No newline at end of file";
  return lines;
}

/** The shortest edit script from a to b, as a sequence of kept, removed and added lines. */
function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const at = (k: number) => k + max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] is v as it stood before round d.
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[at(k - 1)]! < v[at(k + 1)]!) ? v[at(k + 1)]! : v[at(k - 1)]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[at(k)] = x;
      if (x >= n && y >= m) break search;
    }
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const t = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && t[at(k - 1)]! < t[at(k + 1)]!) ? k + 1 : k - 1;
    const prevX = t[at(prevK)]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: " ", line: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: "+", line: b[prevY]! });
      else ops.push({ kind: "-", line: a[prevX]! });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

/**
 * `diff -u` style text; "" when the texts are equal.  `oldName`/`newName` go
 * on the ---/+++ lines (use /dev/null for a created or deleted file).
 */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return "";
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = editScript(a, b);
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  // Group changes with `context` lines around them into hunks.
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === " ") i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend while the next change is within 2*context kept lines.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== " ") end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === " ") next++;
      if (next < ops.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(ops.length, end + context);
      break;
    }
    let aLine = 1;
    let bLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]!.kind !== "+") aLine++;
      if (ops[j]!.kind !== "-") bLine++;
    }
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((o) => o.kind !== "+").length;
    const bCount = hunk.filter((o) => o.kind !== "-").length;
    const range = (line: number, count: number) => `${count === 0 ? line - 1 : line}${count === 1 ? "" : `,${count}`}`;
    out.push(`@@ -${range(aLine, aCount)} +${range(bLine, bCount)} @@`);
    for (const o of hunk) out.push(o.kind + o.line);
    i = end;
  }
  return out.join("\n") + "\n";
}
