/*
 * The contract checks (core/checks/versions.ts, core/checks/contract.ts): one seeded defect per rule, found
 * exactly once at the line that holds it, with a YAML fix; the fix or the declared exception makes it go away.
 * Layout facts used here are C's (abi-facts.md §0): __u8 arrays align to 1, __u32 to 4, __aligned_u64 to 8 on
 * every ABI; the registry and kernel-side rules are the kernel's (kernel-rules.md §5.2–5.4).
 */
import test from "ava";
import { runChecks } from "../core/checks/index.js";
import { SpecInputError, type Diagnostic } from "../core/diagnostic.js";
import { ABIS } from "../spec/abis.js";
import { exampleSpecFiles, loadSpecFiles, loadSpecText } from "../spec/load.js";
import { interfaceText, specText } from "./seeded-spec.js";

const ALL = ABIS.map((a) => a.id);

function check(text: string): Diagnostic[] {
  return runChecks(loadSpecText("seeded.yaml", text), ABIS);
}

/** The 1-based line of the first line of `text` containing `marker`. */
const lineOf = (text: string, marker: string) => text.split("\n").findIndex((l) => l.includes(marker)) + 1;

function foundOnce(t: import("ava").ExecutionContext, text: string, rule: string, marker: string): Diagnostic {
  const ds = check(text).filter((d) => d.rule === rule);
  t.is(ds.length, 1, `${rule}: ${ds.map((d) => d.message).join(" | ")}`);
  const d = ds[0]!;
  t.deepEqual([d.loc.file, d.loc.line], ["seeded.yaml", lineOf(text, marker)], `${rule} points at ${marker}`);
  t.true(d.hint.length > 0);
  return d;
}

const without = (text: string, rule: string) => check(text).filter((d) => d.rule === rule);

const versioned = (fields: string, versions: string, size = "argument") => `      - name: s
        doc: d
        extensible:
          size: ${size}
          versions:
${versions}
        fields:
${fields}`;

test("contract/version-boundary: a version that ends inside a 16-byte array", (t) => {
  const text = specText(
    versioned(
      `          - { name: name, type: __u8, array: 16 }
          - { name: x, type: __aligned_u64 }`,
      "            - { name: S_VER0, size: 8 }  # cut",
    ),
  );
  const d = foundOnce(t, text, "contract/version-boundary", "# cut");
  t.deepEqual(d.abis, ALL, "the array spans bytes 0..15 on every ABI");
  t.regex(d.message, /inside name \(bytes 0\.\.15\)/);
  t.regex(d.hint, /\{ name: S_VER0, size: \d+ \}/);
  const fixed = text.replace("size: 8 }  # cut", "size: 16 }");
  t.deepEqual(without(fixed, "contract/version-boundary"), []);
});

test("contract/version-boundary: a version past the end of the struct", (t) => {
  const text = specText(
    versioned("          - { name: a, type: __aligned_u64 }", "            - { name: V0, size: 16 }"),
  );
  const d = foundOnce(t, text, "contract/version-boundary", "V0");
  t.regex(d.message, /past the end of the struct \(8 bytes\)/);
});

test("contract/version-align: a published size of 12 bytes", (t) => {
  const fields = ["a", "b", "c", "d"].map((n) => `          - { name: ${n}, type: __u32 }`).join("\n");
  const text = specText(
    versioned(fields, "            - { name: V0, size: 12 }  # twelve\n            - { name: V1, size: 16 }"),
  );
  const d = foundOnce(t, text, "contract/version-align", "# twelve");
  t.regex(d.message, /12 is not a multiple of 8/);
  t.deepEqual(without(text, "contract/version-boundary"), [], "12 ends member c on every ABI");
});

test("contract/version-order: a version smaller than the one before", (t) => {
  const fields = ["a", "b", "c"].map((n) => `          - { name: ${n}, type: __aligned_u64 }`).join("\n");
  const text = specText(versioned(fields, "            - { name: V0, size: 16 }\n            - { name: V1, size: 8 }"));
  const d = foundOnce(t, text, "contract/version-order", "name: V1");
  t.regex(d.message, /V1 = 8 does not grow past V0 = 16/);
});

