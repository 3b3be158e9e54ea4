/* The list of sites beside the map: sorted by name in the current language, at most
 * LIST_LIMIT rows, one Tab stop with arrow keys inside (roving focus). Each row says
 * where the site is (its administrative unit today, else the nearest basemap place)
 * and its layer, so two sites of the same name can be told apart. */

const LIST_LIMIT = 300; // list rows drawn at once; a search narrows the rest

const ListMethods = {
  sortedIndexes() {
    if (!this.order[this.lang]) {
      const names = this.sites.name[this.lang];
      const collator = new Intl.Collator(this.lang);
      const order = Array.from({ length: this.count }, (_, i) => i);
      order.sort((a, b) => collator.compare(names[a] || "", names[b] || "") || a - b);
      this.order[this.lang] = order;
    }
    return this.order[this.lang];
  },

  renderList() {
    const list = document.getElementById("hm-list");
    const rows = [];
    let shown = 0;
    this.sortedIndexes().forEach((i) => {
      if (!this.shown[i]) return;
      shown += 1;
      if (rows.length < LIST_LIMIT) rows.push(this.listItem(i));
    });
    list.replaceChildren(...rows);
    if (!rows.length) {
      // every layer unticked: neither the search nor the years would bring a site back
      const why = this.layerOn.some(Boolean) ? "noResults" : "noLayers";
      list.appendChild(el("li", "hm-empty", this.t(why)));
    }
    const active = rows.find((row) => Number(row.firstChild.dataset.index) === this.activeIndex) || rows[0];
    if (active && active.firstChild.tagName === "BUTTON") active.firstChild.tabIndex = 0;
    const note = document.getElementById("hm-list-note");
    note.hidden = shown <= LIST_LIMIT;
    note.textContent = this.t("listLimited", { limit: this.number(LIST_LIMIT) });
    document.getElementById("hm-count").textContent = shown === this.count
      ? this.t("countAll", { total: this.number(this.count) })
      : this.t("count", { shown: this.number(shown), total: this.number(this.count) });
  },

  listItem(i) {
    const sites = this.sites;
    const layer = this.data.layers[sites.layer[i]];
    const item = el("li");
    const button = el("button", "hm-site-button");
    button.type = "button";
    button.tabIndex = -1;
    button.dataset.index = String(i);
    button.setAttribute("aria-current", String(i === this.openIndex));
    button.appendChild(shapeSvg(sites.category[i]));
    button.appendChild(el("span", "hm-site-name", this.field(sites.name, i)));
    const meta = el("span", "hm-site-meta");
    const place = this.sitePlace(i);
    if (place) {
      let where;
      if (place.lang && place.lang !== this.lang) {
        where = el("span", "hm-site-place", place.text); // another language: marked whole
        where.lang = place.lang;
      } else {
        where = textEl("span", "hm-site-place", place.text, this.lang); // Vietnamese names marked
      }
      meta.append(where, " · ");
    }
    meta.append(el("span", "hm-site-layer", layer.title[this.lang]));
    button.appendChild(meta);
    item.appendChild(button);
    return item;
  },

  /* Where site i is: {text, lang} of its administrative unit today (a column per
     language, or one column in the data's own language), else of the nearest basemap
     place; null when neither is known. */
  sitePlace(i) {
    const column = this.sites.adminNow;
    const plain = Array.isArray(column);
    const unit = plain ? column[i] : column ? this.field(column, i) : null;
    if (unit) return { text: unit, lang: plain ? this.data.page.defaultLanguage : this.lang };
    const near = this.nearestPlace(i);
    return near ? { text: near, lang: null } : null;
  },

  nearestPlace(i) {
    const places = this.data.basemap && this.data.basemap.places;
    if (!places || !places.label.length) return null;
    const lat = this.sites.lat[i];
    const lon = this.sites.lon[i];
    const shrink = Math.cos((lat * Math.PI) / 180); // degrees of longitude are shorter
    let best = 0;
    let bestDistance = Infinity;
    places.label.forEach((_, k) => {
      const d = (places.lat[k] - lat) ** 2 + ((places.lon[k] - lon) * shrink) ** 2;
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    });
    return places.label[best];
  },

  /* Roving focus: the list is one Tab stop; arrows, Home and End move within it. */
  bindList() {
    const list = document.getElementById("hm-list");
    list.addEventListener("click", (event) => {
      const button = event.target.closest(".hm-site-button");
      if (button) this.chooseButton(button);
    });
    list.addEventListener("keydown", (event) => {
      const button = event.target.closest(".hm-site-button");
      if (!button) return;
      const buttons = Array.from(list.querySelectorAll(".hm-site-button"));
      const at = buttons.indexOf(button);
      const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const next = buttons[Math.max(0, Math.min(buttons.length - 1, moves[event.key]))];
      this.focusButton(next);
    });
    list.addEventListener("focusin", (event) => {
      const button = event.target.closest(".hm-site-button");
      if (button) this.focusButton(button, true);
    });
    list.addEventListener("focus", () => {
      const first = list.querySelector(".hm-site-button[tabindex='0']");
      if (first) first.focus();
    });
  },

  focusButton(button, already) {
    document.querySelectorAll(".hm-site-button").forEach((b) => { b.tabIndex = -1; });
    button.tabIndex = 0;
    this.activeIndex = Number(button.dataset.index);
    if (!already) button.focus();
  },

  chooseButton(button) {
    this.focusButton(button, true);
    this.selectSite(Number(button.dataset.index), button);
  },
};
