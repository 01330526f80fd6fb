/*
 * types/abi-dependent: C types whose size, alignment, signedness or layout
 * the ABI decides have no place in a uapi struct (kernel ioctl.rst: no long,
 * no pointers, avoid bit-fields and enums, char signedness varies).
 */
import type { Severity } from "../diagnostic.js";
import { typeName, type CType, type FieldModel } from "../model.js";
import { sizesAcrossAbis } from "../scalars.js";
import { recordsToCheck, reporter, type Check } from "./context.js";

interface TypeProblem {
  severity: Severity;
  what: string;
  hint: string;
}

const POINTER_HINT =
  "carry a user pointer in a __u64: `type: __u64, pointer: { to: TYPE }` (u64_to_user_ptr() in the kernel)";

function problemOf(f: FieldModel): TypeProblem | undefined {
  if (f.bits !== undefined)
    return {
      severity: "warning",
      what: "a bit-field (allocation order and unit follow the ABI)",
      hint: "use a whole flags word with named bits: `type: __u32, flags: SET` (the bits in the interface's `flags:`)",
    };
  let t: CType = f.type;
  const inArray = t.kind === "array";
  while (t.kind === "array") t = t.element;
  switch (t.kind) {
    case "pointer":
      return {
        severity: "error",
        what: `a pointer ('${typeName(t)}', 4 or 8 bytes)`,
        hint: POINTER_HINT,
      };
    case "enum":
      return {
        severity: "warning",
        what: `an enum ('${typeName(t)}', its size is the compiler's choice)`,
        hint: `write \`type: __u32, enum: ${typeName(t).replace(/^enum /, "")}\` (a fixed width, values still named)`,
      };
    case "scalar":
      switch (t.scalar.abiDependent) {
        case "long":
          return {
            severity: "error",
            what: `'${t.scalar.name}' (4 or 8 bytes)`,
            hint: "use a fixed width: `type: __u64` (or `__s64`, `__u32`, `__s32`)",
          };
        case "size_t":
          return { severity: "error", what: `'${t.scalar.name}' (4 or 8 bytes)`, hint: "use `type: __u64`" };
        case "time_t":
          return {
            severity: "error",
            what: "'time_t' (32 or 64 bits, and it changed with _TIME_BITS=64)",
            hint: "use `type: __s64` seconds with `type: __u32` nanoseconds, or one `type: __u64` ns timestamp",
          };
        case "char":
          return inArray
            ? undefined
            : {
                severity: "warning",
                what: "plain 'char' used as a number (its signedness is the ABI's)",
                hint: "use `type: __u8` or `type: __s8`",
              };
        case "typedef":
          // A kernel typedef the ABIs disagree on (asm/posix_types.h overrides): x86's 16-bit __kernel_mode_t.
          return {
            severity: "error",
            what:
              `'${t.scalar.name}' (${sizesAcrossAbis(t.scalar).join(" or ")} bytes` +
              `${t.scalar.signed === "abi" ? ", signed on some ABIs only" : ""}, as each ABI's headers define it)`,
            hint:
              t.scalar.cls === "ptr"
                ? POINTER_HINT
                : "use the fixed width that holds its values on every ABI: " +
                  "`type: __u32` (or `__s32`, `__u64`, `__s64`)",
          };
        case "float":
          return {
            severity: "warning",
            what: `floating point ('${t.scalar.name}')`,
            hint: "the kernel does not use floating point: use a fixed-point integer (`type: __s32`, say in 1/1000s)",
          };
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}

export const checkTypes: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    return recordsToCheck(ifc).flatMap(({ record, name }) =>
      record.fields.flatMap((f) => {
        const p = problemOf(f);
        if (!p) return [];
        const member = f.name ?? "<unnamed>";
        return [
          report(
            "types/abi-dependent",
            p.severity,
            f.path,
            `${name}.${member}`,
            `${name}.${member} is ${p.what}`,
            [],
            p.hint,
          ),
        ];
      }),
    );
  });
