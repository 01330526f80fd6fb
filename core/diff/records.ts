/*
 * Struct and union changes between two versions: sizes, alignment, and every member at every
 * depth of the record's own inline structs and unions (a member of a named struct type is that
 * struct's business, reported once, where it is declared).  Members are matched by name; an
 * unmatched pair in the same bytes is a rename, and what a rename means comes from the old
 * spec's `reserved` and `padding` declarations.
 */
import { growthContract } from "../contract.js";
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import { flattenMembers, layoutRecord, layoutSignature, type FlatMember, type RecordLayout } from "../layout.js";
import { recordName, typeName, type FieldModel, type RecordType } from "../model.js";
import { signedOn } from "../scalars.js";
import type { Change } from "./change.js";
import { change, outcomes, type DiffContext } from "./context.js";

/** A member as one ABI lays it out. */
interface Placed {
  offset: number;
  size: number;
  bitOffset?: number;
  bits?: number;
  field: FieldModel;
  /** Directly in the record (a union's arm), not inside one of its inline members. */
  top: boolean;
}

/** Every named member of a record, by path, on one ABI. */
function placedMembers(layout: RecordLayout): Map<string, Placed> {
  const out = new Map<string, Placed>();
  for (const m of flattenMembers(layout, 0, "", 0, (nested) => nested.record.inline) as FlatMember[]) {
    if (m.member.field.name === undefined) continue;
    out.set(m.name, {
      offset: m.offset,
      size: m.size,
      bitOffset: m.bitOffset,
      bits: m.bits,
      field: m.member.field,
      top: m.depth === 0 && !m.name.includes("."),
    });
  }
  return out;
}

const end = (p: Placed) => p.offset + p.size;
const where = (p: Placed) =>
  p.bits === undefined
    ? `@${p.offset}, ${p.size} byte${p.size === 1 ? "" : "s"}`
    : `bit ${p.bitOffset}, ${p.bits} bits`;
const sameBytes = (a: Placed, b: Placed) =>
  a.offset === b.offset && a.size === b.size && a.bitOffset === b.bitOffset && a.bits === b.bits;
const within = (inner: Placed, outer: Placed) => inner.offset >= outer.offset && end(inner) <= end(outer);
const meaningless = (f: FieldModel) => f.spec.padding === true || f.spec.reserved === true;

/** The member's type as C spells it, arrays included; inline records by their members, not their spelling. */
function spelling(f: FieldModel): string | undefined {
  let t = f.type;
  while (t.kind === "array") t = t.element;
  if (t.kind === "record" && t.record.inline) return undefined;
  return `${f.qualifiers ? `${f.qualifiers} ` : ""}${typeName(f.type)}`;
}

function signedness(f: FieldModel, abi: AbiEntry): string {
  let t = f.type;
  while (t.kind === "array") t = t.element;
  if (t.kind !== "scalar" || !t.scalar.integer) return "";
  return signedOn(t.scalar, abi) ? "signed" : "unsigned";
}

/** Per ABI, both sides' members; the ABIs where a record exists on both sides are all of them. */
interface RecordPair {
  name: string;
  oldR: RecordType;
  newR: RecordType;
  oldL: Map<AbiId, RecordLayout>;
  newL: Map<AbiId, RecordLayout>;
  oldM: Map<AbiId, Map<string, Placed>>;
  newM: Map<AbiId, Map<string, Placed>>;
}

/** Whether a named struct declares that it grows, with a size that travels at run time (inline records never do). */
const extensible = (r: RecordType) => growthContract(r.spec) !== undefined;

/** Commands whose request number encodes a record's size. */
function encodingCommands(ctx: DiffContext, r: RecordType): string[] {
  return ctx.new.ifc.commands
    .filter((c) => c.spec.dir !== "none" && c.arg?.kind === "record" && c.arg.record === r)
    .map((c) => c.spec.name);
}

