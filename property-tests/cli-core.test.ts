/* The core commands as a user runs them: check, layout, abis, help and exit codes. */
import test from "ava";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "../core/paths.js";
import { COMMANDS } from "../cli/main.js";

const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const uapi = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: REPO_ROOT });

// The ids the issue requires users to be able to name.
const REQUIRED_IDS =
  `x86_64 i386 x32 arm armeb arm-oabi aarch64 aarch64_be mips mipsel mipsn32 mips64 ppc ppc64 ppc64le s390 s390x
sparc sparc64 riscv32 riscv64 m68k loongarch64 csky alpha parisc sh arc hexagon xtensa microblaze openrisc nios2`.split(
    /\s+/,
  );

test("every command answers --help with a usage line and exit 0", (t) => {
  for (const c of COMMANDS) {
    const r = uapi(c.name, "--help");
    t.is(r.status, 0, c.name);
    t.regex(r.stdout, new RegExp(`^usage: uapi ${c.name}`), c.name);
    t.regex(r.stdout, /exit codes?/i, `${c.name} documents its exit codes`);
  }
  t.is(uapi("--help").status, 0);
  t.is(uapi("no-such-command").status, 2);
});

test("uapi check on the bundled specs finds the 0x93 duplicate and the ABI-dependent iovec behind ptr_vecs", (t) => {
  const r = uapi("check", "--format", "json");
  t.is(r.status, 1, "error findings exit 1");
  const out = JSON.parse(r.stdout);
  const dup = out.diagnostics.filter((d: { rule: string }) => d.rule === "ioctl/duplicate-nr");
  t.true(
    dup.some(
      (d: { message: string }) =>
        /nr 0x93/.test(d.message) && /BLOCK_QUERY/.test(d.message) && /BLOCK_FREE/.test(d.message),
    ),
  );
  const iovec = out.diagnostics.find(
    (d: { rule: string; subject: string }) =>
      d.rule === "compat/pointee" && d.subject === "struct bus1_cmd_send.ptr_vecs",
  );
  t.truthy(iovec);
  t.regex(iovec.message, /struct iovec/);
  t.regex(iovec.file, /spec\/bus1\.yaml$/);
  t.true(iovec.line > 1 && iovec.col >= 1);
  t.is(out.summary.error, out.diagnostics.filter((d: { severity: string }) => d.severity === "error").length);
});

test("--fail-on never exits 0 with the same findings; --abi limits the ABIs", (t) => {
  t.is(uapi("check", "--fail-on", "never", "--quiet").status, 0);
  const r = uapi("check", "--abi", "x86_64,i386", "--format", "json", "spec/bus1.yaml");
  t.deepEqual(JSON.parse(r.stdout).abis, ["x86_64", "i386"]);
  const bad = uapi("check", "--abi", "vax");
  t.is(bad.status, 2);
  t.regex(bad.stderr, /unknown ABI 'vax'/);
});

test("output is deterministic: two runs print the same bytes", (t) => {
  t.is(uapi("check", "--format", "json").stdout, uapi("check", "--format", "json").stdout);
  t.is(uapi("layout").stdout, uapi("layout").stdout);
});

test("uapi layout --format json has the documented shape, with nested members named outer.inner", (t) => {
  const r = uapi("layout", "spec/bus1.yaml", "bus1_cmd_recv", "--abi", "x86_64,i386", "--format", "json");
  t.is(r.status, 0, r.stderr);
  const { structs } = JSON.parse(r.stdout);
  t.is(structs.length, 2, "the RFC and the 2016-11 revision both define it");
  const rfc = structs.find((s: { abis: Record<string, { size: number }> }) => s.abis.x86_64!.size === 96);
  t.truthy(rfc, "the RFC's 96-byte recv (seed-uapi.md §1.4)");
  for (const abi of ["x86_64", "i386"]) {
    const l = rfc.abis[abi];
    t.deepEqual(Object.keys(l).sort(), ["align", "fields", "holes", "size"]);
    // seed-uapi.md §1.4: "96 bytes; msg at offset 16".
    t.is(l.fields.find((f: { name: string }) => f.name === "msg").offset, 16);
    t.true(l.fields.some((f: { name: string }) => f.name === "msg.type"));
    t.deepEqual(l.holes, []);
  }
});

test("uapi layout text marks the rows that differ between ABIs", (t) => {
  const r = uapi("layout", "spec/bus1.yaml", "iovec", "--abi", "x86_64,i386");
  t.is(r.status, 0);
  t.regex(r.stdout, /^! .*iov_len/m);
  const unknown = uapi("layout", "spec/bus1.yaml", "no_such_struct");
  t.is(unknown.status, 2);
  t.regex(unknown.stderr, /no struct or union 'no_such_struct'/);
});

test("uapi abis lists every ABI id the issue names, with its facts, as JSON", (t) => {
  const { abis } = JSON.parse(uapi("abis", "--format", "json").stdout);
  const ids = abis.map((a: { id: string }) => a.id);
  for (const id of REQUIRED_IDS) t.true(ids.includes(id), id);
  for (const a of abis) {
    t.truthy(a.source, `${a.id} says where its figures come from`);
    t.truthy(a.syscall?.source, `${a.id} says where its syscall model comes from`);
  }
});
