/* PLACEHOLDER (to be replaced): the page. */
import { analyseSpec } from "../analyse.js";
import { createSpecEditor } from "./editor.js";

const app = document.getElementById("app")!;
const out = document.createElement("pre");
createSpecEditor(app, {
  text: "",
  label: "spec",
  onChange: (text) => {
    const a = analyseSpec("spec.yaml", text);
    out.textContent = a.ok ? `${a.findings.length} findings` : a.errors.map((e) => e.message).join("\n");
  },
});
app.append(out);
