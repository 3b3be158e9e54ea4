/* Text helpers: the search fold, and the only ways data text reaches the page.
 *
 * Text from the data goes into the DOM through textContent (el) or a <bdi> inside
 * interface text (mixed): never through innerHTML, so a site whose name is HTML
 * markup is shown as those characters and runs nothing.
 */

/* The mirror of heritage_mapper.text.fold (Python): NFKD, drop every mark (M) and
 * format character (Cf), đ/Đ → d/D, lower-case, collapse white space. Search keys
 * in the data are folded by Python; the query is folded here. A browser test holds
 * the two together over thousands of strings. Python's str.split() also splits on
 * U+001C..U+001F and U+0085, which JavaScript's \s does not: they count as spaces
 * here too. */
const FOLD_SPACES = /[\s\x1c-\x1f\x85]+/g;

function fold(text) {
  return String(text)
    .normalize("NFKD")
    .replace(/[\p{M}\p{Cf}]/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(FOLD_SPACES, " ")
    .trim();
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/* Interface text with data text inside it: each {data} piece goes in a <bdi>, so a
 * right-to-left override in a source or layer title cannot reorder the interface
 * text after it (", đoạn 6"). The text content is the same as plain concatenation. */
function mixed(tag, className, pieces) {
  const node = el(tag, className);
  pieces.forEach((piece) => {
    node.append(typeof piece === "string" ? piece : el("bdi", null, piece.data));
  });
  return node;
}

/* An <a> opening in a new tab, href set as an attribute, text as text. */
function link(href, text) {
  const a = el("a", null, text);
  a.setAttribute("href", href);
  a.setAttribute("rel", "noopener");
  a.setAttribute("target", "_blank");
  return a;
}
