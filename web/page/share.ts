/*
 * Keeping the spec: in the page address (deflated, web/share-format.ts), in local storage, and as files opened
 * and saved by the user.  Nothing touches the DOM until a function is called, so Node can run the address
 * round trip (CompressionStream is global there too).
 */
import { MAX_SPEC_BYTES, MIB } from "../../spec/load-text.js";
import { formatShareHash, fromBase64Url, MAX_SHARED_BYTES, parseShareHash, toBase64Url } from "../share-format.js";

export interface SharedSpec {
  name: string;
  text: string;
}

/** The local storage key of the spec being edited. */
export const STORAGE_KEY = "uapi-workbench:spec";

async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The inflated bytes, or undefined past `limit` (the stream is cancelled there, so a bomb costs nothing). */
async function inflate(bytes: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array | undefined> {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The address fragment (`#v1=...`) that holds the spec. */
export async function specToHash(spec: SharedSpec): Promise<string> {
  const packed = await deflate(new TextEncoder().encode(spec.text));
  return formatShareHash(spec.name, toBase64Url(packed));
}

/** The spec in an address fragment; undefined for any fragment that is not a whole, valid one. Never throws. */
export async function specFromHash(hash: string): Promise<SharedSpec | undefined> {
  try {
    const parsed = parseShareHash(hash);
    const packed = parsed && fromBase64Url(parsed.payload);
    const bytes = packed && (await inflate(packed, MAX_SHARED_BYTES));
    if (!parsed || !bytes) return undefined;
    return { name: parsed.name, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    // Truncated or corrupt deflate data, or text that is not UTF-8.
    return undefined;
  }
}

/** Keep the spec in local storage; silently does nothing where storage is disabled or full. */
export function saveLocal(spec: SharedSpec): void {
  try {
    globalThis.localStorage.setItem(STORAGE_KEY, JSON.stringify({ name: spec.name, text: spec.text }));
  } catch {
    // Storage off (private mode, a policy) or over quota: the address still holds the spec.
  }
}

export function loadLocal(): SharedSpec | undefined {
  try {
    const stored = globalThis.localStorage.getItem(STORAGE_KEY);
    const value: unknown = stored === null ? undefined : JSON.parse(stored);
    const { name, text } = (value ?? {}) as Partial<SharedSpec>;
    return typeof name === "string" && typeof text === "string" ? { name, text } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ask the user for a spec file and read it.  Resolves undefined when the chooser is cancelled; rejects when the
 * file is over 16 MiB (the loader's limit) or cannot be read.
 */
export function openSpecFile(): Promise<SharedSpec | undefined> {
  return new Promise((resolve, reject) => {
    const input = document.createElement("input");
    input.type = "file";
    input.accept = ".yaml,.yml,.json";
    input.hidden = true;
    const done = () => input.remove();
    input.addEventListener("cancel", () => {
      done();
      resolve(undefined);
    });
    input.addEventListener("change", () => {
      done();
      const file = input.files?.[0];
      if (!file) return resolve(undefined);
      if (file.size > MAX_SPEC_BYTES) {
        return reject(new Error(`${file.name} is over ${MIB(MAX_SPEC_BYTES)}, the largest spec file read`));
      }
      file.text().then((text) => resolve({ name: file.name, text }), reject);
    });
    // Some browsers only open the chooser for an input that is in the document.
    document.body.append(input);
    input.click();
  });
}

/** Save the spec as a file through the browser's download. */
export function downloadSpec(spec: SharedSpec): void {
  const url = URL.createObjectURL(new Blob([spec.text], { type: "application/yaml" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = spec.name || "spec.yaml";
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL by the time the click returns in some browsers only: keep it a moment.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
