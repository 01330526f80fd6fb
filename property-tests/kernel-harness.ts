/*
 * For kernel-handlers.test.ts: compiling a generated kernel/<interface>.c against the stand-in kernel headers
 * of fixtures/kernel-stubs/, and a user-space harness that links it with the stubs' user memory, calls the
 * interface's dispatcher on many (command, bytes, caller's size) cases in one process and prints each return.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandModel, InterfaceModel } from "../core/model.js";
import { cc, type CcResult } from "./header-support.js";

/** property-tests/fixtures/kernel-stubs in the source tree (this file runs from dist/property-tests/). */
export const KERNEL_STUBS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "property-tests",
  "fixtures",
  "kernel-stubs",
);

/**
 * The kernel's C dialect and the warnings of a W=1 build (scripts/Makefile.extrawarn: -Wextra without
 * -Wunused-parameter), as errors.
 */
export const KERNEL_CFLAGS = ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror"];

/** `gcc -c` of a kernel-side file in `dir`, the stubs first on the include path, then the uapi headers. */
export function compileKernelSide(dir: string, file: string, uapiInclude: string, extra: string[] = []): CcResult {
  return cc(
    "gcc",
    [...extra, ...KERNEL_CFLAGS, "-c", "-I", KERNEL_STUBS, "-I", uapiInclude, file, "-o", "/dev/null"],
    dir,
  );
}

/** The driver functions a kernel-side file declares (`long do_x(struct file *file, T);`), each returning 0. */
export function driverStubs(kernelC: string): string[] {
  return [...kernelC.matchAll(/^long (do_[A-Za-z0-9_]+)\((struct file \*file, [^)]*)\);$/gm)].map(
    (m) => `long ${m[1]}(${m[2]}) { return 0; }`,
  );
}

/** One call: the command's index in `commands`, the caller's size (the size field, for `size: ioctl`), the bytes. */
export interface HarnessCase {
  index: number;
  usize: number;
  bytes: Uint8Array;
}

/**
 * The harness's source: `request(index, usize)` gives each command's number from the header's macros (with the
 * size field set to usize where `sized(cmd)`), index `commands.length` a number of the first command's type with
 * an nr no command uses; main() reads `index usize hexbytes` lines, maps the bytes as the user memory, calls
 * `dispatcher` and prints its return value.
 */
export function harnessSource(
  ifc: InterfaceModel,
  commands: readonly CommandModel[],
  kernelC: string,
  dispatcher: string,
  sized: (cmd: CommandModel) => boolean,
): string {
  const used = new Set(commands.map((c) => c.spec.nr));
  const free = [...Array(256).keys()].find((n) => !used.has(n))!;
  const first = commands[0]!.spec.name;
  const requests = commands.map((c, i) => {
    const m = c.spec.name;
    return sized(c)
      ? `\tcase ${i}: return _IOC(_IOC_DIR(${m}), _IOC_TYPE(${m}), _IOC_NR(${m}), usize);`
      : `\tcase ${i}: return ${m};`;
  });
  return `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <${ifc.spec.header}>

long ${dispatcher}(struct file *file, unsigned int cmd, unsigned long arg);

${driverStubs(kernelC).join("\n")}

static unsigned int request(unsigned int index, unsigned long usize)
{
	switch (index) {
${requests.join("\n")}
	case ${commands.length}: return _IOC(_IOC_NONE, _IOC_TYPE(${first}), ${free}, 0);
	}
	abort();
}

static unsigned char nibble(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, stdin) > 0) {
		unsigned int index;
		unsigned long usize;
		int at;

		if (sscanf(line, "%u %lu %n", &index, &usize, &at) != 2)
			abort();
		const char *hex = line + at;
		size_t len = strcspn(hex, "\\n") / 2;
		unsigned char *buf = malloc(len ? len : 1);

		for (size_t i = 0; i < len; i++)
			buf[i] = nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]);
		kstub_user_base = buf;
		kstub_user_len = len;
		printf("%ld\\n", ${dispatcher}(NULL, request(index, usize), (unsigned long)buf));
		free(buf);
	}
	free(line);
	return 0;
}
`;
}

/** Build the harness in `dir` from the generated kernel side: harness.c + kernel .c + the stubs' user memory. */
export function buildHarness(
  dir: string,
  source: string,
  kernelFile: string,
  uapiInclude: string,
): CcResult & { exe: string } {
  writeFileSync(path.join(dir, "harness.c"), source);
  const exe = path.join(dir, "harness");
  const r = cc(
    "gcc",
    [
      "-std=gnu11",
      "-O2",
      "-Wall",
      "-I",
      KERNEL_STUBS,
      "-I",
      uapiInclude,
      "harness.c",
      kernelFile,
      path.join(KERNEL_STUBS, "user-memory.c"),
      "-o",
      exe,
    ],
    dir,
  );
  return { ...r, exe };
}

/** Run the cases through the harness in one process; the return value of each, in order. */
export function runHarness(exe: string, cases: readonly HarnessCase[]): number[] {
  const input = cases.map((c) => `${c.index} ${c.usize} ${Buffer.from(c.bytes).toString("hex")}\n`).join("");
  const r = spawnSync(exe, [], { input, encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`harness exited with ${r.status ?? r.signal}: ${r.stderr}`);
  const out = r.stdout.trim().split("\n").filter(Boolean).map(Number);
  if (out.length !== cases.length) throw new Error(`harness printed ${out.length} results for ${cases.length} cases`);
  return out;
}