test("contract/version-padding: a hole inside the first version on every ABI", (t) => {
  const text = specText(
    versioned(
      `          - { name: a, type: __u32 }
          - { name: b, type: __aligned_u64 }`,
      "            - { name: V0, size: 16 }",
    ),
  );
  const d = foundOnce(t, text, "contract/version-padding", "V0");
  t.deepEqual(d.abis, ALL, "__aligned_u64 is 8-aligned on every ABI, so bytes 4..7 are a hole everywhere");
  t.regex(d.message, /4 bytes at offset 4/);
  const fixed = text.replace(
    "          - { name: b,",
    "          - { name: __reserved, type: __u32, reserved: true }\n          - { name: b,",
  );
  t.deepEqual(without(fixed, "contract/version-padding"), []);
});

test("contract/version-latest: members after the newest version", (t) => {
  const text = specText(
    versioned(
      "          - { name: a, type: __aligned_u64 }\n          - { name: b, type: __aligned_u64 }",
      "            - { name: S_SIZE_VER0, size: 8 }",
    ),
  );
  const d = foundOnce(t, text, "contract/version-latest", "S_SIZE_VER0");
  t.regex(d.message, /16 bytes on all \d+ ABIs, larger than its newest version S_SIZE_VER0 = 8/);
  t.regex(d.hint, /\{ name: S_SIZE_VER1, size: 16 \}/);
});

test("contract/size-member: the size member lies past the first version", (t) => {
  const text = specText(`      - name: s
        doc: d
        extensible:
          size: member
          member: argsz  # late
          versions:
            - { name: V0, size: 8 }
            - { name: V1, size: 16 }
        fields:
          - { name: a, type: __aligned_u64 }
          - { name: argsz, type: __u32 }
          - { name: flags, type: __u32, mustBeZero: true }`);
  const d = foundOnce(t, text, "contract/size-member", "# late");
  t.regex(d.message, /ends at byte 12 on all \d+ ABIs, past V0 = 8/);
});

const extensibleIoctl = (dir: string, dispatch = "") =>
  interfaceText(`${dispatch}    structs:
      - name: s
        doc: d
        extensible: { size: member, member: argsz, versions: [{ name: S_VER0, size: 8 }] }
        fields:
          - { name: argsz, type: __u32 }
          - { name: flags, type: __u32, mustBeZero: true }
    commands:
      - name: T_SET
        doc: d
        magic: 0xf0
        nr: 1
        dir: ${dir}  # dir
        arg: struct s
`);

test("contract/size-in-number: an extensible struct behind _IOW, dispatched on the exact number", (t) => {
  const text = extensibleIoctl("write");
  const d = foundOnce(t, text, "contract/size-in-number", "# dir");
  t.regex(d.message, /T_SET = _IOW\(\.\.\., struct s\) encodes the size of an extensible struct/);
  t.regex(d.hint, /_IO\(\).*VFIO|dispatch: nr/);
  t.deepEqual(without(extensibleIoctl("none"), "contract/size-in-number"), [], "an _IO number carries no size");
  t.deepEqual(
    without(extensibleIoctl("write", "    dispatch: nr\n"), "contract/size-in-number"),
    [],
    "drm-style dispatch on _IOC_NR keeps a grown struct's command",
  );
});

test("contract/size-source: a size that travels in _IOC_SIZE behind an _IO number", (t) => {
  const text = extensibleIoctl("none").replace("size: member, member: argsz,", "size: ioctl,");
  const d = foundOnce(t, text, "contract/size-source", "arg: struct s");
  t.regex(d.message, /_IO\(\) number carries no size/);
  const asArgument = extensibleIoctl("none").replace("size: member, member: argsz,", "size: argument,");
  t.is(without(asArgument, "contract/size-source").length, 1, "an ioctl has no size argument");
});

