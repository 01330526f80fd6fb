/*
 * The Content-Security-Policy the page runs under, sent by `uapi serve` and repeated in index.html's <meta> for
 * static hosts.  No eval: the schema validators and the templates are precompiled, and the page never compiles
 * codecs.  'wasm-unsafe-eval' lets the verify worker compile clang's WebAssembly and nothing else.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  // CodeMirror writes its theme into <style> elements at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** What a <meta> element may carry: frame-ancestors is honoured only as a header. */
export const PAGE_CSP_META = PAGE_CSP.split("; ")
  .filter((d) => !d.startsWith("frame-ancestors"))
  .join("; ");
