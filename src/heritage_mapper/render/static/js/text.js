/* Text helpers: the search fold, the only ways data text reaches the page, and the
 * language in the address.
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

/* Vietnamese names inside text of another language, marked with lang="vi" so that a
 * screen reader pronounces them as Vietnamese ("Hòn Gai" in an English sentence).
 *
 * The rule, word by word (a word: letters and marks, joined by - or an apostrophe):
 * - a word is Vietnamese when, decomposed (NFD), it holds a letter or mark that
 *   Vietnamese writes and French, English and the other Western European languages
 *   do not: đ, a breve (ă), a horn (ơ ư), a hook above (ả), a dot below (ạ), two
 *   marks on one letter (ấ ồ ệ) or a tilde on e i u y; or when it is Capitalised and
 *   holds one of the marks those languages share with Vietnamese (grave, acute,
 *   circumflex, tilde: "Hòn", "Cát", "Châu", "Bãi"), so that a French "été" is not
 *   taken for Vietnamese, while a name is;
 * - a Capitalised plain-ASCII word shaped like a Vietnamese syllable ("Gai", "Long",
 *   "Ninh") joins a Vietnamese word it stands next to, separated by one space, so a
 *   name is marked whole ("Hòn Gai", "Nam Hòa", "Hạ Long"); words of other shapes
 *   ("Committee", "July", "US") never join;
 * - each run of such words with at least one Vietnamese word becomes one
 *   <span lang="vi">; everything else stays plain text.
 * Short Capitalised English words of the same shape next to a name join it too ("The",
 * "Bay" in "Hạ Long Bay"): a known limit of a rule kept simple and predictable.
 * The text is only ever set as text nodes: never parsed as HTML. */
const NAMES_LANG = "vi";
const NAME_WORD = /[\p{L}\p{M}]+(?:['\u2019-][\p{L}\p{M}]+)*/gu;
const VI_ONLY = /[\u0111\u0110\u0306\u031b\u0309\u0323]|\p{L}\p{M}{2,}|[eiuyEIUY]\u0303/u;
const VI_SHARED = /[\u0300-\u0303]/u;
const VI_SYLLABLE = /^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$/i;
const CAPITALISED = /^\p{Lu}/u;

function nameWordKind(word) {
  const decomposed = word.normalize("NFD");
  if (VI_ONLY.test(decomposed)) return "vi";
  if (!CAPITALISED.test(word)) return null;
  if (VI_SHARED.test(decomposed)) return "vi";
  return word.split(/['\u2019-]/).every((part) => VI_SYLLABLE.test(part)) ? "join" : null;
}

/* Runs of words to mark in `text`: [[start, end], ...] as string indexes. */
function vietnameseRuns(text) {
  const runs = [];
  let run = null;
  for (const match of text.matchAll(NAME_WORD)) {
    const kind = nameWordKind(match[0]);
    const start = match.index;
    const end = start + match[0].length;
    const continues = run && kind && text.slice(run.end, start) === " ";
    if (run && !continues) {
      if (run.vi) runs.push([run.start, run.end]);
      run = null;
    }
    if (!kind) continue;
    if (run) {
      run.end = end;
      run.vi = run.vi || kind === "vi";
    } else {
      run = { start, end, vi: kind === "vi" };
    }
  }
  if (run && run.vi) runs.push([run.start, run.end]);
  return runs;
}

/* Append `text` to `parent` as text nodes, Vietnamese names in <span lang="vi"> when
 * the page is in another language (`pageLang`). Returns `parent`. */
function appendText(parent, text, pageLang) {
  if (text === undefined || text === null) return parent;
  const value = String(text);
  if (pageLang === NAMES_LANG) {
    parent.append(value);
    return parent;
  }
  let at = 0;
  vietnameseRuns(value).forEach(([start, end]) => {
    if (start > at) parent.append(value.slice(at, start));
    const span = el("span", null, value.slice(start, end));
    span.lang = NAMES_LANG;
    parent.append(span);
    at = end;
  });
  if (at < value.length) parent.append(value.slice(at));
  return parent;
}

/* el() for data text in the page's language: Vietnamese names marked (appendText). */
function textEl(tag, className, text, pageLang) {
  return appendText(el(tag, className), text, pageLang);
}

/* The language in the address, on the map pages (language.js) and the tiles page:
 * ?lang=en asks for one, and a chosen language other than the default is kept there
 * (a reload, Back, a shared link). Opened from disk the address may change its query
 * only, which is all this changes. */
function askedLanguage(data) {
  const asked = new URLSearchParams(window.location.search).get("lang");
  const lang = asked ? asked.trim().toLowerCase() : null;
  return lang && Object.prototype.hasOwnProperty.call(data.messages, lang) ? lang : null;
}

function keepLanguageInAddress(lang, defaultLanguage) {
  const here = new URL(window.location.href);
  if (lang === defaultLanguage) here.searchParams.delete("lang");
  else here.searchParams.set("lang", lang);
  if (here.href === window.location.href) return;
  try {
    window.history.replaceState(window.history.state, "", here.href);
  } catch (error) {
    // a sandboxed frame may refuse: the page still works, its address unchanged
  }
}
