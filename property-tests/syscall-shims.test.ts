/*
 * The generated syscall-style shims, compiled with gcc -Wall -Wextra -Werror
 * (native C99, native GNU C89, and -m32) and linked against a stub ioctl()
 * that records the request and the argument bytes.  The expected bytes are
 * built in the hand-written C driver below from the generated uapi header's
 * structs with designated initialisers (static storage, so padding is zero),
 * and the expected requests with <asm/ioctl.h>'s _IOWR on the header's
 * magic -- never from the TypeScript model.
 */
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";

import { SPEC_DIR } from "../core/paths.js";
import { loadSpecFile } from "../spec/load.js";
import { headerGenerator } from "../generators/header.js";
import { shimGenerator } from "../generators/shims.js";
import { haveProgram } from "../verify/system-cc.js";

const DRIVER = String.raw`
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "shims/bus1-syscall.h"

static unsigned long seen_req;
static unsigned char seen[256];
static size_t seen_len;
static int by_value;          /* the next ioctl passes its argument by value */
static unsigned long seen_value;
static const void *reply;      /* bytes the "kernel" writes back */
static size_t reply_len;

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	(void)fd;
	seen_req = req;
	va_start(ap, req);
	if (by_value) {
		seen_value = va_arg(ap, unsigned long);
	} else {
		void *arg = va_arg(ap, void *);
		seen_len = _IOC_SIZE(req);
		memcpy(seen, arg, seen_len);
		if (reply) memcpy(arg, reply, reply_len);
	}
	va_end(ap);
	return 0;
}

static int failures;
#define CHECK(cond, what) do { \
	if (!(cond)) { printf("FAIL %s\n", what); failures++; } else printf("ok %s\n", what); \
} while (0)
#define SAME(expected, what) do { \
	CHECK(seen_len == sizeof(expected) && memcmp(seen, &(expected), sizeof(expected)) == 0, what " bytes"); \
} while (0)

/* Fake user pointers: the stub never dereferences them. */
#define P1 ((void *)0x1000)
#define P2 ((void *)0x2008)
#define P3 ((void *)0x3010)
#define P4 ((void *)0x4018)
#define P5 ((void *)0x5020)

int main(void)
{
	/* HANDLE_TRANSFER: dst_fd = -1 must reach the kernel as (u64)-1. */
	{
		static const struct bus1_cmd_handle_transfer want = { .flags = 0, .src_handle = 0x1122334455667788ULL,
			.dst_fd = (__u64)-1, .dst_handle = 0xffffffffffffffffULL };
		static const struct bus1_cmd_handle_transfer back = { .dst_handle = 0xabcdef0123ULL };
		__u64 dst = 0xffffffffffffffffULL;
		reply = &back; reply_len = sizeof(back);
		bus1_handle_transfer(7, 0x1122334455667788ULL, -1, &dst, 0);
		reply = 0;
		SAME(want, "handle_transfer");
		CHECK(seen_req == _IOWR(0x96, 0x11, struct bus1_cmd_handle_transfer), "handle_transfer request");
		CHECK(dst == 0xabcdef0123ULL, "handle_transfer copies dst_handle back");
	}
	/* NODES_DESTROY */
	{
		static const struct bus1_cmd_nodes_destroy want = { .flags = 1, .ptr_nodes = 0x1000, .n_nodes = 3 };
		bus1_nodes_destroy(7, P1, 3, 1);
		SAME(want, "nodes_destroy");
		CHECK(seen_req == _IOWR(0x96, 0x20, struct bus1_cmd_nodes_destroy), "nodes_destroy request");
	}
	/* PEER_RESET: sentinel (u64)-1 in peer_flags survives. */
	{
		static const struct bus1_cmd_peer_reset want = { .flags = 3, .peer_flags = 0xffffffffffffffffULL,
			.max_slices = 10, .max_handles = 20, .max_inflight_bytes = 0xffffffffU, .max_inflight_fds = 40 };
		bus1_peer_reset(7, 0xffffffffffffffffULL, 10, 20, 0xffffffffU, 40, 3);
		SAME(want, "peer_reset");
		CHECK(seen_req == _IOWR(0x96, 0x02, struct bus1_cmd_peer_reset), "peer_reset request");
	}
	/* PEER_QUERY: outputs copied back. */
	{
		static const struct bus1_cmd_peer_reset want = { .flags = 0 };
		static const struct bus1_cmd_peer_reset back = { .peer_flags = 1, .max_slices = 11, .max_handles = 22,
			.max_inflight_bytes = 33, .max_inflight_fds = 44 };
		__u64 pf = 0; __u32 s = 0, h = 0, b = 0, f = 0;
		reply = &back; reply_len = sizeof(back);
		bus1_peer_query(7, &pf, &s, &h, &b, &f, 0);
		reply = 0;
		SAME(want, "peer_query");
		CHECK(pf == 1 && s == 11 && h == 22 && b == 33 && f == 44, "peer_query copies the limits back");
		CHECK(seen_req == _IOWR(0x96, 0x01, struct bus1_cmd_peer_reset), "peer_query request");
	}
	/* SEND: ten __u64, pointers and counts. */
	{
		static const struct bus1_cmd_send want = { .flags = 1, .ptr_destinations = 0x1000, .ptr_errors = 0x2008,
			.n_destinations = 2, .ptr_vecs = 0x3010, .n_vecs = 4, .ptr_handles = 0x4018, .n_handles = 5,
			.ptr_fds = 0x5020, .n_fds = 6 };
		bus1_send(7, P1, 2, P2, P3, 4, P4, 5, P5, 6, 1);
		SAME(want, "send");
		CHECK(seen_req == _IOWR(0x96, 0x40, struct bus1_cmd_send), "send request");
	}
	/* RECV: msg copied back into the named mirror struct. */
	{
		static const struct bus1_cmd_recv want = { .flags = 4, .max_offset = 0x123456789ULL };
		static const struct bus1_cmd_recv back = { .msg = { .type = 1, .flags = 2, .destination = 3, .uid = 4,
			.gid = 5, .pid = 6, .tid = 7, .offset = 8, .n_bytes = 9, .n_handles = 10, .n_fds = 11, .n_secctx = 12 } };
		struct bus1_recv_msg msg;
		memset(&msg, 0, sizeof(msg));
		reply = &back; reply_len = sizeof(back);
		bus1_recv(7, 0x123456789ULL, &msg, 4);
		reply = 0;
		SAME(want, "recv");
		CHECK(msg.type == 1 && msg.destination == 3 && msg.uid == 4 && msg.tid == 7 && msg.offset == 8
			&& msg.n_secctx == 12, "recv copies msg back");
		CHECK(sizeof(msg) == sizeof(back.msg), "mirror struct has msg's size");
		CHECK(seen_req == _IOWR(0x96, 0x50, struct bus1_cmd_recv), "recv request");
	}
	/* HANDLE_RELEASE / SLICE_RELEASE: a __u64 by pointer. */
	{
		static const __u64 want = 0x8877665544332211ULL;
		bus1_handle_release(7, 0x8877665544332211ULL);
		SAME(want, "handle_release");
		CHECK(seen_req == _IOWR(0x96, 0x10, __u64), "handle_release request");
		bus1_slice_release(7, 0x8877665544332211ULL);
		SAME(want, "slice_release");
		CHECK(seen_req == _IOWR(0x96, 0x30, __u64), "slice_release request");
	}
	/* PEER_DISCONNECT: the value itself, 0. */
	{
		by_value = 1; seen_value = 99;
		bus1_peer_disconnect(7, 0);
		by_value = 0;
		CHECK(seen_value == 0, "peer_disconnect passes 0 by value");
		CHECK(seen_req == _IOWR(0x96, 0x00, __u64), "peer_disconnect request");
	}
	printf("%d failures\n", failures);
	return failures != 0;
}
`;

