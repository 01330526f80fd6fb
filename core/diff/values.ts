/*
 * Named values: enumerators, flag bits and constants.  A value old binaries hold that now means
 * something else, or nothing, breaks them; a new name breaks nothing.  Whether a flag bit was free
 * to take comes from the old spec's `reserved: true` on it.
 */
import type { DocPath } from "../diagnostic.js";
import { parseInteger } from "../model.js";
import type { Change } from "./change.js";
import { change, type DiffContext } from "./context.js";

interface Named {
  name: string;
  value: string;
  path: DocPath;
  reserved?: boolean;
}

interface NamedSet {
  kind: "enum" | "flags";
  name: string;
  path: DocPath;
  members: Named[];
}

/** An integer compares as its value (0x10 == 16); anything else as its text with spaces collapsed. */
function canonical(v: number | string): string {
  const n = parseInteger(v);
  return n === undefined ? String(v).replace(/\s+/g, " ").trim() : n.toString();
}

function sets(ctx: DiffContext, side: "old" | "new"): NamedSet[] {
  const { ifc } = ctx[side];
  const enums: NamedSet[] = (ifc.spec.enums ?? []).map((e, i) => ({
    kind: "enum",
    name: e.name,
    path: [...ifc.path, "enums", i],
    members: e.values.map((v, j) => ({
      name: v.name,
      value: canonical(v.value),
      path: [...ifc.path, "enums", i, "values", j],
    })),
  }));
  const flags: NamedSet[] = (ifc.spec.flags ?? []).map((f, i) => ({
    kind: "flags",
    name: f.name,
    path: [...ifc.path, "flags", i],
    members: f.bits.map((b, j) => ({
      name: b.name,
      value: String(b.bit),
      path: [...ifc.path, "flags", i, "bits", j],
      reserved: b.reserved === true,
    })),
  }));
  return [...enums, ...flags];
}

export function diffNamedValues(ctx: DiffContext): Change[] {
  const out: Change[] = [];
  const olds = new Map(sets(ctx, "old").map((s) => [`${s.kind} ${s.name}`, s]));
  const news = sets(ctx, "new");
  for (const s of news) {
    const was = olds.get(`${s.kind} ${s.name}`);
    olds.delete(`${s.kind} ${s.name}`);
    if (!was) {
      out.push(
        change(ctx, {
          kind: "set-added",
          verdict: "compatible",
          subject: `${s.kind} ${s.name}`,
          message: `${s.kind === "enum" ? "enumeration" : "flag set"} ${s.name} is new`,
          oldPath: ctx.old.ifc.path,
          newPath: s.path,
        }),
      );
      continue;
    }
    out.push(...diffSet(ctx, was, s));
  }
  for (const s of olds.values()) {
    out.push(
      change(ctx, {
        kind: "set-removed",
        verdict: "source-only",
        subject: `${s.kind} ${s.name}`,
        message: `${s.kind === "enum" ? "enumeration" : "flag set"} ${s.name} was removed`,
        oldPath: s.path,
        newPath: ctx.new.ifc.path,
      }),
    );
    // Its values go with it: each is judged as if removed from a set that stayed.
    out.push(...diffSet(ctx, s, { ...s, path: ctx.new.ifc.path, members: [] }));
  }
  out.push(...diffConstants(ctx));
  return out;
}

