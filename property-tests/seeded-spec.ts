/* A one-interface spec around hand-written struct and command YAML, for the tests that seed one defect. */
export function specText(structsYaml: string, commandsYaml = ""): string {
  return `name: t
doc: seeded
interfaces:
  - name: t
    doc: seeded
    header: linux/t.h
    structs:
${structsYaml}
${commandsYaml ? `    commands:\n${commandsYaml}` : ""}`;
}
