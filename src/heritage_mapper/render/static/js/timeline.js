/* Timelines: a site's events in its popup and the region timeline (data.region: the
 * events that name no site), drawn by the same code and filtered by the same years. */

const TimelineMethods = {
  /* The events `ids` in the chosen years, as a list, then a note of how many are not. */
  timeline(ids) {
    const list = el("ol", "hm-timeline");
    let hidden = 0;
    ids.forEach((e) => {
      if (!this.eventShown(e)) { hidden += 1; return; }
      list.appendChild(this.eventItem(e));
    });
    const nodes = list.childElementCount ? [list] : [];
    if (hidden) nodes.push(el("p", "hm-note", this.t("hiddenEvents", { n: hidden })));
    return nodes;
  },

  eventItem(e) {
    const events = this.events;
    const item = el("li", "hm-event");
    item.appendChild(el("span", "hm-event-date", this.field(events.date, e)));
    item.appendChild(this.eventText("hm-event-title", "title", e));
    item.appendChild(this.eventText("hm-event-summary", "summary", e));
    item.appendChild(mixed("span", "hm-cite", [
      this.t("source") + ": ",
      { data: this.sourceTitle(events.source[e]) },
      ", " + this.t("paragraph", { n: events.paragraph[e] }),
    ]));
    return item;
  },

  /* An event's title or summary. A large page carries them apart, in chunks of
   * data.eventTexts.chunk events (elements hm-texts-0, hm-texts-1, ...), and inflates a
   * chunk the first time one of its events is shown: until then the element is empty
   * and aria-busy; then it is replaced (by an empty one if the chunk could not be
   * read), and a popup that shows it is laid out again. */
  eventText(className, name, e) {
    if (this.textsRead(e)) return this.dataEl("span", className, this.field(this.events[name], e));
    const pending = el("span", className);
    pending.setAttribute("aria-busy", "true");
    const settle = (node) => {
      pending.replaceWith(node);
      const popup = this.popup.getElement();
      if (this.popup.isOpen() && popup && popup.contains(node)) this.relayoutPopup();
    };
    this.readTexts(e).then(
      () => settle(this.dataEl("span", className, this.field(this.events[name], e))),
      () => settle(el("span", className)), // readTexts said why, once for the chunk
    );
    return pending;
  },

  /* Lay the open popup out again, once for all the texts a chunk has just filled in.
   * Leaflet's popup.update() puts the content back in its box, which loses the focus
   * and the scroll: the reader keeps both. */
  relayoutPopup() {
    if (this.relayoutQueued) return;
    this.relayoutQueued = true;
    Promise.resolve().then(() => {
      this.relayoutQueued = false;
      const popup = this.popup.getElement();
      if (!this.popup.isOpen() || !popup) return;
      const content = popup.querySelector(".leaflet-popup-content");
      const scroll = content ? content.scrollTop : 0;
      const focused = popup.contains(document.activeElement) ? document.activeElement : null;
      this.popup.update();
      if (content) content.scrollTop = scroll;
      if (focused && focused.isConnected) focused.focus({ preventScroll: true });
    });
  },

  textsRead(e) {
    const spec = this.data.eventTexts;
    return !spec || this.textChunks.get(Math.floor(e / spec.chunk)) === true;
  },

  /* A promise of the chunk holding event e's texts (not read yet: textsRead), read
   * into this.events once (a chunk that cannot be read rejects, and stays so: its
   * element is spent). */
  readTexts(e) {
    const size = this.data.eventTexts.chunk;
    const k = Math.floor(e / size);
    if (!this.textChunks.has(k)) {
      const id = TEXT_ELEMENT_PREFIX + k;
      const read = Promise.resolve().then(() => {
        const element = document.getElementById(id);
        if (!element) throw new Error("the page has no element #" + id);
        return readData(element);
      });
      this.textChunks.set(k, read.then((chunk) => {
        Object.keys(chunk).forEach((name) => {
          const column = this.events[name] || (this.events[name] = {});
          Object.keys(chunk[name]).forEach((lang) => {
            const values = column[lang] || (column[lang] = []);
            chunk[name][lang].forEach((value, j) => { values[k * size + j] = value; });
          });
        });
        this.textChunks.set(k, true);
      }, (error) => {
        console.error("heritage-mapper: the event texts in #" + id + " could not be read", error);
        throw error; // each event waiting for them shows none (eventText)
      }));
    }
    return this.textChunks.get(k);
  },

  sourceTitle(index) {
    const source = this.data.sources[index];
    if (!source) return this.t("unknown");
    return source.title[this.lang] || source.file || this.t("unknown");
  },

  bindRegion() {
    const toggle = document.getElementById("hm-region-toggle");
    if (!toggle) return;
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toggle.closest(".hm-panel").classList.toggle("hm-region-open", open);
      document.getElementById("hm-region-body").hidden = !open;
      this.renderRegion();
    });
  },

  /* The count is always current; the events are drawn while the section is open.
   * Called after every filter or language change, so the year note follows too. */
  renderRegion() {
    this.renderYearNote();
    const count = document.getElementById("hm-region-count");
    if (!count) return;
    const total = this.region.length;
    const shown = this.region.filter((e) => this.eventShown(e)).length;
    count.textContent = shown === total
      ? this.t("eventCountAll", { total: this.number(total) })
      : this.t("eventCount", { shown: this.number(shown), total: this.number(total) });
    if (document.getElementById("hm-region-body").hidden) return;
    document.getElementById("hm-region-events").replaceChildren(...this.timeline(this.region));
  },
};
