/* `npm run bench`: every benchmark, each printing ratios against baselines measured in the same run. */
import { run as runCodecs } from "./codecs.js";
import { run as runCorpus } from "./corpus.js";
import { run as runGrowth } from "./growth.js";
import { run as runScale } from "./scale.js";
import { targetLine, type Target } from "./targets.js";
import { run as runVerify } from "./verify.js";
import { run as runWeb } from "./web.js";

const only = process.argv.slice(2);
const suites: [string, () => Promise<Target[] | void>][] = [
  ["codecs", runCodecs],
  ["verify", runVerify],
  ["growth", runGrowth],
  ["scale", runScale],
  ["corpus", runCorpus],
  ["web", runWeb],
];
const targets: Target[] = [];
for (const [name, run] of suites) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  targets.push(...((await run()) ?? []));
}
if (targets.length) {
  console.log("\n== targets ==");
  for (const t of targets) console.log(targetLine(t));
}