export function diffRecords(ctx: DiffContext): Change[] {
  const out: Change[] = [];
  const oldByTag = new Map(ctx.old.ifc.records.map((r) => [`${r.tag}`, r]));
  const newByTag = new Map(ctx.new.ifc.records.map((r) => [`${r.tag}`, r]));
  for (const r of ctx.new.ifc.records) {
    const was = oldByTag.get(`${r.tag}`);
    if (!was)
      out.push(
        change(ctx, {
          kind: "record-added",
          verdict: "compatible",
          subject: recordName(r),
          message: `${recordName(r)} is new`,
          oldPath: ctx.old.ifc.path,
          newPath: r.path,
        }),
      );
    else out.push(...diffRecord(ctx, was, r));
  }
  for (const r of ctx.old.ifc.records)
    if (!newByTag.has(`${r.tag}`))
      out.push(
        change(ctx, {
          kind: "record-removed",
          verdict: "source-only",
          subject: recordName(r),
          message: `${recordName(r)} was removed`,
          oldPath: r.path,
          newPath: ctx.new.ifc.path,
        }),
      );
  return out;
}

function diffRecord(ctx: DiffContext, oldR: RecordType, newR: RecordType): Change[] {
  const name = recordName(newR);
  if (oldR.kind !== newR.kind)
    return [
      change(ctx, {
        kind: "record-kind",
        verdict: "breaking",
        subject: name,
        message: `${recordName(oldR)} became a ${newR.kind}`,
        oldPath: oldR.path,
        newPath: newR.path,
      }),
    ];
  // An external struct is someone else's header: its layout is checked where it is declared.
  if (oldR.external && newR.external) return [];
  const pair: RecordPair = {
    name,
    oldR,
    newR,
    oldL: new Map(),
    newL: new Map(),
    oldM: new Map(),
    newM: new Map(),
  };
  for (const abi of ctx.abis) {
    const ol = layoutRecord(oldR, abi);
    const nl = layoutRecord(newR, abi);
    pair.oldL.set(abi.id, ol);
    pair.newL.set(abi.id, nl);
    pair.oldM.set(abi.id, placedMembers(ol));
    pair.newM.set(abi.id, placedMembers(nl));
  }
  const out: Change[] = [];
  const members = diffMembers(ctx, pair);
  out.push(...members.changes);
  out.push(...recordShape(ctx, pair, members.onlyAppended));
  out.push(...abiDependence(ctx, pair));
  return out;
}

/** Size and alignment; growth by appending is compatible only under a declared extension contract. */
function recordShape(ctx: DiffContext, p: RecordPair, onlyAppended: boolean): Change[] {
  const out: Change[] = [];
  const sizes = outcomes(ctx.abis, (abi) => {
    const [o, n] = [p.oldL.get(abi.id)!.size, p.newL.get(abi.id)!.size];
    return o === n ? undefined : `${o} -> ${n} bytes`;
  });
  if (sizes) {
    const grew = ctx.abis.every((a) => p.newL.get(a.id)!.size >= p.oldL.get(a.id)!.size);
    const encoded = encodingCommands(ctx, p.newR);
    const growable = extensible(p.newR);
    const compatible = grew && onlyAppended && growable && !encoded.length;
    const why = compatible
      ? `; it declares 'extensible', so old callers pass the old size`
      : encoded.length
        ? `; ${encoded.join(", ")} encode${encoded.length === 1 ? "s" : ""} the size in the request number`
        : growable
          ? ""
          : `; it declares no 'extensible' contract`;
    out.push(
      change(ctx, {
        kind: "struct-size",
        verdict: compatible ? "compatible" : "breaking",
        subject: p.name,
        message: `sizeof(${p.name}) ${sizes.text}${why}`,
        abis: sizes.abis,
        oldPath: p.oldR.path,
        newPath: p.newR.path,
      }),
    );
  }
  const aligns = outcomes(ctx.abis, (abi) => {
    const [o, n] = [p.oldL.get(abi.id)!.align, p.newL.get(abi.id)!.align];
    return o === n ? undefined : `${o} -> ${n}`;
  });
  if (aligns)
    out.push(
      change(ctx, {
        kind: "struct-align",
        verdict: "breaking",
        subject: p.name,
        message: `_Alignof(${p.name}) ${aligns.text}`,
        abis: aligns.abis,
        oldPath: p.oldR.path,
        newPath: p.newR.path,
      }),
    );
  return out;
}

