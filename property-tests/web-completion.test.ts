/*
 * The page's completion (web/schema-completion.ts, web/yaml-cursor.ts) against spec/schema.json read here and
 * followed by hand, and against the `yaml` package's reading of the bundled specs: at every key of them the
 * cursor must get that mapping's path, the key itself among the options and nothing the schema forbids there;
 * at every enum-valued scalar, exactly that enum.  Half-typed text the parser rejects must still complete.
 */
import test from "ava";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from "yaml";
import { REPO_ROOT } from "../core/paths.js";
import { SCALAR_NAMES } from "../core/scalars.js";
import { exampleSpecFiles } from "../spec/load.js";
import { completeSpec, type JsonSchema, type SpecCompletions } from "../web/schema-completion.js";
import { locateCursor } from "../web/yaml-cursor.js";

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, "spec", "schema.json"), "utf8")) as JsonSchema;
const definitions = schema.definitions!;
type Path = (string | number)[];

/** `text` with its one `|` taken out as the cursor. */
function at(textWithCursor: string): SpecCompletions | undefined {
  const offset = textWithCursor.indexOf("|");
  return completeSpec(schema, textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset);
}

const labels = (r: SpecCompletions | undefined) => (r?.options ?? []).map((o) => o.label).sort();
const sorted = (xs: Iterable<unknown>) => [...xs].map(String).sort();
const deref = (node: JsonSchema): JsonSchema => (node.$ref ? definitions[node.$ref.split("/").pop()!]! : node);

/* ---- the schema followed by hand, as the expectations' source ---- */

/** The nodes describing the value at `path`: `$ref` followed, `anyOf` opened (the schema uses no other). */
function nodesAt(p: Path): JsonSchema[] {
  const open = (n: JsonSchema): JsonSchema[] => {
    const d = deref(n);
    return [d, ...(d.anyOf ?? []).flatMap(open)];
  };
  let nodes = open(schema);
  for (const step of p) {
    nodes = nodes
      .flatMap((n): JsonSchema[] => {
        if (typeof step === "number") return n.items && !Array.isArray(n.items) ? [n.items] : [];
        if (n.properties?.[step]) return [n.properties[step]!];
        return typeof n.additionalProperties === "object" ? [n.additionalProperties] : [];
      })
      .flatMap(open);
  }
  return nodes;
}
const allowedKeys = (p: Path) => new Set(nodesAt(p).flatMap((n) => Object.keys(n.properties ?? {})));
const enumAt = (p: Path) => nodesAt(p).flatMap((n) => n.enum ?? []);

test("the schema uses only $ref and anyOf to combine nodes (what the hand walk above follows)", (t) => {
  const text = JSON.stringify(schema);
  for (const k of ["oneOf", "allOf", "patternProperties", "if", "const"]) t.false(text.includes(`"${k}":`), k);
});

/* ---- keys ---- */

test("at the top of an empty document the options are the schema's root properties, the required ones marked", (t) => {
  const r = at("|");
  t.deepEqual(labels(r), sorted(Object.keys(schema.properties!)));
  t.deepEqual(sorted(r!.options.filter((o) => o.required).map((o) => o.label)), sorted(schema.required!));
  t.is(r!.options.find((o) => o.label === "name")?.info, schema.properties!.name!.description);
});

test("keys the mapping has, above or below the cursor, are not proposed again", (t) => {
  const r = at("name: bus1\n|\ninterfaces: []\n");
  t.deepEqual(labels(r), sorted(Object.keys(schema.properties!).filter((k) => k !== "name" && k !== "interfaces")));
});

test("in a struct member the options are FieldSpec's properties, reached from the root by hand", (t) => {
  const iface = deref(schema.properties!.interfaces!.items as JsonSchema);
  const struct = deref(iface.properties!.structs!.items as JsonSchema);
  const field = deref(struct.properties!.fields!.items as JsonSchema);
  t.is(field, definitions.FieldSpec);
  const expected = sorted(Object.keys(field.properties!).filter((k) => k !== "name" && k !== "doc"));
  const nested = "interfaces:\n  - name: a\n    structs:\n      - name: s\n        fields:\n";
  t.deepEqual(labels(at(`${nested}          - name: f\n            |\n            doc: x\n`)), expected);
  // Zero-indented sequences, and a key half typed on the item's own line.
  const compact = "interfaces:\n- name: a\n  structs:\n  - name: s\n    fields:\n    - doc: x\n      na|\n";
  t.deepEqual(labels(at(compact)), sorted(Object.keys(field.properties!).filter((k) => k !== "doc")));
  t.deepEqual(at(compact)!.path, ["interfaces", 0, "structs", 0, "fields", 0]);
  const first = labels(at(`${nested}          - |\n`));
  t.deepEqual(first, sorted(Object.keys(field.properties!)));
});

