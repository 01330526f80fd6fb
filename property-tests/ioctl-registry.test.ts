/*
 * The ioctl number registry (core/ioctl-registry.ts) against facts typed by hand from the kernel's table and
 * from the reference digest, and the two rules that read it (core/checks/registry.ts) on seeded specs and on
 * the bundled ones.
 *
 * The hand facts are rows of Documentation/userspace-api/ioctl/ioctl-number.rst as gregkh/linux has it at
 * commit 1de076f43e64bf65fbe7280a269c70e0e60518df, quoted as the table prints them (Code, Seq#, Include File,
 * Comments); none comes from the data file or from the way it was produced.
 */
import test from "ava";
import { registryPaths, rowOwnsHeader } from "../core/checks/registry.js";
import { runChecks } from "../core/checks/index.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { IOCTL_REGISTRY, type IoctlRegistryRow } from "../core/ioctl-registry.js";
import { ABIS } from "../spec/abis.js";
import { exampleSpecFiles, loadSpecFiles, loadSpecText } from "../spec/load.js";
import { KERNEL_RULES, readReference } from "./reference.js";

const RULES = ["ioctl/registry", "ioctl/unregistered"];

/* ----------------------------------------------------------- the data */

/** A row as the rst prints it, the Seq# cell in hex (`all` for the whole byte). */
interface RstRow {
  code: string;
  seq: string;
  include: string;
  comments?: string;
}

const codeOf = (code: string) => (code.startsWith("'") ? code.charCodeAt(1) : parseInt(code, 16));
const seqOf = (seq: string): [number, number] => {
  if (seq === "all") return [0, 0xff];
  const [a, b = a] = seq.split("-");
  return [parseInt(a!, 16), parseInt(b!, 16)];
};

const rowsAt = (code: number) => IOCTL_REGISTRY.filter((r) => r.code === code);

function hasRow(want: RstRow): boolean {
  const [first, last] = seqOf(want.seq);
  return rowsAt(codeOf(want.code)).some(
    (r) =>
      r.first === first &&
      r.last === last &&
      r.include === want.include &&
      (want.comments === undefined ? r.comments === undefined : r.comments === want.comments),
  );
}

// Rows of the table as it prints them, chosen for the ways a cell can be written.
const RST_ROWS: RstRow[] = [
  // The first and the last row of the table.
  { code: "0x00", seq: "00-1F", include: "linux/fs.h", comments: "conflict!" },
  { code: "0xFE", seq: "all", include: "linux/isst_if.h" },
  // IIO, the block the bundled IIO specs use.
  { code: "'i'", seq: "90-9F", include: "`linux/iio/*.h`", comments: "IIO" },
  { code: "'i'", seq: "80-8F", include: "linux/i8k.h" },
  // 'm' is claimed whole by three headers, each marked conflict!.
  { code: "'m'", seq: "all", include: "linux/mtio.h", comments: "conflict!" },
  { code: "'m'", seq: "all", include: "linux/soundcard.h", comments: "conflict!" },
  { code: "'m'", seq: "all", include: "linux/synclink.h", comments: "conflict!" },
  // One number in Seq# (two digits, and once a bare "0").
  { code: "'m'", seq: "00", include: "drivers/scsi/megaraid/megaraid_ioctl.h", comments: "conflict!" },
  { code: "0xA1", seq: "0", include: "linux/vtpm_proxy.h", comments: "TPM Emulator Proxy Driver" },
  // Lower-case hex in Seq#.
  { code: "'='", seq: "00-3f", include: "uapi/linux/ptp_clock.h", comments: "<mailto:richardcochran@gmail.com>" },
  // An include continued on the next line ("0x12  all  linux/fs.h" / "linux/blkpg.h").
  { code: "0x12", seq: "all", include: "linux/fs.h linux/blkpg.h" },
  // The "and" that sits under Seq# on the continuation line of 'M' 01-16.
  { code: "'M'", seq: "01-16", include: "mtd/mtd-abi.h and drivers/mtd/mtdchar.c", comments: "conflict!" },
  // No include, a comment over two lines.
  { code: "0x1b", seq: "all", include: "", comments: "InfiniBand Subsystem <http://infiniband.sourceforge.net/>" },
  // Both cells continued.
  {
    code: "'q'",
    seq: "80-FF",
    include: "linux/telephony.h linux/ixjuser.h",
    comments: "Internet PhoneJACK, Internet LineJACK <http://web.archive.org/web/%2A/http://www.quicknet.net>",
  },
  // KVM's two blocks around Nitro Enclaves' 20-3F.
  {
    code: "0xAE",
    seq: "00-1F",
    include: "linux/kvm.h",
    comments: "Kernel-based Virtual Machine <mailto:kvm@vger.kernel.org>",
  },
  {
    code: "0xAE",
    seq: "40-FF",
    include: "linux/kvm.h",
    comments: "Kernel-based Virtual Machine <mailto:kvm@vger.kernel.org>",
  },
  { code: "0xAE", seq: "20-3F", include: "linux/nitro_enclaves.h", comments: "Nitro Enclaves" },
];

