/*
 * Sharing a spec through the page address (web/share-format.ts, web/page/share.ts): base64url against Node's
 * own encoder, the full deflate round trip for any name and text, and fragments that are not a shared spec
 * (garbage, truncation, a deflate bomb) read as nothing rather than as an error.
 */
import test from "ava";
import fc from "fast-check";
import { deflateRawSync } from "node:zlib";
import { fromBase64Url, MAX_SHARED_BYTES, parseShareHash, toBase64Url } from "../web/share-format.js";
import { specFromHash, specToHash } from "../web/page/share.js";

const bytes = fc.uint8Array({ maxLength: 300 });

test("base64url is RFC 4648's, as Node writes it, and reads back", (t) => {
  fc.assert(
    fc.property(bytes, (b) => {
      const text = toBase64Url(b);
      if (text !== Buffer.from(b).toString("base64url"))
        throw new Error(`${text} for ${Buffer.from(b).toString("hex")}`);
      const back = fromBase64Url(text);
      if (!back || Buffer.compare(Buffer.from(back), Buffer.from(b)) !== 0) throw new Error(`read back ${back}`);
    }),
    { includeErrorInReport: true },
  );
  t.pass();
});

test("base64url text with a foreign character, padding or an impossible length is refused", (t) => {
  for (const bad of ["a", "abcde", "ab+c", "ab/c", "ab==", "ab c", "Zg=", "é"])
    t.is(fromBase64Url(bad), undefined, bad);
  // Non-zero bits after the last byte: a second spelling of the same bytes.
  t.is(fromBase64Url("Zh"), undefined);
  t.deepEqual(fromBase64Url("Zg"), new Uint8Array([0x66]));
  t.deepEqual(fromBase64Url(""), new Uint8Array([]));
});

test("any name and any Unicode text come back from the address unchanged", async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: "grapheme" }),
      fc.string({ unit: "binary", maxLength: 2000 }),
      async (name, text) => {
        const hash = await specToHash({ name, text });
        if (!/^#v1=[A-Za-z0-9%._~!*'()-]*:[A-Za-z0-9_-]*$/.test(hash)) throw new Error(`not address-safe: ${hash}`);
        const back = await specFromHash(hash);
        if (back?.name !== name || back.text !== text) throw new Error(`came back as ${JSON.stringify(back)}`);
      },
    ),
    { numRuns: 200, includeErrorInReport: true },
  );
  t.pass();
});

test("a spec file's text shrinks in the address", async (t) => {
  const text = "name: demo\ndoc: a demo\ninterfaces:\n".repeat(50);
  const hash = await specToHash({ name: "demo.yaml", text });
  t.true(hash.length < text.length / 5, `${hash.length} characters for ${text.length}`);
  t.is(parseShareHash(hash)?.name, "demo.yaml");
});

test("garbage and truncated fragments read as no spec, without throwing", async (t) => {
  const good = await specToHash({ name: "x.yaml", text: "name: x\ndoc: some text to compress\n".repeat(20) });
  const cases = [
    "",
    "#",
    "#v1=",
    "#v1=x.yaml",
    "#v2=x.yaml:AAAA",
    "#v1=%E0%A4%A:AAAA", // broken percent-encoding of the name
    "#v1=x:!!!!",
    "#v1=x:" + "A".repeat(10),
    good.slice(0, good.length - 5),
    good.slice(0, good.indexOf(":") + 3),
  ];
  for (const c of cases) t.is(await specFromHash(c), undefined, c);
  await fc.assert(
    fc.asyncProperty(fc.string(), async (s) => {
      const got = await specFromHash(`#v1=${s}`);
      // Random text is almost never valid deflate data; when it is, the result must still be a spec.
      if (got !== undefined && (typeof got.name !== "string" || typeof got.text !== "string")) throw new Error("shape");
    }),
  );
  t.truthy(await specFromHash(good));
  t.truthy(await specFromHash(good.slice(1)), "the fragment without its #");
});

test("a fragment that inflates past 1 MiB is refused, one just under it is read", async (t) => {
  const packed = (n: number) => toBase64Url(deflateRawSync(Buffer.alloc(n, 0x61)));
  const bomb = `#v1=bomb.yaml:${packed(64 * MAX_SHARED_BYTES)}`;
  t.true(bomb.length < 200_000, "64 MiB of text in a short fragment");
  t.is(await specFromHash(bomb), undefined);
  t.is(await specFromHash(`#v1=x:${packed(MAX_SHARED_BYTES + 1)}`), undefined);
  t.is((await specFromHash(`#v1=x:${packed(MAX_SHARED_BYTES)}`))?.text.length, MAX_SHARED_BYTES);
});

test("bytes that are not UTF-8 read as no spec", async (t) => {
  t.is(await specFromHash(`#v1=x:${toBase64Url(deflateRawSync(Buffer.from([0x61, 0xff, 0xfe])))}`), undefined);
});