test("half-typed YAML the parser rejects still completes", (t) => {
  const text = "name: x\ninterfaces:\n  - name: a\n    header: linux/a.h\n    comm|\n    doc: d\n";
  t.true(parseDocument(text.replace("|", "")).errors.length > 0, "the yaml package rejects the text");
  const r = at(text);
  t.deepEqual(r?.path, ["interfaces", 0]);
  t.true(labels(r).includes("commands"));
  t.false(labels(r).includes("header"));
  t.deepEqual(r && text.replace("|", "").slice(r.from, r.to), "comm");
});

test("a key option's text goes on at its value: a scalar after `: `, a mapping or sequence on the next line", (t) => {
  const r = at("name: x\ninterfaces:\n  - |\n");
  const apply = (k: string) => r!.options.find((o) => o.label === k)?.apply;
  t.is(apply("name"), "name: ");
  t.is(apply("status"), "status:\n      ");
  t.is(apply("structs"), "structs:\n      - ");
  // Where a colon follows already, only the name is replaced.
  t.is(at("interfaces:\n  - na|me: x\n")!.options.find((o) => o.label === "name")?.apply, "name");
});

test("in a one-line flow mapping the options are that mapping's keys", (t) => {
  const pointer = definitions.UserPointerSemantics!;
  const r = at("interfaces:\n  - structs:\n      - fields:\n          - pointer: { access: in, | }\n");
  t.deepEqual(labels(r), sorted(Object.keys(pointer.properties!).filter((k) => k !== "access")));
  t.is(r!.options.find((o) => o.label === "to")?.apply, "to: ");
});

/* ---- values ---- */

test("an enum key's value: exactly that enum", (t) => {
  const command = "interfaces:\n  - commands:\n      - name: C\n        ";
  t.deepEqual(labels(at(`${command}dir: |\n`)), sorted(definitions.CommandSpec!.properties!.dir!.enum!));
  t.deepEqual(labels(at(`${command}dir: rea|d\n`)), sorted(definitions.CommandSpec!.properties!.dir!.enum!));
  const width = definitions.FlagSetSpec!.properties!.width!.enum!;
  t.deepEqual(labels(at("interfaces:\n  - flags:\n      - width: |\n")), sorted(width));
  t.deepEqual(labels(at("names: |")), sorted(schema.properties!.names!.enum!));
});

test("ABI ids complete in a block sequence and in a flow sequence under `when:`", (t) => {
  const ids = sorted(definitions.AbiId!.enum!);
  const member = "interfaces:\n  - structs:\n      - fields:\n          - name: f\n            when:\n";
  t.deepEqual(labels(at(`${member}              abi:\n                - x86_64\n                - |\n`)), ids);
  t.deepEqual(at(`${member}              abi:\n                - x86_64\n                - |\n`)!.path.slice(-2), [
    "abi",
    1,
  ]);
  t.deepEqual(labels(at(`${member}              notAbi: [i386, |]\n`)), ids);
});

test("a boolean key's value: true and false", (t) => {
  t.deepEqual(labels(at("interfaces:\n  - flags:\n      - asEnum: |\n")), ["false", "true"]);
});

test("a member's type: every scalar name and the interface's own structs, unions and C enums", (t) => {
  const text =
    "interfaces:\n  - name: a\n    enums:\n      - name: colour\n        emit: enum\n      - name: plain\n" +
    "    structs:\n      - name: s\n        fields:\n          - name: f\n            type: |\n" +
    "      - name: u\n        kind: union\n  - name: other\n    structs:\n      - name: elsewhere\n";
  const got = labels(at(text));
  for (const name of [...SCALAR_NAMES, "struct s", "union u", "enum colour"]) t.true(got.includes(name), name);
  t.false(got.includes("struct elsewhere"), "another interface's struct");
  t.false(got.includes("enum plain"), "an enum emitted as #defines is no C type");
  t.true(labels(at("interfaces:\n  - commands:\n      - arg: |\n")).includes("__u64"));
});