/** One layout on every ABI before, several now: compat users need a translation that did not exist. */
function abiDependence(ctx: DiffContext, p: RecordPair): Change[] {
  const shape = (r: RecordType, abi: AbiEntry) => {
    const l = layoutRecord(r, abi);
    return `${l.size}/${l.align}/${layoutSignature(r, abi, true)}`;
  };
  const kinds = (r: RecordType) => new Set(ctx.abis.map((abi) => shape(r, abi))).size;
  if (ctx.abis.length < 2 || kinds(p.oldR) !== 1 || kinds(p.newR) === 1) return [];
  const first = shape(p.newR, ctx.abis[0]!);
  const differ = ctx.abis.filter((abi) => shape(p.newR, abi) !== first).map((a) => a.id);
  return [
    change(ctx, {
      kind: "abi-dependent",
      verdict: "breaking",
      subject: p.name,
      message:
        `${p.name} had one layout on every ABI; now it differs on ${differ.length} ` +
        `(${differ.slice(0, 6).join(", ")}${differ.length > 6 ? ", …" : ""}) from ${ctx.abis[0]!.id}`,
      abis: differ,
      oldPath: p.oldR.path,
      newPath: p.newR.path,
    }),
  ];
}

interface MemberChanges {
  changes: Change[];
  /** Every old member kept its place and every new one lies after all of them: growth by appending only. */
  onlyAppended: boolean;
}

/** The ABIs where a member path exists on a side, with its placement. */
function presence(m: Map<AbiId, Map<string, Placed>>, path: string, abis: readonly AbiEntry[]): Map<AbiId, Placed> {
  const out = new Map<AbiId, Placed>();
  for (const abi of abis) {
    const p = m.get(abi.id)!.get(path);
    if (p) out.set(abi.id, p);
  }
  return out;
}

function orderedPaths(m: Map<AbiId, Map<string, Placed>>, abis: readonly AbiEntry[]): string[] {
  const seen = new Set<string>();
  for (const abi of abis) for (const k of m.get(abi.id)!.keys()) seen.add(k);
  return [...seen];
}

