/*
 * The ioctl number rules (kernel ioctl.rst, ioctl-number.rst, the _IOC headers):
 *   ioctl/numbers       info: the request number on each _IOC family
 *   ioctl/duplicate-nr  two commands on one (magic, nr)
 *   ioctl/size-limit    an argument too big for the 13-bit size field
 *   ioctl/direction     the direction contradicts the fields' data flow
 *   ioctl/io-with-arg   _IO declared with an argument type
 *   ioctl/number-varies the number changes between ABIs because the size does
 */
import type { Flow } from "../../spec/types.js";
import { IOC_FAMILIES, iocMacro, iocMaxSize } from "../../runtime/ioc.js";
import { commandNumber, hex32 } from "../ioctl-numbers.js";
import { eachRecordInnermostFirst } from "../layout.js";
import { memberFlowFor, type CommandModel, type FieldModel, type RecordType } from "../model.js";
import { groupAbis, nameAbis, reporter, type Check } from "./context.js";

const FLOW_BITS: Readonly<Record<Flow, number>> = { in: 1, out: 2, inout: 4 };
const FLOWS = Object.keys(FLOW_BITS) as Flow[];
const INHERITED = [undefined, ...FLOWS] as const;

/**
 * The flows a record's members declare at any depth (a bit mask of FLOW_BITS), one entry per flow inherited from
 * the enclosing member: memoised per record, innermost first, so a struct held by many others is walked once.
 */
function nestedFlowMasks(root: RecordType, memo: Map<RecordType, number[]>): number[] {
  eachRecordInnermostFirst(
    root,
    (r) => memo.has(r),
    (r) =>
      memo.set(
        r,
        INHERITED.map((inherited) => {
          let mask = 0;
          for (const f of r.fields) {
            if (f.spec.padding || f.spec.reserved) continue;
            const flow = f.spec.flow ?? inherited;
            let t = f.type;
            while (t.kind === "array") t = t.element;
            if (t.kind === "record") mask |= memo.get(t.record)![INHERITED.indexOf(flow)]!;
            else if (flow) mask |= FLOW_BITS[flow];
          }
          return mask;
        }),
      ),
  );
  return memo.get(root)!;
}

/**
 * Which ways data flows through the argument, from the command's `flow:` map, the members' `flow:` at any depth
 * (nested structs included) or the scalar's `argFlow`; undefined when nothing declares one.
 */
function argFlows(cmd: CommandModel, memo: Map<RecordType, number[]>): Set<Flow> | undefined {
  let mask = 0;
  if (cmd.arg?.kind === "record") {
    const overrides = cmd.spec.flow ? Object.keys(cmd.spec.flow) : [];
    // Members the command's flow map names are walked path by path; the rest come from the memo.
    const stack: { fields: FieldModel[]; prefix: string; inherited?: Flow }[] = [
      { fields: cmd.arg.record.fields, prefix: "" },
    ];
    while (stack.length) {
      const { fields, prefix, inherited } = stack.pop()!;
      for (const f of fields) {
        if (f.spec.padding || f.spec.reserved) continue;
        const path = f.name === undefined ? prefix.replace(/\.$/, "") : `${prefix}${f.name}`;
        const flow = memberFlowFor(cmd, f, path, inherited);
        let t = f.type;
        while (t.kind === "array") t = t.element;
        if (t.kind !== "record") {
          if (flow) mask |= FLOW_BITS[flow];
          continue;
        }
        const inner = f.name === undefined ? prefix : `${path}.`;
        if (overrides.some((k) => k.startsWith(inner)))
          stack.push({ fields: t.record.fields, prefix: inner, inherited: flow });
        else mask |= nestedFlowMasks(t.record, memo)[INHERITED.indexOf(flow)]!;
      }
    }
  } else if (cmd.spec.argFlow) mask |= FLOW_BITS[cmd.spec.argFlow];
  return mask ? new Set(FLOWS.filter((f) => mask & FLOW_BITS[f])) : undefined;
}