for (const row of RST_ROWS) {
  test(`the table's row ${row.code} ${row.seq} ${row.include || "(no include)"} is in the data`, (t) => {
    t.true(hasRow(row), JSON.stringify(rowsAt(codeOf(row.code))));
  });
}

test("the data has the table's 259 rows, each a block of one type byte, in range and trimmed", (t) => {
  // 259 lines of the table's body start with a Code (0x.. or a quoted character); the other 42 continue a cell.
  t.is(IOCTL_REGISTRY.length, 259);
  for (const r of IOCTL_REGISTRY) {
    const where = JSON.stringify(r);
    t.true(Number.isInteger(r.code) && r.code >= 0 && r.code <= 0xff, where);
    t.true(Number.isInteger(r.first) && Number.isInteger(r.last) && 0 <= r.first && r.first <= r.last, where);
    t.true(r.last <= 0xff, where);
    t.is(r.include, r.include.trim(), where);
    if (r.comments !== undefined) t.true(r.comments !== "" && r.comments === r.comments.trim(), where);
  }
});

test("the table lists no row for 0x96 (bus1's type byte) or 0xE9: 0x94 Btrfs, 0x97 Ceph, 0xE5 fuse, 0xEC", (t) => {
  // The rows between: "0x94  all  fs/btrfs/ioctl.h", "0x97  00-7F  fs/ceph/ioctl.h", "0xE5  00-3F  linux/fuse.h",
  // "0xEC  00-01  drivers/platform/chrome/cros_ec_dev.h".
  t.deepEqual(rowsAt(0x96), []);
  t.deepEqual(rowsAt(0xe9), []);
  t.true(
    hasRow({
      code: "0x94",
      seq: "all",
      include: "fs/btrfs/ioctl.h and linux/fs.h",
      comments: "Btrfs filesystem some lifted to vfs/generic",
    }),
  );
  t.true(rowsAt(0x97).length === 1 && rowsAt(0xe5).length === 1 && rowsAt(0xec).length === 1);
});

test("the reference digest's ioctl-number.rst facts hold: IIO's 'i' block, 'm' claimed whole", (t) => {
  // kernel-rules.md 5.5, rule 56: "'m' is claimed as all by mtio.h, soundcard.h, synclink.h; IIO uses 'i' 90-9F".
  const text = readReference(KERNEL_RULES).replace(/\s+/g, " ");
  const claimed = /`'(.)'` is claimed as `all` by ([^;]+);/.exec(text);
  const iio = /IIO uses `'(.)' ([0-9A-F]{2})-([0-9A-F]{2})`/.exec(text);
  t.truthy(claimed, "the digest states which headers claim a whole type byte");
  t.truthy(iio, "the digest states IIO's block");
  const headers = claimed![2]!.split(/,\s*/).map((h) => h.trim());
  t.deepEqual(headers, ["mtio.h", "soundcard.h", "synclink.h"]);
  for (const h of headers) {
    const whole = rowsAt(claimed![1]!.charCodeAt(0)).filter((r) => r.first === 0 && r.last === 0xff);
    t.true(
      whole.some((r) => r.include.endsWith(`/${h}`)),
      `'${claimed![1]}' all: ${h}`,
    );
  }
  const iioRows = rowsAt(iio![1]!.charCodeAt(0)).filter((r) => /\biio\b/.test(r.include));
  t.deepEqual(
    iioRows.map((r) => [r.first, r.last]),
    [[parseInt(iio![2]!, 16), parseInt(iio![3]!, 16)]],
  );
});

