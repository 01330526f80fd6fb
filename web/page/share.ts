/* PLACEHOLDER (to be replaced): keeping the spec in the URL and local storage, opening and saving files. */
export interface SharedSpec {
  name: string;
  text: string;
}

export async function specToHash(_spec: SharedSpec): Promise<string> {
  return "";
}
export async function specFromHash(_hash: string): Promise<SharedSpec | undefined> {
  return undefined;
}
export function saveLocal(_spec: SharedSpec): void {}
export function loadLocal(): SharedSpec | undefined {
  return undefined;
}
export async function openSpecFile(): Promise<SharedSpec | undefined> {
  return undefined;
}
export function downloadSpec(_spec: SharedSpec): void {}
