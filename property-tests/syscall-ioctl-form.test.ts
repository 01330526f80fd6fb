/*
 * The ioctl form of a declared syscall (syscall/ioctl-form.ts): the struct it
 * derives has no hole on any ABI (the core checks find none), its request
 * number is the one gcc computes with <linux/ioctl.h>'s _IOW/_IOWR for the
 * same struct written out in C here, nr allocation skips the interface's own
 * commands, and the direction follows the flows.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { ABIS } from "../spec/abis.js";
import { loadSpecText } from "../spec/load.js";
import { runChecks } from "../core/checks/index.js";
import { ioctlForms, type DerivedIoctl } from "../syscall/ioctl-form.js";

const SPEC = `
name: forms
doc: Declared syscalls next to two ioctl commands.
interfaces:
  - name: acme
    doc: d
    header: linux/acme.h
    structs:
      - name: acme_how
        doc: d
        fields:
          - { name: flags, type: __u64 }
    commands:
      - { name: ACME_A, doc: d, magic: 0xa7, nr: 0, dir: none }
      - { name: ACME_B, doc: d, magic: 0xa7, nr: 1, dir: none }
    syscalls:
      - name: acme_pread
        doc: d
        returns: { kind: count }
        args:
          - { name: fd, type: unsigned int, fd: true }
          - { name: buf, type: char *, pointer: { count: count, access: out } }
          - { name: count, type: size_t }
          - { name: pos, type: loff_t }
      - name: acme_open
        doc: d
        args:
          - { name: dfd, type: int, fd: true }
          - { name: how, type: const struct acme_how *, pointer: { access: in } }
          - { name: size, type: size_t, sizeOf: how }
          - { name: mode, type: unsigned int }
      - name: acme_ping
        doc: d
        args:
          - { name: fd, type: int, fd: true }
      - name: acme_fixed
        doc: d
        ioctl: { nr: 0x40, name: ACME_FIXED }
        args:
          - { name: fd, type: int, fd: true }
          - { name: a, type: __u32 }
`;

const IFC = loadSpecText("forms.yaml", SPEC).interfaces[0]!;
const FORMS = ioctlForms(IFC, ABIS);
const derived = (name: string) => FORMS.get(name) as DerivedIoctl;

test("nr: the lowest the interface's commands leave free, in declaration order; ioctl.nr wins", (t) => {
  t.deepEqual(
    ["acme_pread", "acme_open", "acme_ping", "acme_fixed"].map((n) => derived(n).data.nr),
    [2, 3, 4, 0x40],
  );
  t.is(derived("acme_fixed").data.command, "ACME_FIXED");
  t.is(derived("acme_pread").data.magic, 0xa7, "the magic the commands share");
});

test("direction: a returned count becomes an out member (_IOWR); inputs only _IOW; no argument _IO", (t) => {
  t.is(derived("acme_pread").data.dir, "readwrite");
  t.is(derived("acme_open").data.dir, "write");
  t.is(derived("acme_ping").data.dir, "none");
  t.is(derived("acme_ping").data.struct, undefined);
});

test("the derived structs have no hole, no misaligned 64-bit member and no ABI-dependent layout", (t) => {
  for (const name of ["acme_pread", "acme_open", "acme_fixed"]) {
    const d = derived(name);
    const findings = runChecks(d.model, ABIS).filter(
      (f) => f.subject.startsWith(`struct ${d.data.struct!.name}`) && f.severity !== "info",
    );
    t.deepEqual(
      findings.map((f) => `${f.rule}: ${f.message}`),
      [],
      name,
    );
  }
});

/** gcc's request number for the struct as written out here from the derived fields. */
function gccRequest(d: DerivedIoctl, flags: string[]): { value?: string; why?: string } {
  const s = d.data.struct!;
  const macro = d.data.dir === "readwrite" ? "_IOWR" : "_IOW";
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-ioctl-form-"));
  const src = path.join(dir, "req.c");
  writeFileSync(
    src,
    `#include <stdio.h>\n#include <linux/types.h>\n#include <linux/ioctl.h>\n` +
      `struct ${s.name} { ${s.fields.map((f) => `${f.type as string} ${f.name};`).join(" ")} };\n` +
      `int main(void) { printf("0x%08lX\\n", (unsigned long)${macro}(${d.data.magic}, ${d.data.nr}, ` +
      `struct ${s.name})); return 0; }\n`,
  );
  const exe = path.join(dir, "req");
  try {
    const cc = spawnSync("gcc", [...flags, "-o", exe, src], { encoding: "utf8" });
    if (cc.error || cc.status !== 0)
      return { why: `gcc ${flags.join(" ")} cannot build a program with <linux/ioctl.h>` };
    const run = spawnSync(exe, { encoding: "utf8" });
    if (run.error || run.status !== 0) return { why: `a gcc ${flags.join(" ")} program cannot run here` };
    return { value: run.stdout.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [abi, flags] of [
  ["x86_64", ["-m64"]],
  ["i386", ["-m32"]],
] as const) {
  const probe = gccRequest(derived("acme_open"), [...flags]);
  (probe.value ? test : test.skip)(
    `request numbers equal gcc's _IOW/_IOWR on ${abi}${probe.why ? ` (skipped: ${probe.why})` : ""}`,
    (t) => {
      for (const name of ["acme_pread", "acme_open", "acme_fixed"]) {
        const d = derived(name);
        const mine = d.data.requests.find((r) => r.abis.includes(abi))!.value;
        t.is(mine as string | undefined, gccRequest(d, [...flags]).value, name);
      }
    },
  );
}