/* --------------------------------------------------- header matching */

const row = (include: string): IoctlRegistryRow => ({ code: 0, first: 0, last: 0, include });

test("an include cell names its headers in any of the table's spellings, globs within one path segment", (t) => {
  t.deepEqual(registryPaths("fs/xfs/xfs_fs.h, fs/xfs/linux-2.6/xfs_ioctl32.h, include/linux/falloc.h, linux/fs.h,"), [
    "fs/xfs/xfs_fs.h",
    "fs/xfs/linux-2.6/xfs_ioctl32.h",
    "linux/falloc.h",
    "linux/fs.h",
  ]);
  t.deepEqual(registryPaths("linux/ncp_fs.h and fs/ncpfs/ioctl.c"), ["linux/ncp_fs.h", "fs/ncpfs/ioctl.c"]);
  t.deepEqual(registryPaths("arch/x86/include/asm/msr.h conflict!"), ["asm/msr.h"]);
  t.deepEqual(registryPaths("advanced bbus"), []);
  t.deepEqual(registryPaths(""), []);

  t.true(rowOwnsHeader(row("include/uapi/linux/stm.h"), "linux/stm.h"));
  t.true(rowOwnsHeader(row("uapi/linux/seccomp.h"), "linux/seccomp.h"));
  t.true(rowOwnsHeader(row("linux/uapi/linux/userfaultfd.h"), "linux/userfaultfd.h"));
  t.true(rowOwnsHeader(row("arch/s390/include/uapi/asm/hypfs.h"), "asm/hypfs.h"));
  t.true(rowOwnsHeader(row("<linux/foo.h>"), "linux/foo.h"));
  t.true(rowOwnsHeader(row("linux/foo.h"), "include/uapi/linux/foo.h"));
  t.true(rowOwnsHeader(row("`linux/iio/*.h`"), "linux/iio/buffer.h"));
  t.true(rowOwnsHeader(row("linux/atm*.h, linux/sonet.h"), "linux/atmdev.h"));
  t.true(rowOwnsHeader(row("linux/atm*.h, linux/sonet.h"), "linux/sonet.h"));
  t.true(rowOwnsHeader(row("linux/iio/buffer.h"), "linux/iio/*.h"), "either side may be the glob");

  t.false(rowOwnsHeader(row("`linux/iio/*.h`"), "linux/iio.h"));
  t.false(rowOwnsHeader(row("`linux/iio/*.h`"), "linux/iio/sub/x.h"), "* stays within one segment");
  t.false(rowOwnsHeader(row("linux/atm*.h"), "linux/atm/x.h"));
  t.false(rowOwnsHeader(row("linux/fs.h"), "linux/fsverity.h"));
  t.false(rowOwnsHeader(row(""), "linux/t.h"));
  t.false(rowOwnsHeader(row("linux/iio.h"), "linux/iioxh"), "a dot is a dot, not any character");
});

/* ------------------------------------------------------- seeded specs */

interface Ifc {
  name?: string;
  header: string;
  commands: string[];
  state?: string;
}

/** A spec of one or more interfaces, each with `_IO` commands written as `magic, nr`. */
function specOf(...ifcs: Ifc[]): string {
  return (
    "name: t\ndoc: seeded\ninterfaces:\n" +
    ifcs
      .map(
        (f, i) =>
          `  - name: ${f.name ?? `t${i}`}\n    doc: d\n    header: ${f.header}\n` +
          (f.state ? `    status: { state: ${f.state}, source: s }\n` : "") +
          "    commands:\n" +
          f.commands
            .map(
              (c, j) =>
                `      - { name: T${i}_C${j}, doc: d, magic: ${c.split(",")[0]}, nr: ${c.split(",")[1]}, dir: none }\n`,
            )
            .join(""),
      )
      .join("")
  );
}