function diffMembers(ctx: DiffContext, p: RecordPair): MemberChanges {
  const out: Change[] = [];
  const abis = ctx.abis;
  const oldPaths = orderedPaths(p.oldM, abis);
  const newPaths = orderedPaths(p.newM, abis);
  const oldSet = new Set(oldPaths);
  const newSet = new Set(newPaths);
  const isUnion = p.newR.kind === "union";
  let onlyAppended = true;
  const sub = (path: string) => `${p.name}.${path}`;
  const first = <T>(m: Map<AbiId, T>) => m.values().next().value as T;

  // Members on both sides: where they are, how wide, what type.
  for (const path of newPaths) {
    if (!oldSet.has(path)) continue;
    const before = presence(p.oldM, path, abis);
    const after = presence(p.newM, path, abis);
    const o0 = first(before),
      n0 = first(after);
    const shrunkReserved = (abi: AbiEntry) => {
      const [o, n] = [before.get(abi.id), after.get(abi.id)];
      return !!o && !!n && meaningless(o.field) && meaningless(n.field) && within(n, o);
    };
    const paths = { oldPath: (o0 ?? n0)!.field.path, newPath: (n0 ?? o0)!.field.path };
    const moved = outcomes(abis, (abi) => {
      const [o, n] = [before.get(abi.id), after.get(abi.id)];
      if (!o || !n || o.offset === n.offset || shrunkReserved(abi)) return undefined;
      return `@${o.offset} -> @${n.offset}`;
    });
    if (moved) {
      onlyAppended = false;
      out.push(
        change(ctx, {
          kind: "member-offset",
          verdict: "breaking",
          subject: sub(path),
          message: `${sub(path)} moved ${moved.text}`,
          abis: moved.abis,
          ...paths,
        }),
      );
    }
    const wider = outcomes(abis, (abi) => {
      const [o, n] = [before.get(abi.id), after.get(abi.id)];
      if (!o || !n || shrunkReserved(abi)) return undefined;
      if (o.bits !== n.bits) return `${o.bits ?? o.size * 8} -> ${n.bits ?? n.size * 8} bits`;
      return o.size === n.size ? undefined : `${o.size} -> ${n.size} bytes`;
    });
    if (wider) {
      onlyAppended = false;
      out.push(
        change(ctx, {
          kind: "member-width",
          verdict: "breaking",
          subject: sub(path),
          message: `${sub(path)} changed width: ${wider.text}`,
          abis: wider.abis,
          ...paths,
        }),
      );
    }
    const bitMoved = outcomes(abis, (abi) => {
      const [o, n] = [before.get(abi.id), after.get(abi.id)];
      if (!o || !n || o.bits === undefined || n.bits === undefined || o.offset !== n.offset) return undefined;
      return o.bitOffset === n.bitOffset ? undefined : `bit ${o.bitOffset} -> bit ${n.bitOffset}`;
    });
    if (bitMoved) {
      onlyAppended = false;
      out.push(
        change(ctx, {
          kind: "bitfield-moved",
          verdict: "breaking",
          subject: sub(path),
          message: `bit-field ${sub(path)} moved: ${bitMoved.text}`,
          abis: bitMoved.abis,
          ...paths,
        }),
      );
    }
    const gone = abis.filter((a) => before.has(a.id) && !after.has(a.id)).map((a) => a.id);
    if (gone.length) {
      onlyAppended = false;
      out.push(
        change(ctx, {
          kind: "member-removed",
          verdict: "breaking",
          subject: sub(path),
          message: `${sub(path)} no longer exists on ${gone.join(", ")}`,
          abis: gone,
          ...paths,
        }),
      );
    }
    // Reserved bytes stay meaningless whatever they are spelled as.
    if (o0 && n0 && !moved && !wider && !bitMoved && !(meaningless(o0.field) && meaningless(n0.field))) {
      const [os, ns] = [spelling(o0.field), spelling(n0.field)];
      const signs = abis.some((a) => {
        const [o, n] = [before.get(a.id), after.get(a.id)];
        return o && n && signedness(o.field, a) !== signedness(n.field, a);
      });
      if ((os !== undefined && ns !== undefined && os !== ns) || signs)
        out.push(
          change(ctx, {
            kind: "member-type",
            verdict: "source-only",
            subject: sub(path),
            message:
              `${sub(path)} is now ${ns ?? "an inline record"} (was ${os ?? "an inline record"}), same bytes` +
              (signs ? "; its signedness changed, so values read differently" : ""),
            ...paths,
          }),
        );
    }
  }

  // Members on one side only: renames, reserved bytes given a meaning, removals and additions.
  const removed = oldPaths.filter((x) => !newSet.has(x));
  const added = newPaths.filter((x) => !oldSet.has(x));
  const claimed = new Set<string>();
  const oldMaxEnd = (abi: AbiEntry) => Math.max(0, ...[...p.oldM.get(abi.id)!.values()].map(end));
  // An old member's placement on the first ABI that has it.
  const oldPlaced = (path: string) => first(presence(p.oldM, path, abis))!;

  for (const path of added) {
    const after = presence(p.newM, path, abis);
    const n0 = first(after)!;
    const inAll = (test: (o: Placed, n: Placed) => boolean, oldPath: string) => {
      const before = presence(p.oldM, oldPath, abis);
      return [...after].every(([id, n]) => {
        const o = before.get(id);
        return o !== undefined && test(o, n);
      });
    };
    const renamedFrom = removed.find((o) => !claimed.has(o) && inAll(sameBytes, o));
    const carvedFrom =
      renamedFrom ??
      [...removed, ...newPaths.filter((x) => oldSet.has(x))].find(
        (o) => meaningless(oldPlaced(o).field) && inAll((before, now) => within(now, before), o),
      );
    const base = { subject: sub(path), oldPath: p.oldR.path, newPath: n0.field.path };
    if (carvedFrom !== undefined) {
      const o = oldPlaced(carvedFrom).field;
      if (renamedFrom !== undefined) claimed.add(renamedFrom);
      const both = { ...base, oldPath: o.path };
      if (renamedFrom !== undefined && !meaningless(o))
        out.push(
          change(ctx, {
            kind: "member-renamed",
            verdict: "source-only",
            message: `${sub(renamedFrom)} was renamed ${path}, same bytes`,
            ...both,
          }),
        );
      else if (meaningless(n0.field))
        out.push(
          change(ctx, {
            kind: "padding-renamed",
            verdict: "compatible",
            message: `${o.spec.reserved ? "reserved" : "padding"} ${sub(carvedFrom)} is now ${path}`,
            ...both,
          }),
        );
      else
        out.push(
          change(ctx, {
            kind: "reserved-used",
            verdict: o.spec.reserved ? "compatible" : "breaking",
            message: o.spec.reserved
              ? `${sub(path)} takes bytes of ${sub(carvedFrom)}, declared reserved (must be zero): ` +
                "old callers pass zero"
              : `${sub(path)} takes bytes of ${sub(carvedFrom)}, declared padding, which the kernel was not ` +
                "declared to check: old callers may pass garbage there " +
                "(declare 'reserved: true' only if the kernel rejected non-zero)",
            ...both,
          }),
        );
      continue;
    }
    const atEnd = [...after].every(([id, n]) => n.offset >= oldMaxEnd(abis.find((a) => a.id === id)!));
    onlyAppended &&= atEnd;
    if (isUnion && n0.top) {
      const same = abis.every(
        (a) => p.oldL.get(a.id)!.size === p.newL.get(a.id)!.size && p.oldL.get(a.id)!.align === p.newL.get(a.id)!.align,
      );
      out.push(
        change(ctx, {
          kind: "union-arm-added",
          verdict: same ? "compatible" : "breaking",
          message:
            `${sub(path)} is a new arm` +
            (same ? "; the union's size and alignment stay" : " that changes the union's size or alignment"),
          abis: [...after.keys()],
          ...base,
        }),
      );
      continue;
    }
    const growable = extensible(p.newR);
    const encoded = encodingCommands(ctx, p.newR);
    out.push(
      change(ctx, {
        kind: atEnd ? "member-added-end" : "member-added-middle",
        verdict: atEnd && growable && !encoded.length ? "compatible" : "breaking",
        message: atEnd
          ? `${sub(path)} was appended at ${where(n0)}` +
            (encoded.length
              ? `; ${encoded.join(", ")} encode${encoded.length === 1 ? "s" : ""} the struct's size: ` +
                "a new request number"
              : growable
                ? "; the struct is extensible, so old callers pass the old size"
                : "; the struct declares no 'extensible' contract")
          : `${sub(path)} was added at ${where(n0)}, before or among existing members`,
        abis: [...after.keys()],
        ...base,
      }),
    );
  }

  for (const path of removed) {
    if (claimed.has(path)) continue;
    const o0 = oldPlaced(path);
    // Reserved bytes now covered entirely by new members were reported as given a meaning.
    if (meaningless(o0.field) && coveredByNew(p, path, abis)) continue;
    onlyAppended = false;
    const base = { subject: sub(path), oldPath: o0.field.path, newPath: p.newR.path };
    out.push(
      change(ctx, {
        kind: isUnion && o0.top ? "union-arm-removed" : "member-removed",
        verdict: "breaking",
        message: `${sub(path)} (${where(o0)}) was removed`,
        abis: [...presence(p.oldM, path, abis).keys()],
        ...base,
      }),
    );
  }
  return { changes: out, onlyAppended };
}

/** Whether the bytes an old member had are all taken by members of the new side on every ABI. */
function coveredByNew(p: RecordPair, path: string, abis: readonly AbiEntry[]): boolean {
  return abis.every((abi) => {
    const o = p.oldM.get(abi.id)!.get(path);
    if (!o) return true;
    const news = [...p.newM.get(abi.id)!.values()].filter((n) => n.top || n.field.name !== undefined);
    let at = o.offset;
    for (const n of news.sort((a, b) => a.offset - b.offset)) if (n.offset <= at && end(n) > at) at = end(n);
    return at >= end(o);
  });
}
