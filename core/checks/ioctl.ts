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
import type { CommandModel, FieldModel } from "../model.js";
import { groupAbis, nameAbis, reporter, type Check } from "./context.js";

/** Which ways data flows through the argument, from the command's, the fields' or the scalar's declared flow. */
function argFlows(cmd: CommandModel): Set<Flow> | undefined {
  const flows = new Set<Flow>();
  const walk = (fields: FieldModel[], prefix: string, inherited?: Flow) => {
    for (const f of fields) {
      if (f.spec.padding || f.spec.reserved) continue;
      const path = f.name === undefined ? prefix.replace(/\.$/, "") : `${prefix}${f.name}`;
      // Own entries only: a member named `constructor` must not find Object.prototype's.
      const flow =
        (f.name !== undefined && cmd.spec.flow && Object.hasOwn(cmd.spec.flow, path)
          ? cmd.spec.flow[path]
          : undefined) ??
        f.spec.flow ??
        inherited;
      const t = f.type.kind === "array" ? f.type.element : f.type;
      if (t.kind === "record" && t.record.inline)
        walk(t.record.fields, f.name === undefined ? prefix : `${path}.`, flow);
      else if (flow) flows.add(flow);
    }
  };
  if (cmd.arg?.kind === "record") walk(cmd.arg.record.fields, "");
  else if (cmd.spec.argFlow) flows.add(cmd.spec.argFlow);
  return flows.size ? flows : undefined;
}

export const checkIoctl: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const out = [];
    const seen = new Map<string, CommandModel>();
    for (const cmd of ifc.commands) {
      const c = cmd.spec;
      const numbers = ctx.abis.map((abi) => commandNumber(cmd, abi));

      const perFamily = [...groupAbis(ctx.abis, (abi) => abi.ioc)].map(([family, ids]) => {
        const values = groupAbis(
          ctx.abis.filter((a) => ids.includes(a.id)),
          (abi) => numbers.find((n) => n.abi === abi.id)!.value,
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
          "informational",
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
            `give ${c.name} its own nr; tools that key on (type, nr), such as strace and ioctl-number.rst, ` +
              "cannot tell the two apart even though the full numbers differ",
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
            "keep ioctl arguments under 8192 bytes (the portable limit); " +
              "pass a pointer to a larger buffer inside the struct instead",
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
            "use _IOR/_IOW/_IOWR for a pointer argument, " +
              "or drop 'arg:' if the command takes none (or an integer value)",
          ),
        );
      }

      const flows = argFlows(cmd);
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
              `declare it ${iocMacro(right)} (dir: ${right}), or fix the fields' 'flow:'`,
            ),
          );
        }
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