const findings = (text: string): Diagnostic[] =>
  runChecks(loadSpecText("seeded.yaml", text), ABIS).filter((d) => RULES.includes(d.rule));
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

test("registry: a new interface on 'i' 0x90 is warned once, at its first command's magic, naming linux/iio", (t) => {
  const text = specOf({ header: "linux/t.h", commands: ["i, 0x90", "i, 0x91"] });
  const ds = findings(text);
  t.is(ds.length, 1, JSON.stringify(ds));
  const d = ds[0]!;
  t.is(d.rule, "ioctl/registry");
  t.is(d.severity, "warning");
  t.is(d.loc.line, lineOf(text, "T0_C0"));
  t.is(d.loc.col, text.split("\n")[d.loc.line - 1]!.indexOf("magic:") + 1, "at `magic:`");
  t.regex(d.message, /magic 'i' \(0x69\) use nr 0x90-0x91/);
  t.regex(d.message, /0x90-0x9f to linux\/iio\/\*\.h \(IIO\)/);
  t.notRegex(d.message, /i8k|i2o|ipmi/, "only the rows that hold a used nr");
  t.notRegex(d.message, /mainline/);
  t.regex(d.hint, /32 to 256 commands/);
  t.regex(d.hint, /ioctl-number\.rst/);
  // 'i' 0x40-0x5f is the first 32-block no 'i' row claims (00-3F i2o-dev.h, 0B-1F ipmi.h, 80-8F, 90-9F).
  t.regex(d.hint, /`'i' {2}40-5F {2}linux\/t\.h`/);
});

test("registry: the owner's own header gets nothing, on its registered block", (t) => {
  t.deepEqual(findings(specOf({ header: "linux/iio/buffer.h", commands: ["i, 0x91", "i, 0x9f"] })), []);
  t.deepEqual(findings(specOf({ header: "linux/kvm.h", commands: ["0xAE, 0x00", "0xAE, 0x40", "0xAE, 0xff"] })), []);
  t.deepEqual(findings(specOf({ header: "linux/stm.h", commands: ["'%', 0x00"] })), [], "include/uapi/linux/stm.h");
});

test("registry: a merged interface is warned too, the overlap said to be in mainline, each owner named", (t) => {
  // 'm' 01: "00-09 linux/mmtimer.h", "all linux/mtio.h", "all linux/soundcard.h", "all linux/synclink.h",
  // "00-19 drivers/message/fusion/mptctl.h"; "00 drivers/scsi/megaraid/megaraid_ioctl.h" does not hold 01.
  const ds = findings(specOf({ header: "linux/t.h", commands: ["m, 0x01"], state: "merged" }));
  t.is(ds.length, 1, JSON.stringify(ds));
  const d = ds[0]!;
  t.is(d.rule, "ioctl/registry");
  t.is(d.severity, "warning");
  t.regex(d.message, /already in mainline/);
  for (const h of ["linux/mmtimer.h", "linux/mtio.h", "linux/soundcard.h", "linux/synclink.h", "mptctl.h"])
    t.true(d.message.includes(h), h);
  t.false(d.message.includes("megaraid"));
  t.regex(d.hint, /merged numbers are ABI/);
});

test("registry: a row without an include belongs to someone else", (t) => {
  // "'w'  all  (no include)  CERN SCI driver".
  const [d, ...more] = findings(specOf({ header: "linux/t.h", commands: ["w, 0x05"] }));
  t.is(more.length, 0);
  t.is(d!.rule, "ioctl/registry");
  t.regex(d!.message, /0x00-0xff to CERN SCI driver/);
});