function diffSet(ctx: DiffContext, o: NamedSet, n: NamedSet): Change[] {
  const out: Change[] = [];
  const flags = n.kind === "flags";
  const what = flags ? "bit" : "value";
  const oldBy = new Map(o.members.map((m) => [m.name, m]));
  const newBy = new Map(n.members.map((m) => [m.name, m]));
  const oldByValue = new Map(o.members.map((m) => [m.value, m]));
  const subject = (m: Named) => `${n.kind} ${n.name}.${m.name}`;
  const renamed = new Set<string>();
  for (const m of n.members) {
    const was = oldBy.get(m.name);
    if (was) {
      if (was.value !== m.value)
        out.push(
          change(ctx, {
            kind: flags ? "flag-changed" : "enum-value-changed",
            verdict: "breaking",
            subject: subject(m),
            message: `${m.name} is now ${what} ${m.value} (was ${was.value})`,
            oldPath: was.path,
            newPath: m.path,
          }),
        );
      else if (flags && was.reserved !== m.reserved)
        out.push(
          change(ctx, {
            kind: was.reserved ? "flag-reserved-used" : "flag-withdrawn",
            verdict: was.reserved ? "compatible" : "breaking",
            subject: subject(m),
            message: was.reserved
              ? `${m.name} (bit ${m.value}) was reserved and now has a meaning: old callers leave it zero`
              : `${m.name} (bit ${m.value}) is now reserved: callers that set it now set a reserved bit`,
            oldPath: was.path,
            newPath: m.path,
          }),
        );
      continue;
    }
    const sameValue = oldByValue.get(m.value);
    if (sameValue && !newBy.has(sameValue.name)) {
      renamed.add(sameValue.name);
      const reservedUsed = flags && sameValue.reserved && !m.reserved;
      const withdrawn = flags && !sameValue.reserved && m.reserved;
      out.push(
        change(ctx, {
          kind: reservedUsed
            ? "flag-reserved-used"
            : withdrawn
              ? "flag-withdrawn"
              : flags
                ? "flag-renamed"
                : "enum-value-renamed",
          verdict: reservedUsed ? "compatible" : withdrawn ? "breaking" : "source-only",
          subject: subject(m),
          message: reservedUsed
            ? `bit ${m.value}, reserved as ${sameValue.name}, is now ${m.name}: old callers leave it zero`
            : withdrawn
              ? `bit ${m.value} (${sameValue.name}) is now reserved as ${m.name}: ` +
                "callers that set it now set a reserved bit"
              : `${sameValue.name} was renamed ${m.name}, same ${what} ${m.value}`,
          oldPath: sameValue.path,
          newPath: m.path,
        }),
      );
      continue;
    }
    out.push(
      change(ctx, {
        kind: flags ? "flag-added" : "enum-value-added",
        verdict: "compatible",
        subject: subject(m),
        message: `${m.name} (${what} ${m.value}) is new`,
        oldPath: o.path,
        newPath: m.path,
      }),
    );
  }
  for (const m of o.members)
    if (!newBy.has(m.name) && !renamed.has(m.name))
      out.push(
        change(ctx, {
          kind: flags ? "flag-removed" : "enum-value-removed",
          verdict: flags && m.reserved ? "compatible" : "breaking",
          subject: `${n.kind} ${n.name}.${m.name}`,
          message: `${m.name} (${what} ${m.value}) was removed` + (flags && m.reserved ? "; it was reserved" : ""),
          oldPath: m.path,
          newPath: n.path,
        }),
      );
  return out;
}

function diffConstants(ctx: DiffContext): Change[] {
  const out: Change[] = [];
  const list = (side: "old" | "new") =>
    (ctx[side].ifc.spec.constants ?? []).map((c, i) => ({
      name: c.name,
      value: canonical(c.value),
      path: [...ctx[side].ifc.path, "constants", i] as DocPath,
    }));
  const oldBy = new Map(list("old").map((c) => [c.name, c]));
  for (const c of list("new")) {
    const was = oldBy.get(c.name);
    oldBy.delete(c.name);
    if (!was)
      out.push(
        change(ctx, {
          kind: "constant-added",
          verdict: "compatible",
          subject: c.name,
          message: `${c.name} (${c.value}) is new`,
          oldPath: ctx.old.ifc.path,
          newPath: c.path,
        }),
      );
    else if (was.value !== c.value)
      out.push(
        change(ctx, {
          kind: "constant-changed",
          verdict: "breaking",
          subject: c.name,
          message: `${c.name} is now ${c.value} (was ${was.value})`,
          oldPath: was.path,
          newPath: c.path,
        }),
      );
  }
  for (const c of oldBy.values())
    out.push(
      change(ctx, {
        kind: "constant-removed",
        verdict: "source-only",
        subject: c.name,
        message: `${c.name} (${c.value}) was removed`,
        oldPath: c.path,
        newPath: ctx.new.ifc.path,
      }),
    );
  return out;
}