test("nothing is proposed in comments, block scalars and continued plain scalars", (t) => {
  t.is(at("# na|\n"), undefined);
  t.is(at("name: x # a comment wi|\n"), undefined);
  t.is(at("doc: >-\n  The text of the doc\n  dir: rea|\n"), undefined);
  t.is(at("interfaces:\n  - doc: a long\n      plain sca|\n"), undefined);
  t.is(at('name: "quo|'), undefined);
});

test("a document nested past any spec's depth gets nothing, without exhausting the stack", (t) => {
  const deep = Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i)}a:`).join("\n");
  t.is(completeSpec(schema, `${deep}\n${" ".repeat(1000)}`, deep.length + 1001), undefined);
  t.deepEqual(locateCursor(`${deep}\n${" ".repeat(100)}`, deep.length + 101)?.path, Array(100).fill("a"));
  const items = Array.from({ length: 1000 }, (_, i) => `${" ".repeat(2 * i)}- `).join("\n");
  t.notThrows(() => completeSpec(schema, `${items}x`, items.length + 1));
});

test("a key aligned with nothing gets nothing: right of an item's `- ` but left of its keys", (t) => {
  t.is(at("interfaces:\n  - name: a\n   |\n"), undefined);
  t.is(at("interfaces:\n  - name: a\n   st|\n"), undefined);
  t.deepEqual(at("interfaces:\n  - name: a\n    st|\n")?.path, ["interfaces", 0]);
});

/* ---- properties over the bundled specs ---- */

interface Spot {
  file: string;
  text: string;
  /** The mapping (for a key) or the value's path (for a scalar). */
  path: Path;
  from: number;
  to: number;
  key?: string;
  siblings?: string[];
  value?: unknown;
}

/** Every key and every plain scalar value of a document, with its path as the `yaml` package reads it. */
function spotsOf(file: string, text: string): { keys: Spot[]; values: Spot[] } {
  const keys: Spot[] = [];
  const values: Spot[] = [];
  const walk = (node: YamlNode | null | undefined, p: Path) => {
    if (isMap(node)) {
      const siblings = node.items.map((pair) => String((pair.key as { value?: unknown }).value));
      for (const pair of node.items) {
        const k = pair.key as YamlNode;
        if (!isScalar(k) || !k.range) continue;
        keys.push({ file, text, path: p, from: k.range[0], to: k.range[1], key: String(k.value), siblings });
        walk(pair.value as YamlNode, [...p, String(k.value)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as YamlNode, [...p, i]));
    } else if (isScalar(node) && node.range && node.type === "PLAIN") {
      values.push({ file, text, path: p, from: node.range[0], to: node.range[1], value: node.value });
    }
  };
  walk(parseDocument(text).contents as YamlNode, []);
  return { keys, values };
}

const bundled = exampleSpecFiles().map((f) => ({ file: path.basename(f), text: readFileSync(f, "utf8") }));
const spots = bundled.map((b) => spotsOf(b.file, b.text));
const keySpots = spots.flatMap((s) => s.keys);
const enumSpots = spots.flatMap((s) => s.values).filter((v) => enumAt(v.path).length > 0);

test("the bundled specs give the properties below something to check", (t) => {
  t.true(bundled.length >= 4);
  t.true(keySpots.length > 1000, `${keySpots.length} keys`);
  t.true(enumSpots.length > 50, `${enumSpots.length} enum values`);
  t.true(
    keySpots.some((k) => k.path.at(-1) === "pointer"),
    "keys of flow mappings (`pointer: { access: in }`) are among them",
  );
});

test("at a bundled spec's keys: the mapping's path, the key proposed, no other present key, nothing forbidden", (t) => {
  fc.assert(
    fc.property(fc.nat(keySpots.length - 1), fc.nat(), (i, within) => {
      const spot = keySpots[i]!;
      const offset = spot.from + (within % (spot.to - spot.from + 1));
      const r = completeSpec(schema, spot.text, offset);
      const allowed = allowedKeys(spot.path);
      const where = `${spot.file} offset ${offset}, key ${spot.key} at ${JSON.stringify(spot.path)}`;
      if (!allowed.has(spot.key!)) {
        // A mapping whose keys are free (a command's `flow:`, `rename:`): nothing to propose.
        if (r?.options.some((o) => o.kind === "key")) throw new Error(`${where}: proposed ${labels(r)}`);
        return;
      }
      if (!r || r.place !== "key") throw new Error(`${where}: no key place (${JSON.stringify(r)})`);
      if (JSON.stringify(r.path) !== JSON.stringify(spot.path)) throw new Error(`${where}: path ${r.path}`);
      const got = r.options.filter((o) => o.kind === "key").map((o) => o.label);
      if (!got.includes(spot.key!)) throw new Error(`${where}: the key is not proposed (${got})`);
      const others = new Set(spot.siblings!.filter((s) => s !== spot.key));
      const wrong = got.filter((k) => !allowed.has(k) || others.has(k));
      if (wrong.length) throw new Error(`${where}: proposed ${wrong}`);
    }),
    { numRuns: 3000, includeErrorInReport: true },
  );
  t.pass();
});

test("at a bundled spec's enum-valued scalars the options are that enum, the value written among them", (t) => {
  fc.assert(
    fc.property(fc.nat(enumSpots.length - 1), fc.nat(), (i, within) => {
      const spot = enumSpots[i]!;
      const offset = spot.from + (within % (spot.to - spot.from + 1));
      const r = completeSpec(schema, spot.text, offset);
      const where = `${spot.file} offset ${offset}, ${String(spot.value)} at ${JSON.stringify(spot.path)}`;
      if (JSON.stringify(labels(r)) !== JSON.stringify(sorted(enumAt(spot.path))))
        throw new Error(`${where}: ${labels(r)}`);
      if (!labels(r).includes(String(spot.value))) throw new Error(`${where}: the value is not proposed`);
      if (spot.text.slice(r!.from, r!.to) !== String(spot.value)) throw new Error(`${where}: replaces the wrong text`);
    }),
    { numRuns: 1000, includeErrorInReport: true },
  );
  t.pass();
});

test("a bundled spec's member types propose exactly the structs and unions its interface declares", (t) => {
  let checked = 0;
  for (const b of bundled) {
    const doc = parseDocument(b.text).toJS() as {
      interfaces: { structs?: { name: string; kind?: string }[]; enums?: { name: string; emit?: string }[] }[];
    };
    const typeSpots = spots[bundled.indexOf(b)]!.values.filter((v) => v.path.at(-1) === "type");
    doc.interfaces.forEach((iface, i) => {
      const spot = typeSpots.find((v) => v.path[1] === i);
      if (!spot) return;
      checked++;
      const declared = [
        ...(iface.structs ?? []).map((s) => `${s.kind ?? "struct"} ${s.name}`),
        ...(iface.enums ?? []).filter((e) => e.emit === "enum").map((e) => `enum ${e.name}`),
      ];
      const got = labels(completeSpec(schema, b.text, spot.from)).filter((l) => /^(?:struct|union|enum) /.test(l));
      t.deepEqual(got, sorted(declared), `${b.file} interface ${i}`);
    });
  }
  t.true(checked >= 5, `${checked} interfaces`);
});

test("completion never throws and keeps its range around the cursor, in a bundled spec or a damaged copy", (t) => {
  const damage = fc.record({
    file: fc.nat(bundled.length - 1),
    at: fc.nat(),
    cut: fc.nat(40),
    insert: fc.string({
      unit: fc.constantFrom(" ", "  ", "- ", ":", "\n", "{", "}", "[", "]", ",", "#", '"', "'", "|", "a"),
    }),
    cursor: fc.nat(),
  });
  fc.assert(
    fc.property(damage, ({ file, at: where, cut, insert, cursor }) => {
      const original = bundled[file]!.text;
      const start = where % (original.length + 1);
      const text = original.slice(0, start) + insert + original.slice(start + cut);
      const offset = cursor % (text.length + 1);
      const r = completeSpec(schema, text, offset);
      if (!r) return;
      if (!(0 <= r.from && r.from <= offset && offset <= r.to && r.to <= text.length))
        throw new Error(`range ${r.from}..${r.to} around ${offset}`);
      if (!r.options.length || new Set(r.options.map((o) => o.label)).size !== r.options.length)
        throw new Error(`options ${labels(r)}`);
    }),
    { numRuns: 2000, includeErrorInReport: true },
  );
  t.pass();
});