test("unregistered: an interface on a type byte the table does not list gets one info with the row to add", (t) => {
  const text = specOf({ header: "linux/t.h", commands: ["0xE9, 0x01", "0xE9, 0x02", "0xE9, 0x21"] });
  const ds = findings(text);
  t.is(ds.length, 1, JSON.stringify(ds));
  const d = ds[0]!;
  t.is(d.rule, "ioctl/unregistered");
  t.is(d.severity, "info");
  t.is(d.loc.line, lineOf(text, "T0_C0"));
  t.regex(d.message, /magic 0xe9 use nr 0x01-0x02, 0x21, which no row/);
  // Used nrs 0x01..0x21 cross a 32-block boundary, so the block offered is 64: 00-3F.
  t.regex(d.hint, /`0xE9 {2}00-3F {2}linux\/t\.h`/);
});

test("unregistered: nrs past the owner's registered block are named, and nothing is a warning", (t) => {
  // 'i' 90-9F is IIO's; no 'i' row holds A0 or A1.
  const ds = findings(specOf({ header: "linux/iio/buffer.h", commands: ["i, 0x9e", "i, 0xa0", "i, 0xa1"] }));
  t.deepEqual(
    ds.map((d) => d.rule),
    ["ioctl/unregistered"],
  );
  t.regex(ds[0]!.message, /no row of .* lists nr 0xa0-0xa1$/);
});

test("each (interface, magic) is one finding per rule; syscall-derived ioctl forms are not looked at", (t) => {
  const ds = findings(
    specOf(
      { name: "a", header: "linux/a.h", commands: ["i, 0x90", "0xE9, 0x00", "i, 0x95", "0xE9, 0x01"] },
      { name: "b", header: "linux/b.h", commands: ["i, 0x92"] },
    ),
  );
  t.deepEqual(ds.map((d) => `${d.interface} ${d.rule} ${d.subject}`).sort(), [
    "a ioctl/registry magic 'i' (0x69)",
    "a ioctl/unregistered magic 0xe9",
    "b ioctl/registry magic 'i' (0x69)",
  ]);

  const syscallsOnly = `name: t
doc: seeded
interfaces:
  - name: s
    doc: d
    header: linux/t.h
    magic: i
    syscalls:
      - name: t_op
        doc: d
        args:
          - { name: fd, type: int, fd: true }
`;
  t.deepEqual(findings(syscallsOnly), []);
});

/* ------------------------------------------------------ bundled specs */

test("bundled specs: only bus1's 0x96 is outside the table; IIO's 'i' 0x90-0x95 is IIO's own block", (t) => {
  const models = loadSpecFiles(exampleSpecFiles());
  const ds = models.flatMap((m) => runChecks(m, ABIS)).filter((d) => RULES.includes(d.rule));
  // From the rows above: no 0x96 row, so bus1 and its RFC revision (commands on 0x96) are unregistered; every
  // IIO interface has a header below linux/iio/ and nr 0x90-0x95, inside "'i' 90-9F `linux/iio/*.h` IIO"; MHI
  // UCI has no commands; bus1_syscalls and linux_syscalls have syscalls only.
  t.deepEqual(ds.map((d) => `${d.interface} ${d.rule} ${d.severity}`).sort(), [
    "bus1 ioctl/unregistered info",
    "bus1_2016_11 ioctl/unregistered info",
  ]);
  // The premises, from the specs themselves.
  const ifcs = models.flatMap((m) => m.interfaces);
  const commandless = ifcs.filter((i) => i.commands.length === 0);
  t.deepEqual(commandless.map((i) => i.spec.name).sort(), ["bus1_syscalls", "linux_syscalls", "mhi_uci"]);
  for (const i of ifcs.filter((x) => x.commands.length)) {
    const where = `${i.spec.name} (${i.spec.header})`;
    if (i.spec.name.startsWith("bus1"))
      t.true(
        i.commands.every((c) => c.magic === 0x96),
        where,
      );
    else {
      t.true(i.spec.header.startsWith("linux/iio/"), where);
      t.true(
        i.commands.every((c) => c.magic === "i".charCodeAt(0) && c.spec.nr >= 0x90 && c.spec.nr <= 0x9f),
        where,
      );
    }
  }
});