const haveGcc = haveProgram("gcc");

/**
 * What `gcc -m32` can do here: compile needs the i386 C library headers (gnu/stubs-32.h), build also the multilib
 * runtime, and run a kernel that executes i386 programs (CONFIG_IA32_EMULATION), which some hosts lack even with
 * multilib.
 */
const m32 = ((): { compile: boolean; build: boolean; run: boolean } => {
  const none = { compile: false, build: false, run: false };
  if (!haveGcc) return none;
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-m32-"));
  try {
    writeFileSync(path.join(dir, "h.c"), "#include <string.h>\n#include <sys/ioctl.h>\n#include <linux/types.h>\n");
    const syntax = ["-m32", "-isystem", "/usr/include/x86_64-linux-gnu", "-fsyntax-only", path.join(dir, "h.c")];
    if (spawnSync("gcc", syntax).status !== 0) return none;
    writeFileSync(path.join(dir, "p.c"), '#include <stdio.h>\nint main(void) { puts("m32 ok"); return 0; }\n');
    const exe = path.join(dir, "p");
    if (spawnSync("gcc", ["-m32", path.join(dir, "p.c"), "-o", exe]).status !== 0) return { ...none, compile: true };
    const run = spawnSync(exe, [], { encoding: "utf8" });
    return { compile: true, build: true, run: run.status === 0 && run.stdout === "m32 ok\n" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

const MULTILIB = "no multilib: apt-get install gcc-12-multilib";
/** Why a gcc step cannot run here, for a test title's "(skipped: ...)", or "" when it can. */
function skipNote(step: "compile" | "build", is32: boolean): string {
  if (!haveGcc) return " (skipped: no gcc)";
  if (!is32 || m32[step]) return "";
  return step === "compile"
    ? ` (skipped: gcc -m32 cannot compile <string.h> and <sys/ioctl.h> here; ${MULTILIB})`
    : ` (skipped: gcc -m32 cannot build a program here; ${MULTILIB})`;
}

function build(dir: string, flags: string[], run = true): { ok: boolean; out: string } {
  const exe = path.join(dir, `t${flags.join("").replace(/[^a-z0-9]/gi, "")}`);
  const cc = spawnSync(
    "gcc",
    [
      "-Wall",
      "-Wextra",
      "-Werror",
      ...flags,
      "-I",
      dir,
      "-I",
      path.join(dir, "include", "uapi"),
      "-isystem",
      "/usr/include/x86_64-linux-gnu",
      path.join(dir, "driver.c"),
      "-o",
      exe,
    ],
    { encoding: "utf8" },
  );
  if (cc.status !== 0) return { ok: false, out: cc.stderr };
  if (!run) return { ok: true, out: "" };
  const result = spawnSync(exe, [], { encoding: "utf8" });
  return { ok: result.status === 0, out: result.stdout + result.stderr };
}

for (const flags of [["-std=c99"], ["-std=gnu89"], ["-std=c99", "-m32"]]) {
  const is32 = flags.includes("-m32");
  const skipped = skipNote("build", is32);
  // A gcc that builds i386 programs on a kernel that cannot execute them: the driver is compiled and linked only.
  const linkOnly = is32 && !skipped && !m32.run;
  const what = linkOnly
    ? "the driver compiles and links (not run: this kernel cannot execute i386 programs)"
    : "stub ioctl() sees exactly the spec's struct bytes";
  (skipped ? test.skip : test)(`shims: gcc -Wall -Wextra -Werror ${flags.join(" ")}, ${what}${skipped}`, (t) => {
    const model = loadSpecFile(path.join(SPEC_DIR, "bus1.yaml"));
    const dir = mkdtempSync(path.join(tmpdir(), "uapi-shims-"));
    try {
      const headers = headerGenerator.generate([model]).filter((f) => f.path.startsWith("include/uapi/"));
      t.true(
        headers.some((f) => f.path === "include/uapi/linux/bus1.h"),
        "the header generator emits include/uapi/linux/bus1.h, which the shims include",
      );
      for (const f of [...headers, ...shimGenerator.generate([model])]) {
        mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
        writeFileSync(path.join(dir, f.path), f.content);
      }
      writeFileSync(path.join(dir, "driver.c"), DRIVER);
      const r = build(dir, flags, !linkOnly);
      t.true(r.ok, `${flags.join(" ")}:\n${r.out}`);
      if (r.ok && !linkOnly) t.regex(r.out, /^0 failures$/m, flags.join(" "));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const m of [[], ["-m32"]]) {
  const skipped = skipNote("compile", m.length > 0);
  const where = m.length ? "-m32" : "native";
  (skipped ? test.skip : test)(`shims: every bundled spec's shim headers compile (${where})${skipped}`, (t) => {
    for (const spec of ["bus1.yaml", "iio.yaml"]) {
      const model = loadSpecFile(path.join(SPEC_DIR, spec));
      const dir = mkdtempSync(path.join(tmpdir(), "uapi-shims-"));
      try {
        const outputs = [...headerGenerator.generate([model]), ...shimGenerator.generate([model])];
        for (const f of outputs) {
          mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
          writeFileSync(path.join(dir, f.path), f.content);
        }
        for (const ifc of model.interfaces.filter((i) => i.commands.length)) {
          const inc = ifc.spec.variant
            ? path.join(dir, "variants", ifc.spec.variant, "include", "uapi")
            : path.join(dir, "include", "uapi");
          const src = path.join(dir, `${ifc.spec.name}.c`);
          writeFileSync(src, `#include "shims/${ifc.spec.name}-syscall.h"\nint main(void) { return 0; }\n`);
          const cc = spawnSync(
            "gcc",
            [
              "-std=c99",
              "-Wall",
              "-Wextra",
              "-Werror",
              ...m,
              "-I",
              dir,
              "-I",
              inc,
              "-isystem",
              "/usr/include/x86_64-linux-gnu",
              "-fsyntax-only",
              src,
            ],
            { encoding: "utf8" },
          );
          t.is(cc.status, 0, `${spec} ${ifc.spec.name} ${m.join(" ")}: ${cc.stderr}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
}
