/*
 * `uapi diff` as a user runs it: the two proposal revisions the issue names (bus1's RFC against its
 * 2016-11 revision, IIO's mmap v1 against v4), with what changed taken from the record
 * (property-tests/fixtures/reference/seed-uapi.md, from the bus1 repository and lore), header
 * sides, exit codes and the JSON shape.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../core/paths.js";
import { yowaspInstalled } from "../verify/backends.js";
import { scratchDir } from "./header-support.js";

const clangMissing = (await yowaspInstalled()) ? undefined : "@yowasp/clang is not installed";
const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const uapi = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd, env: { ...process.env, NO_COLOR: "1" } });

interface JsonChange {
  kind: string;
  verdict: string;
  subject: string;
  message: string;
  abis: string[];
  old: { file: string; line: number; col: number } | null;
  new: { file: string; line: number; col: number } | null;
}

function changesOf(r: ReturnType<typeof uapi>): JsonChange[] {
  return (JSON.parse(r.stdout) as { changes: JsonChange[] }).changes;
}

/** _IOC as include/uapi/asm-generic/ioctl.h defines it: dir << 30 | size << 16 | type << 8 | nr. */
const ioc = (dir: number, type: number, nr: number, size: number) =>
  ((dir << 30) | (size << 16) | (type << 8) | nr) >>> 0;