test("contract/must-be-zero: reserved space the kernel does not check, and a reserved member not declared", (t) => {
  const unchecked = specText(`      - name: s
        doc: d
        fields:
          - { name: a, type: __u32 }
          - { name: type, type: __u32, reserved: true, mustBeZero: false }  # unchecked`);
  const d = foundOnce(t, unchecked, "contract/must-be-zero", "# unchecked");
  t.regex(d.message, /reserved but the kernel does not check that it is zero/);
  t.deepEqual(without(unchecked.replace(", mustBeZero: false", ""), "contract/must-be-zero"), []);

  const named = specText(`      - name: s
        doc: d
        fields:
          - { name: a, type: __u32 }
          - { name: __reserved0, type: __u32 }  # named`);
  const n = foundOnce(t, named, "contract/must-be-zero", "# named");
  t.regex(n.hint, /- \{ name: __reserved0, type: __u32, reserved: true \}/);
});

test("contract/flags-undeclared: a flags word with no set, as a member and as a syscall argument", (t) => {
  const member = specText(`      - name: s
        doc: d
        fields:
          - { name: msg_flags, type: __u32 }  # flags
          - { name: a, type: __u32 }`);
  foundOnce(t, member, "contract/flags-undeclared", "# flags");
  t.deepEqual(
    without(member.replace("type: __u32 }  # flags", "type: __u32, mustBeZero: true }"), "contract/flags-undeclared"),
    [],
    "a must-be-zero word has no flags yet",
  );
  const syscall = interfaceText(`    syscalls:
      - name: t_do
        doc: d
        args:
          - { name: fd, type: int, fd: true }
          - { name: flags, type: unsigned int }  # arg
`);
  foundOnce(t, syscall, "contract/flags-undeclared", "# arg");
});

test("contract/flags-width: a 64-bit flag set on a 32-bit member", (t) => {
  const text = interfaceText(`    flags:
      - name: t_flags
        doc: d
        width: 64
        bits:
          - { name: T_LOW, bit: 0 }
          - { name: T_HIGH, bit: 40 }
    structs:
      - name: s
        doc: d
        fields:
          - { name: flags, type: __u32, flags: t_flags }  # narrow
          - { name: a, type: __u32 }
`);
  const d = foundOnce(t, text, "contract/flags-width", "# narrow");
  t.regex(d.message, /holds 32 bits on all \d+ ABIs, but flag set t_flags uses bit 40/);
  t.deepEqual(without(text.replace("bit: 40", "bit: 31"), "contract/flags-width"), []);
});

const plainCommand = (fields: string, extra = "") =>
  interfaceText(`    structs:
      - name: s
        doc: d
${extra}        fields:
${fields}
    commands:
      - name: T_SET
        doc: d
        magic: 0xf0
        nr: 1
        dir: write
        arg: struct s  # arg
`);

