/*
 * The vendored reference facts (fixtures/reference/) are exact copies of the
 * shared originals: when ../shared sits beside the checkout, every copy must
 * equal its source, so a fact corrected there cannot go stale here.
 */
import test from "ava";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../core/paths.js";
import { ABI_FACTS, KERNEL_RULES, MEASURED_TSV, SEED_UAPI } from "./reference.js";

const SHARED = path.resolve(REPO_ROOT, "..", "shared", "reference");
const COPIES: [string, string][] = [
  [ABI_FACTS, path.join(SHARED, "abi-facts.md")],
  [SEED_UAPI, path.join(SHARED, "seed-uapi.md")],
  [MEASURED_TSV, path.join(SHARED, "abi-probe", "measured.tsv")],
  [KERNEL_RULES, path.join(SHARED, "kernel-rules.md")],
];
const haveShared = existsSync(SHARED);

(haveShared ? test : test.skip)(
  "each vendored reference file equals its original" +
    (haveShared ? "" : " (skipped: no ../shared/reference beside this checkout)"),
  (t) => {
    for (const [copy, original] of COPIES) {
      t.true(
        readFileSync(copy).equals(readFileSync(original)),
        `${path.basename(copy)} differs from ${original}: copy it again`,
      );
    }
  },
);
