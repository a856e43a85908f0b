// Share links: the source, deflate-compressed and base64url-encoded, in the URL fragment
// (`#af=…`). A fragment is never sent to a server, so a shared flow stays between the people
// who hold the link.

const PREFIX = "af=";

function toBase64Url(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function pipe(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The fragment (without `#`) that carries `source`. */
export async function encodeFragment(source) {
  const packed = await pipe(new TextEncoder().encode(source), new CompressionStream("deflate-raw"));
  return PREFIX + toBase64Url(packed);
}

/** The source a fragment carries; `null` when it carries none; throws when it is damaged. */
export async function decodeFragment(fragment) {
  const f = fragment.replace(/^#/, "");
  if (!f.startsWith(PREFIX)) return null;
  const bytes = await pipe(fromBase64Url(f.slice(PREFIX.length)), new DecompressionStream("deflate-raw"));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}
