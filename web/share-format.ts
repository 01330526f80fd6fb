/*
 * The text form of a spec in a page address: `#v1=<name, URL-encoded>:<deflate-raw bytes, base64url>`.  The
 * version prefix lets a later form be told apart; anything else in the fragment is not a shared spec.
 */

export const SHARE_PREFIX = "#v1=";

/** The most a shared spec may inflate to (1 MiB): a short address must not expand into a huge text. */
export const MAX_SHARED_BYTES = 1024 * 1024;

/** The longest fragment read: deflate rarely does better than 1:10 on spec text, and addresses stay far shorter. */
export const MAX_HASH_CHARS = 2 * 1024 * 1024;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/** RFC 4648 section 5 base64url, without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** The bytes of unpadded base64url text; undefined for any other character or an impossible length. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of text) {
    const v = VALUE.get(c);
    if (v === undefined) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Canonical form only: the bits left over after the last byte must be zero.
  if (acc & ((1 << bits) - 1)) return undefined;
  return out;
}

export function formatShareHash(name: string, payload: string): string {
  return `${SHARE_PREFIX}${encodeURIComponent(name)}:${payload}`;
}

/** The name and payload of a `#v1=` fragment (with or without its `#`); undefined for anything else. */
export function parseShareHash(hash: string): { name: string; payload: string } | undefined {
  if (hash.length > MAX_HASH_CHARS) return undefined;
  const fragment = hash.startsWith("#") ? hash : `#${hash}`;
  const body = fragment.startsWith(SHARE_PREFIX) ? fragment.slice(SHARE_PREFIX.length) : undefined;
  const colon = body?.indexOf(":") ?? -1;
  if (body === undefined || colon < 0) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(body.slice(0, colon));
  } catch {
    return undefined;
  }
  return { name, payload: body.slice(colon + 1) };
}
