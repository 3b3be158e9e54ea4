/* Reading the page data from its script element: plain JSON, or on large pages gzip
 * in base64, inflated by the browser's DecompressionStream. */

const TEXT_ELEMENT_PREFIX = "hm-texts-"; // + a chunk's number: a large page's event texts
const BASE64_CHUNK = 1 << 20; // characters of base64 decoded at a time (a multiple of 4)

/* Bytes of a base64 text: the browser's own decoder where it has one
 * (Uint8Array.fromBase64, which skips whitespace), else atob a chunk at a time (no
 * giant binary string). At 10,000 sites, with the CPU throttled 4x, the first takes
 * 20 ms for what the second does in 80-100 ms. */
function base64Bytes(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const clean = text.replace(/\s+/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  const bytes = new Uint8Array((clean.length / 4) * 3 - padding);
  let at = 0;
  for (let from = 0; from < clean.length; from += BASE64_CHUNK) {
    const binary = atob(clean.slice(from, from + BASE64_CHUNK));
    for (let k = 0; k < binary.length; k += 1) bytes[at + k] = binary.charCodeAt(k);
    at += binary.length;
  }
  return bytes;
}

/* The page data: plain JSON, or gzip in base64 (large pages), which the browser's
 * own DecompressionStream inflates. A promise either way. */
function readData(element) {
  const encoding = element.getAttribute("data-encoding");
  if (!encoding) return Promise.resolve(JSON.parse(element.textContent));
  if (encoding !== "gzip-base64") return Promise.reject(new Error("unknown data encoding " + encoding));
  const stream = new Blob([base64Bytes(element.textContent)]).stream().pipeThrough(new DecompressionStream("gzip"));
  element.textContent = ""; // the compressed text is not needed any more
  return new Response(stream).json();
}