/** `nr: 0x..` for the first nr no command of the interface uses with this magic, for the hint. */
function freeNr(commands: readonly CommandModel[], magic: number): string {
  const used = new Set(commands.filter((c) => c.magic === magic).map((c) => c.spec.nr));
  for (let nr = 0; nr < 256; nr++) if (!used.has(nr)) return `\`nr: 0x${nr.toString(16)}\` is free`;
  return `every nr of magic 0x${magic.toString(16)} is taken: use another magic`;
}

/** The flow a member most likely has under each direction, for the example in a hint. */
const DIR_EXAMPLE_FLOW: Readonly<Record<"read" | "write" | "readwrite", Flow>> = {
  read: "out",
  write: "in",
  readwrite: "inout",
};

/** The first member that carries data (found through anonymous members), to name in an example. */
function firstDataMember(record: RecordType): FieldModel | undefined {
  for (const f of record.fields) {
    if (f.spec.padding || f.spec.reserved) continue;
    if (f.name !== undefined) return f;
    if (f.type.kind === "record") {
      const inner = firstDataMember(f.type.record);
      if (inner) return inner;
    }
  }
  return undefined;
}

export const checkIoctl: Check = (ctx) => {
  const flowMemo = new Map<RecordType, number[]>();
  return ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const out = [];
    const seen = new Map<string, CommandModel>();
    for (const cmd of ifc.commands) {
      const c = cmd.spec;
      const numbers = ctx.abis.map((abi) => commandNumber(cmd, abi));

      const numberOn = new Map(numbers.map((n) => [n.abi, n.value]));
      const perFamily = [...groupAbis(ctx.abis, (abi) => abi.ioc)].map(([family, ids]) => {
        const inFamily = new Set(ids);
        const values = groupAbis(
          ctx.abis.filter((a) => inFamily.has(a.id)),
          (abi) => numberOn.get(abi.id),
        );
        return { family, values };
      });
      out.push(
        report(
          "ioctl/numbers",
          "info",
          cmd.path,
          c.name,
          `${c.name} = ${iocMacro(c.dir)}(0x${cmd.magic.toString(16)}, 0x${c.nr.toString(16)}` +
            `${c.arg && c.dir !== "none" ? `, ${c.arg}` : ""}): ` +
            perFamily
              .map(
                ({ family, values }) =>
                  `${family} ` +
                  [...values]
                    .map(
                      ([v, ids]) =>
                        (v === undefined ? "does not fit" : hex32(v)) +
                        (values.size > 1 ? ` on ${nameAbis(ids, ctx.abis)}` : ""),
                    )
                    .join(", "),
              )
              .join("; "),
          [],
          "",
        ),
      );

      const key = `${cmd.magic}/${c.nr}`;
      const prior = seen.get(key);
      if (prior) {
        out.push(
          report(
            "ioctl/duplicate-nr",
            "error",
            [...cmd.path, "nr"],
            c.name,
            `${c.name} uses magic 0x${cmd.magic.toString(16)} nr 0x${c.nr.toString(16)}, ` +
              `already taken by ${prior.spec.name}`,
            [],
            `give ${c.name} its own nr (${freeNr(ifc.commands, cmd.magic)}); tools that key on (type, nr), ` +
              "such as strace and ioctl-number.rst, cannot tell the two apart even though the full numbers differ",
          ),
        );
      } else seen.set(key, cmd);

      const tooBig = numbers.filter((n) => n.size > iocMaxSize(IOC_FAMILIES[n.family]));
      if (tooBig.length) {
        out.push(
          report(
            "ioctl/size-limit",
            "error",
            [...cmd.path, "arg"],
            c.name,
            `${c.name}: argument of ${tooBig[0]!.size} bytes ` +
              `does not fit the ${IOC_FAMILIES[tooBig[0]!.family].sizeBits}-bit size field on ` +
              nameAbis(
                tooBig.map((n) => n.abi),
                ctx.abis,
              ),
            tooBig.map((n) => n.abi),
            "keep ioctl arguments under 8192 bytes (the portable limit): put a pointer to the large buffer " +
              "in the struct instead (`- { name: data, type: __u64, pointer: { to: __u8, count: size } }`)",
          ),
        );
      }

      if (c.dir === "none" && c.arg !== undefined) {
        out.push(
          report(
            "ioctl/io-with-arg",
            "warning",
            [...cmd.path, "arg"],
            c.name,
            `${c.name} is _IO but declares an argument type '${c.arg}'; _IO encodes no size and no direction`,
            [],
            "for a pointer argument write `dir: read`, `write` or `readwrite` (_IOR/_IOW/_IOWR); " +
              "drop `arg:` if the command takes none (or an integer value)",
          ),
        );
      }

      const flows = argFlows(cmd, flowMemo);
      if (flows && c.dir !== "none") {
        const wantsWrite = flows.has("in") || flows.has("inout");
        const wantsRead = flows.has("out") || flows.has("inout");
        const hasWrite = c.dir === "write" || c.dir === "readwrite";
        const hasRead = c.dir === "read" || c.dir === "readwrite";
        const right = wantsWrite && wantsRead ? "readwrite" : wantsWrite ? "write" : "read";
        if (wantsWrite !== hasWrite || wantsRead !== hasRead) {
          const sev = (wantsRead && !hasRead) || (wantsWrite && !hasWrite) ? "error" : "warning";
          out.push(
            report(
              "ioctl/direction",
              sev,
              [...cmd.path, "dir"],
              c.name,
              `${c.name} is ${iocMacro(c.dir)} but its data flows ${[...flows].sort().join(" and ")} ` +
                `(${wantsWrite ? "user -> kernel" : ""}${wantsWrite && wantsRead ? ", " : ""}` +
                `${wantsRead ? "kernel -> user" : ""})`,
              [],
              `declare it ${iocMacro(right)}: \`dir: ${right}\`; or fix the members' \`flow:\``,
            ),
          );
        }
      } else if (!flows && c.dir !== "none" && cmd.arg) {
        // Nothing to compare the direction with: say so rather than pass silently.
        const example = DIR_EXAMPLE_FLOW[c.dir];
        const first = cmd.arg.kind === "record" ? firstDataMember(cmd.arg.record) : undefined;
        out.push(
          report(
            "ioctl/direction-unchecked",
            "info",
            [...cmd.path, "dir"],
            c.name,
            `${c.name}: the ${iocMacro(c.dir)} direction was not checked: ` +
              (cmd.arg.kind === "record"
                ? `no member of ${c.arg} declares 'flow:' and the command has no 'flow:' map`
                : `the command declares no 'argFlow:'`),
            [],
            cmd.arg.kind !== "record"
              ? `add \`argFlow: ${example}\` to the command (in, out or inout: which way the value goes)`
              : `add \`flow: in\`, \`out\` or \`inout\` to each member` +
                  (first && typeof first.spec.type === "string"
                    ? ` (\`- { name: ${first.name}, type: ${first.spec.type}, flow: ${example} }\`)`
                    : "") +
                  `, or give the command a map for this command only` +
                  (first ? ` (\`flow: { ${first.name}: ${example} }\`)` : ""),
          ),
        );
      }

      const varying = perFamily.filter(({ values }) => values.size > 1);
      if (varying.length) {
        const ids = varying.flatMap(({ values }) => [...values.values()].slice(1).flat());
        out.push(
          report(
            "ioctl/number-varies",
            "error",
            cmd.path,
            c.name,
            `${c.name} has different numbers on ABIs of the same family because sizeof(${c.arg}) differs: ` +
              varying
                .map(
                  ({ family, values }) =>
                    `${family}: ` +
                    [...values]
                      .map(([v, g]) => `${v === undefined ? "-" : hex32(v)} on ${nameAbis(g, ctx.abis)}`)
                      .join(", "),
                )
                .join("; "),
            ids,
            "make the argument's layout identical on every ABI (see compat/layout), " +
              "or handle the 32-bit number in compat_ioctl",
          ),
        );
      }
    }
    return out;
  });
};
