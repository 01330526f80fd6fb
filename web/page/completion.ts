/*
 * The editor's completion from spec/schema.json: CodeMirror asks web/schema-completion.ts, which does the work
 * without a DOM, and shows its options (the schema's description as each option's info).
 */
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { yamlLanguage } from "@codemirror/lang-yaml";
import type { Extension } from "@codemirror/state";
import schema from "../../spec/schema.json" with { type: "json" };
import { completeSpec, type JsonSchema, type SpecCompletion } from "../schema-completion.js";

const SPEC_SCHEMA = schema as JsonSchema;

/** Option kinds as CodeMirror's icons name them. */
const ICON: Record<SpecCompletion["kind"], string> = { key: "property", value: "enum", type: "type" };

function toCompletion(option: SpecCompletion): Completion {
  return {
    label: option.label,
    apply: option.apply,
    type: ICON[option.kind],
    ...(option.info ? { info: option.info } : {}),
    // Required properties come first among equally good matches.
    ...(option.required ? { detail: "required", boost: 1 } : {}),
  };
}

function specCompletionSource(context: CompletionContext): CompletionResult | null {
  const found = completeSpec(SPEC_SCHEMA, context.state.doc.toString(), context.pos);
  // While typing, only once a word is begun: a list popping up on a bare indentation would take the next Enter.
  if (!found || (!context.explicit && found.from >= context.pos)) return null;
  return {
    from: found.from,
    to: Math.max(found.to, context.pos),
    options: found.options.map(toCompletion),
    // Keys and enum words filter as they are typed; anything else asks again.
    validFor: /^[\w$.-]*$/,
  };
}

/** Completion for YAML spec text: add beside the YAML language (basicSetup brings the completion UI). */
export function specCompletion(): Extension {
  return yamlLanguage.data.of({ autocomplete: specCompletionSource });
}