test("diff: bus1's RFC against its 2016-11 revision lists what commit 8de3f9bc11f3 changed, each breaking", (t) => {
  const r = uapi(REPO_ROOT, "diff", "spec/bus1.yaml#bus1", "spec/bus1.yaml#bus1_2016_11", "--format", "json");
  t.is(r.status, 1, r.stderr);
  const changes = changesOf(r);
  const has = (kind: string, subject: RegExp) => changes.find((c) => c.kind === kind && subject.test(c.subject));
  // seed-uapi.md §1.6: WANT_SECCTX and HAS_SECCTX removed, CONTINUE moved to bit 0.
  t.truthy(has("flag-removed", /BUS1_PEER_FLAG_WANT_SECCTX$/));
  t.truthy(has("flag-removed", /BUS1_MSG_FLAG_HAS_SECCTX$/));
  t.truthy(has("flag-changed", /BUS1_MSG_FLAG_CONTINUE$/));
  // msg.uid/gid/pid/tid/n_secctx removed; bus1_cmd_recv 96 -> 72 bytes.
  for (const m of ["uid", "gid", "pid", "tid", "n_secctx"])
    t.truthy(has("member-removed", new RegExp(`msg\\.${m}$`)), m);
  const size = has("struct-size", /bus1_cmd_recv$/)!;
  t.regex(size.message, /96 -> 72 bytes/);
  // The request number: _IOWR(0x96, 0x50, 96 bytes) -> 72 bytes on the asm-generic ABIs.
  const recv = has("ioctl-size", /^BUS1_CMD_RECV$/)!;
  t.true(recv.abis.includes("x86_64"));
  const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(8, "0")}`;
  t.true(recv.message.includes(`${hex(ioc(3, 0x96, 0x50, 96))} -> ${hex(ioc(3, 0x96, 0x50, 72))}`), recv.message);
  t.true(
    changes.every((c) => c.verdict === "breaking" || c.kind === "set-removed"),
    changes.map((c) => `${c.verdict} ${c.kind}`).join("\n"),
  );
  // Nothing else changed in that commit: the commands and structs it left alone report nothing.
  t.false(changes.some((c) => /SEND|HANDLE|NODES|SLICE|DISCONNECT/.test(c.subject)));
  for (const c of changes) t.true(c.old !== null && c.new !== null && c.new.file === "spec/bus1.yaml");
});

test("diff: IIO mmap v1 against v4 finds TIMESTAMP_VALID turned into a reserved bit and nothing else", (t) => {
  const r = uapi(
    REPO_ROOT,
    "diff",
    "spec/iio.yaml#iio_buffer_mmap",
    "spec/iio.yaml#iio_buffer_mmap_v4",
    "--format",
    "json",
  );
  const changes = changesOf(r);
  // seed-uapi.md: v3/v4 renamed bit 0 to IIO_BUFFER_BLOCK_FLAG_RESERVED; numbering and layouts are unchanged.
  t.is(changes.length, 1, JSON.stringify(changes, null, 1));
  t.is(changes[0]!.kind, "flag-withdrawn");
  t.regex(changes[0]!.message, /TIMESTAMP_VALID/);
  t.is(r.status, changes[0]!.verdict === "breaking" ? 1 : 0);
});

test("diff: exit codes follow --fail-on, and bad sides are exit 2 with a reason", (t) => {
  const dir = scratchDir("diff-exit");
  const spec = (extra: string) => `name: demo
doc: d
interfaces:
  - name: demo
    doc: d
    header: linux/demo.h
    flags:
      - name: demo_flags
        doc: d
        width: 32
        bits:
          - { name: DEMO_A, bit: 0 }${extra}
`;
  writeFileSync(path.join(dir, "old.yaml"), spec(""));
  writeFileSync(path.join(dir, "added.yaml"), spec("\n          - { name: DEMO_B, bit: 1 }"));
  // A new flag breaks nothing (compatible), so only --fail-on any fails on it.
  t.is(uapi(dir, "diff", "old.yaml", "added.yaml").status, 0);
  t.is(uapi(dir, "diff", "old.yaml", "added.yaml", "--fail-on", "source").status, 0);
  t.is(uapi(dir, "diff", "old.yaml", "added.yaml", "--fail-on", "any").status, 1);
  // Removing it breaks old binaries that set it.
  t.is(uapi(dir, "diff", "added.yaml", "old.yaml").status, 1);
  t.is(uapi(dir, "diff", "added.yaml", "old.yaml", "--fail-on", "never").status, 0);
  const text = uapi(dir, "diff", "added.yaml", "old.yaml").stdout;
  t.regex(text, /^old\.yaml:\d+:\d+: breaking \[flag-removed\] DEMO_B/m);
  t.regex(text, /^ {4}was: added\.yaml:13:13$/m);
  t.is(uapi(dir, "diff", "old.yaml").status, 2);
  t.is(uapi(dir, "diff", "old.yaml", "old.yaml#nope").status, 2);
  t.is(uapi(dir, "diff", "old.yaml", "missing.yaml").status, 2);
  t.is(uapi(dir, "diff", "old.yaml", "added.yaml", "--fail-on", "sometimes").status, 2);
});

(clangMissing ? test.skip : test)(
  `diff: two C headers are compared through the importer, positions on the headers' lines` +
    (clangMissing ? ` (skipped: ${clangMissing})` : ""),
  (t) => {
    const dir = scratchDir("diff-headers");
    const header = (members: string) =>
      `#ifndef _DEMO_H\n#define _DEMO_H\n#include <linux/types.h>\n#include <linux/ioctl.h>\n` +
      `struct demo_args {\n${members}};\n#define DEMO_SET _IOW('D', 1, struct demo_args)\n#endif\n`;
    writeFileSync(path.join(dir, "old.h"), header("\t__u32 flags;\n\t__u64 addr;\n"));
    writeFileSync(path.join(dir, "new.h"), header("\t__u32 flags;\n\t__u32 extra;\n\t__u64 addr;\n"));
    const r = uapi(dir, "diff", "old.h", "new.h", "--format", "json", "--abi", "x86_64,i386");
    t.is(r.status, 1, r.stderr);
    const changes = changesOf(r);
    // extra fills the hole before addr on x86_64 (addr stays at 8) but moves addr on i386 (4 -> 8).
    const moved = changes.find((c) => c.kind === "member-offset" && c.subject.endsWith(".addr"));
    t.deepEqual(moved?.abis, ["i386"]);
    const added = changes.find((c) => c.kind === "member-added-middle")!;
    t.deepEqual(added.new, { file: "new.h", line: 7, col: 8 });
    t.truthy(changes.find((c) => c.kind === "ioctl-size" && c.subject === "DEMO_SET" && c.abis.includes("i386")));
  },
);
