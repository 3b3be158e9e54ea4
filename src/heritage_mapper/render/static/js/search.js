/* Search: the query is folded like the data's search keys (fold, in text.js) and
 * split into words; a site matches when every word is in its names or in its place
 * (its administrative unit today, in every language: "quang ninh" finds the sites of
 * the province, "bai chay quang ninh" the one named Bãi Cháy there). */

const SEARCH_DELAY_MS = 120;

const SearchMethods = {
  matches(i) {
    if (!this.query.length) return true;
    const key = this.sites.search[i];
    const place = this.placeKeys()[i];
    return this.query.every((token) => key.includes(token) || place.includes(token));
  },

  /* Each site's place folded like its names, made once, at the first search (the page
     data carries the places for the list's rows; their keys are not sent twice). A
     place is shared by many sites: each distinct text is folded once. */
  placeKeys() {
    if (!this.placeKey) {
      const column = this.sites.adminNow;
      const columns = !column ? [] : Array.isArray(column) ? [column] : Object.values(column);
      const folded = new Map();
      const key = (text) => {
        if (!text) return "";
        if (!folded.has(text)) folded.set(text, fold(text));
        return folded.get(text);
      };
      this.placeKey = this.sites.search.map((_, i) => columns.map((values) => key(values[i])).join("\n"));
    }
    return this.placeKey;
  },

  bindSearch() {
    const input = document.getElementById("hm-search");
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.setQuery(input.value), SEARCH_DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== "ArrowDown") return;
      event.preventDefault();
      clearTimeout(timer);
      this.setQuery(input.value);
      const first = document.querySelector(".hm-site-button");
      if (!first) return;
      if (event.key === "Enter") this.chooseButton(first);
      else this.focusButton(first);
    });
  },

  setQuery(text) {
    const tokens = fold(text).split(" ").filter(Boolean);
    if (tokens.join(" ") === this.query.join(" ")) return;
    this.query = tokens;
    this.refresh();
  },
};
