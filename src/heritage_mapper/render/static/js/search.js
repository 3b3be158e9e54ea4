/* Search: the query is folded like the data's search keys (fold, in text.js) and
 * split into words; a site matches when its key holds every word. */

const SEARCH_DELAY_MS = 120;

const SearchMethods = {
  matches(i) {
    const key = this.sites.search[i];
    return this.query.every((token) => key.includes(token));
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
