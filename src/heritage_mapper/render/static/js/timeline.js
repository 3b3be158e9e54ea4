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
    item.appendChild(this.dataEl("span", "hm-event-title", this.field(events.title, e)));
    item.appendChild(this.dataEl("span", "hm-event-summary", this.field(events.summary, e)));
    item.appendChild(mixed("span", "hm-cite", [
      this.t("source") + ": ",
      { data: this.sourceTitle(events.source[e]) },
      ", " + this.t("paragraph", { n: events.paragraph[e] }),
    ]));
    return item;
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
