/*
 * `npm test`: runs ava and, after its own summary, lists the skipped tests
 * grouped by the reason each one's title gives (a test that needs a missing
 * tool is registered with `test.skip` and "(skipped: why)" in its title), so
 * a run on a bare machine says what it did not check and why.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

// ava's package exports no path to its CLI; it is the `bin` entry beside the main entry point.
const ava = path.join(path.dirname(fileURLToPath(import.meta.resolve("ava"))), "cli.mjs");
const child = spawn(process.execPath, [ava, ...process.argv.slice(2)], { stdio: ["inherit", "pipe", "inherit"] });

const skipped: string[] = [];
let pending = "";
child.stdout.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  pending += chunk.toString("utf8");
  const lines = pending.split("\n");
  pending = lines.pop()!;
  for (const line of lines) {
    // ava prints a skipped test as "  - [skip] file › title"; strip colour codes first.
    const m = /^\s*- \[skip\] (.*)$/.exec(stripVTControlCharacters(line));
    if (m) skipped.push(m[1]!);
  }
});

/** The reason a skipped test's title gives: "(skipped: why)", parentheses balanced, or "... -- why". */
function skipReason(title: string): string {
  const at = title.indexOf("(skipped: ");
  if (at >= 0) {
    let depth = 0;
    for (let i = at; i < title.length; i++) {
      if (title[i] === "(") depth++;
      else if (title[i] === ")" && --depth === 0) return title.slice(at + "(skipped: ".length, i);
    }
    return title.slice(at + "(skipped: ".length);
  }
  return /(?:^|\s)-- (.*)$/.exec(title)?.[1] ?? `no reason in the title: ${title}`;
}

child.on("close", (code) => {
  if (skipped.length) {
    const byReason = new Map<string, string[]>();
    for (const title of skipped) {
      const reason = skipReason(title);
      byReason.set(reason, [...(byReason.get(reason) ?? []), title]);
    }
    process.stdout.write(`\n${skipped.length} test(s) skipped, by reason:\n`);
    for (const [reason, titles] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
      process.stdout.write(`  ${titles.length} x ${reason}\n`);
    }
  }
  process.exit(code ?? 1);
});
