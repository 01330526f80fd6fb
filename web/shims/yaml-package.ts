/* spec/yaml-package.ts for the page: the bundle holds the `yaml` package already, so no `require` is needed. */
import * as yaml from "yaml";

export function yamlPackage(): typeof import("yaml") {
  return yaml;
}
