/*
 * Fuzzing the loader with random spec documents built from the schema's
 * shapes (constants, flag sets, enums, nested structs and unions, commands
 * with syscall overrides and flows, devices, statuses, errnos) into which
 * hostile strings are planted: keywords, predefined macros, reserved and
 * system names, JavaScript's prototype names, comment breakers, trigraphs,
 * line breaks, bidi and invisible characters, include-path tricks.
 *
 * The property: the loader either rejects the document with SpecInputError,
 * every error naming file:line:col inside the text (exit 2 in the CLI), or
 * accepts it, and then every generated artefact passes its judges
 * (artefact-check.ts: gcc C90/C11, g++, the TypeScript checker).
 *
 * LOADER_FUZZ_RUNS sets the number of documents (default 40).
 */
import test from "ava";
import fc from "fast-check";
import { SpecInputError } from "../core/diagnostic.js";
import { loadSpecText } from "../spec/load.js";
import { checkArtefacts, haveCompilers, NAME_DIAGNOSTICS, typecheckCodecs } from "./artefact-check.js";
import { arbFullDoc, arbHostileDoc, toText } from "./hostile-arbitraries.js";

const RUNS = Number(process.env.LOADER_FUZZ_RUNS ?? 40);

/* ------------------------------------------------------------------ */
/* The property                                                        */
/* ------------------------------------------------------------------ */

const FILE = "fuzz.yaml";

/** Rejected with positions inside the text, or undefined when accepted; anything else throws. */
function load(text: string): { model?: ReturnType<typeof loadSpecText>; errors?: string[] } {
  try {
    return { model: loadSpecText(FILE, text) };
  } catch (e) {
    if (!(e instanceof SpecInputError)) throw e;
    const lines = text.split("\n");
    const bad = e.errors.filter(
      (err) =>
        err.loc.file !== FILE ||
        !(err.loc.line >= 1 && err.loc.line <= lines.length) ||
        !(err.loc.col >= 1 && err.loc.col <= lines[err.loc.line - 1]!.length + 1) ||
        !err.message ||
        !err.hint,
    );
    if (!e.errors.length || bad.length)
      throw new Error(`SpecInputError without a valid position: ${JSON.stringify(bad.length ? bad : e.errors)}`, {
        cause: e,
      });
    return { errors: e.errors.map((err) => `${err.loc.line}:${err.loc.col}: ${err.message}`) };
  }
}

/** fc.assert, but the failure names the error the property threw (fast-check keeps it in errorInstance). */
function holds<T>(prop: fc.IProperty<T>, numRuns: number): void {
  const details = fc.check(prop, { numRuns });
  if (!details.failed) return;
  const err =
    details.errorInstance instanceof Error
      ? (details.errorInstance.stack ?? details.errorInstance.message)
      : String(details.errorInstance);
  const where = `seed ${details.seed}, path ${details.counterexamplePath}`;
  throw new Error(`property failed (${where}) on ${JSON.stringify(details.counterexample)}:\n${err}`);
}

const gcc = haveCompilers();

(gcc ? test : test.skip)(
  `loader fuzz: ${RUNS} hostile documents are rejected with file:line:col or every artefact compiles` +
    (gcc ? "" : " (skipped: gcc/g++ not found)"),
  (t) => {
    const codecs = new Map<string, string>();
    let accepted = 0;
    let rejected = 0;
    holds(
      fc.property(arbHostileDoc(), ({ doc, planted }) => {
        const text = toText(doc);
        const r = load(text);
        if (r.errors) {
          rejected++;
          return;
        }
        accepted++;
        const check = checkArtefacts(r.model!, "loader-fuzz");
        if (check.problems.length) {
          const what = planted.join("; ") || "nothing";
          throw new Error(`accepted, but artefacts fail:\n${check.problems.join("\n")}\nplanted: ${what}\n${text}`);
        }
        for (const [p, src] of check.codecs) codecs.set(`run${accepted}/${p}`, src);
      }),
      RUNS,
    );
    t.log(`${accepted} accepted and compiled, ${rejected} rejected with positions`);
    // Names only: how a codec body is typed is the codec tests' business (other diagnostics are logged).
    const all = typecheckCodecs(codecs);
    const isName = (d: string) => NAME_DIAGNOSTICS(Number(/: TS(\d+): /.exec(d)?.[1]));
    t.deepEqual(all.filter(isName), [], "no accepted document's names break its codec modules");
    const others = all.filter((d) => !isName(d));
    if (others.length) t.log(`${others.length} other TypeScript diagnostics, e.g. ${others[0]}`);
    t.true(accepted > 0 || RUNS < 10, "some documents are accepted, so the compilers judged something");
  },
);

test("loader fuzz: documents without planted strings are always accepted", (t) => {
  // The generator of valid documents is valid: otherwise the fuzz above would only test rejection.
  holds(
    fc.property(arbFullDoc(), (doc) => {
      const r = load(toText(doc));
      if (r.errors) throw new Error(r.errors.join("\n"));
    }),
    Math.max(10, Math.floor(RUNS / 2)),
  );
  t.pass();
});
