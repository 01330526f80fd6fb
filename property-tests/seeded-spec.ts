/* One-interface specs around hand-written YAML, for the tests that seed one defect. */

/** A document whose one interface `t` (header linux/t.h) holds `interfaceYaml`: keys indented by four spaces. */
export function interfaceText(interfaceYaml: string): string {
  return `name: t
doc: seeded
interfaces:
  - name: t
    doc: seeded
    header: linux/t.h
${interfaceYaml}`;
}

/** An interface of hand-written struct and command YAML. */
export function specText(structsYaml: string, commandsYaml = ""): string {
  return interfaceText(`    structs:
${structsYaml}
${commandsYaml ? `    commands:\n${commandsYaml}` : ""}`);
}