test("contract/cannot-grow: an argument with no flags word, reserved space or size", (t) => {
  const text = plainCommand("          - { name: a, type: __aligned_u64 }");
  const d = foundOnce(t, text, "contract/cannot-grow", "# arg");
  t.regex(d.message, /T_SET's argument struct s has no flags word, no reserved member and no size/);
  t.deepEqual(
    without(
      plainCommand("          - { name: a, type: __aligned_u64 }", "        extensible: { size: none }\n"),
      "contract/cannot-grow",
    ),
    [],
    "'size: none' says it never grows",
  );
  const roomy = plainCommand(
    "          - { name: a, type: __u32 }\n          - { name: __reserved, type: __u32, reserved: true }",
  );
  t.deepEqual(without(roomy, "contract/cannot-grow"), []);
  const unchecked = roomy.replace("reserved: true }", "reserved: true, mustBeZero: false }");
  t.is(without(unchecked, "contract/cannot-grow").length, 1, "reserved space nobody checks is no room to grow");
});

test("the lint refuses contracts that cannot hold", (t) => {
  const refused = (text: string, message: RegExp) => {
    const err = t.throws(() => loadSpecText("seeded.yaml", text), { instanceOf: SpecInputError }) as SpecInputError;
    t.true(
      err.errors.some((e) => message.test(e.message)),
      err.errors.map((e) => e.message).join(" | "),
    );
  };
  refused(
    specText(versioned("          - { name: a, type: __aligned_u64 }", "            - { name: V0, size: 8 }", "none")),
    /never grows \('size: none'\) has no published versions/,
  );
  refused(
    specText(`      - name: s
        doc: d
        fields:
          - { name: inner, type: { kind: struct, fields: [{ name: x, type: __u32 }] }, mustBeZero: true }`),
    /only an integer member .* can be declared must-be-zero/,
  );
  refused(
    specText(
      versioned(
        "          - { name: a, type: __aligned_u64 }",
        "            - { name: V0, size: 8 }\n            - { name: V0, size: 8 }",
      ),
    ),
    /V0/,
  );
  refused(
    interfaceText(`    constants:
      - { name: T_FLAGS_ALL, value: 1 }
    flags:
      - { name: t_flags, doc: d, width: 32, bits: [{ name: T_A, bit: 0 }] }
`),
    /T_FLAGS_ALL/,
  );
});

/*
 * The bundled specs: the contract findings each one should get, typed from what the specs' own documentation
 * says of the kernel (and the seed threads): members documented as "not checked for zero", flags words with
 * "none defined" or values the spec cannot model, and IIO's ALLOC request, which the reviewers wanted reserved
 * fields in.
 */
const BUNDLED_CONTRACT_FINDINGS = [
  // "no flags are defined, so peer_flags has no flag set here" (bus1.yaml, the 2016-11 revision)
  "bus1_2016_11 contract/flags-undeclared struct bus1_cmd_peer_reset.peer_flags",
  // iio.yaml: "the reserved type fields are not checked for zero" (the mmap block API, v1 and v4)
  "iio_buffer_mmap contract/must-be-zero struct iio_buffer_block_alloc_req.type",
  "iio_buffer_mmap contract/must-be-zero struct iio_buffer_block.type",
  "iio_buffer_mmap contract/cannot-grow IIO_BUFFER_BLOCK_ALLOC_IOCTL",
  "iio_buffer_mmap_v4 contract/must-be-zero struct iio_buffer_block_alloc_req.type",
  "iio_buffer_mmap_v4 contract/must-be-zero struct iio_buffer_block.type",
  "iio_buffer_mmap_v4 contract/cannot-grow IIO_BUFFER_BLOCK_ALLOC_IOCTL",
  // "Flags for the new fd ...; none defined"
  "iio_buffer_ioctl_data contract/flags-undeclared struct iio_buffer_ioctl_data.flags",
  // O_*, CLONE_* and MAP_* values differ between architectures, so linux-syscalls.yaml does not model them
  "linux_syscalls contract/flags-undeclared struct open_how.flags",
  "linux_syscalls contract/flags-undeclared struct clone_args.flags",
  "linux_syscalls contract/flags-undeclared mmap2(flags)",
].sort();

test("bundled specs: the contract findings their documentation calls for, and no others", (t) => {
  const found = loadSpecFiles(exampleSpecFiles())
    .flatMap((m) => runChecks(m, ABIS))
    .filter((d) => d.rule.startsWith("contract/"))
    .map((d) => `${d.interface} ${d.rule} ${d.subject}`)
    .sort();
  t.deepEqual(found, BUNDLED_CONTRACT_FINDINGS);
});

test("bundled specs: openat2's and clone3's published sizes are member boundaries on every ABI", (t) => {
  // include/uapi/linux/openat2.h OPEN_HOW_SIZE_VER0 24; include/uapi/linux/sched.h CLONE_ARGS_SIZE_VER0..2
  // 64, 80, 88: the layout engine must put a member end at each, on every ABI, or version-boundary fires.
  const model = loadSpecFiles(exampleSpecFiles()).find((m) =>
    m.interfaces.some((i) => i.spec.name === "linux_syscalls"),
  )!;
  const ifc = model.interfaces.find((i) => i.spec.name === "linux_syscalls")!;
  const sizes = (tag: string) =>
    (
      ifc.records.find((r) => r.tag === tag)!.spec as { extensible?: { versions?: { size: number }[] } }
    ).extensible!.versions!.map((v) => v.size);
  t.deepEqual(sizes("open_how"), [24]);
  t.deepEqual(sizes("clone_args"), [64, 80, 88]);
  const versionFindings = runChecks(model, ABIS).filter((d) => /^contract\/(version|size-member)/.test(d.rule));
  t.deepEqual(versionFindings, []);
});
