/* `uapi diff`'s changes as findings for the machine formats: one rule per kind of change, the verdict as the level. */
import { CHANGE_KINDS, type Change, type Verdict } from "../../core/diff/index.js";
import { ruleName, type Finding, type FindingLevel, type RuleInfo } from "./finding.js";

/** A breaking change fails the job, a source-only one deserves a look, a compatible one is news. */
const LEVEL: Readonly<Record<Verdict, FindingLevel>> = {
  breaking: "error",
  "source-only": "warning",
  compatible: "note",
};

export function changeFinding(c: Change): Finding {
  const kind = CHANGE_KINDS[c.kind];
  return {
    ruleId: `diff/${c.kind}`,
    level: LEVEL[c.verdict],
    message: `${c.verdict}: ${c.message}`,
    // A change is placed in the new version (where a pull request can fix it); what it was is related.
    ...((c.new ?? c.old) ? { loc: (c.new ?? c.old)! } : {}),
    ...(c.new && c.old ? { related: [{ loc: c.old, message: "in the old version" }] } : {}),
    abis: c.abis,
    hint: `${kind.title}: ${kind.why}`,
    identity: `${c.interface}\u0000${c.subject}`,
  };
}

/** Every kind of change as a rule, from the kinds table. */
export function changeRules(): RuleInfo[] {
  return Object.entries(CHANGE_KINDS).map(([kind, info]) => ({
    id: `diff/${kind}`,
    name: ruleName(`diff/${kind}`),
    short: info.title,
    full: `${info.title}: ${info.why}.`,
    level: "warning",
  }));
}
