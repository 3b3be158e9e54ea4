/* Story pages (data.story, render/story.py): a tour one stop at a time, or the region's
 * history era by era. Step 0 is an overview; the previous / next buttons, the left and
 * right arrow keys (outside the map and form fields) and a sideways swipe across the
 * story panel move between steps, and the map follows: a tour flies to each stop at
 * data.story.zoom along the route drawn whole (route.js); the history frames the
 * sites an era's events name, or the whole region when they name none. A stop's or an era's events are drawn by the timeline
 * code of the popups. A tour also writes its itinerary (itinerary.js), shown only in
 * print. */

const STORY_HIGHLIGHT = { radius: 15, color: "#8a2b3d", weight: 3, fill: false, interactive: false };
const STORY_FIT_MAX_ZOOM = 13;
const SWIPE_MIN_PX = 50;

function reducedMotion() {
  return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
}

const StoryMethods = {
  startStory() {
    this.story = this.data.story || null;
    if (!this.story) return;
    this.step = 0;
    this.highlighted = [];
    this.storyLayer = L.layerGroup().addTo(this.map);
    this.highlightLayer = L.layerGroup().addTo(this.map);
    this.legLines = [];
    if (this.story.kind === "tour") this.drawRoute();
    document.getElementById("hm-story-prev").addEventListener("click", () => this.goStep(this.step - 1));
    document.getElementById("hm-story-next").addEventListener("click", () => this.goStep(this.step + 1));
    document.addEventListener("keydown", (event) => this.storyKey(event));
    this.bindSwipe(document.getElementById("hm-story"));
    // printing: the overview (the whole route) framed for the printed map's own size
    const overview = () => this.printOverview();
    window.addEventListener("beforeprint", overview);
    if (window.matchMedia) {
      window.matchMedia("print").addEventListener("change", (query) => { if (query.matches) overview(); });
    }
    this.renderStory();
    this.moveToStep(false);
  },

  printOverview() {
    if (this.step !== 0) {
      this.step = 0;
      this.renderStory();
    }
    this.map.invalidateSize({ animate: false });
    this.moveToStep(false);
  },

  stepCount() {
    return 1 + (this.story.kind === "tour" ? this.story.stops.length : this.story.steps.length);
  },

  storyKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, .leaflet-container")) return;
    event.preventDefault();
    this.goStep(this.step + (event.key === "ArrowRight" ? 1 : -1));
  },

  bindSwipe(node) {
    let start = null;
    node.addEventListener("touchstart", (event) => {
      const touch = event.changedTouches[0];
      start = touch ? [touch.clientX, touch.clientY] : null;
    }, { passive: true });
    node.addEventListener("touchend", (event) => {
      const touch = event.changedTouches[0];
      if (!start || !touch) return;
      const dx = touch.clientX - start[0];
      const dy = touch.clientY - start[1];
      start = null;
      if (Math.abs(dx) >= SWIPE_MIN_PX && Math.abs(dx) > 2 * Math.abs(dy)) this.goStep(this.step + (dx < 0 ? 1 : -1));
    }, { passive: true });
  },

  goStep(k, options) {
    const next = Math.max(0, Math.min(this.stepCount() - 1, k));
    if (next === this.step) return;
    this.step = next;
    this.map.closePopup();
    this.renderStory();
    this.moveToStep(!(options && options.animate === false) && !reducedMotion());
  },

  /* The map to the step: a stop at the story zoom, sites, the region or the route. */
  moveToStep(animate) {
    const story = this.story;
    this.highlightLayer.clearLayers();
    if (story.kind === "tour") {
      this.highlighted = this.step ? [story.stops[this.step - 1].site] : story.stops.map((s) => s.site);
      if (this.step === 0) {
        this.map.fitBounds(L.latLngBounds(story.stops.map((s) => [s.lat, s.lon])), this.storyFit());
      } else {
        const stop = story.stops[this.step - 1];
        L.circleMarker([stop.lat, stop.lon], STORY_HIGHLIGHT).addTo(this.highlightLayer);
        if (animate) this.map.flyTo([stop.lat, stop.lon], story.zoom, { duration: 0.8 });
        else this.map.setView([stop.lat, stop.lon], story.zoom, { animate: false });
      }
      return;
    }
    const step = this.step ? story.steps[this.step - 1] : null;
    this.highlighted = step ? step.sites.slice() : [];
    const points = this.highlighted.map((i) => [this.sites.lat[i], this.sites.lon[i]]);
    points.forEach((p) => L.circleMarker(p, STORY_HIGHLIGHT).addTo(this.highlightLayer));
    if (step && step.region) {
      L.rectangle(story.region, { color: "#8a2b3d", weight: 2, dashArray: "6 6", fill: false, interactive: false })
        .addTo(this.highlightLayer);
    }
    if (!points.length) {
      this.map.fitBounds(story.region, { padding: [10, 10], animate: false });
    } else if (points.length === 1 && !(step && step.region)) {
      this.map.setView(points[0], STORY_FIT_MAX_ZOOM, { animate: false });
    } else {
      const bounds = L.latLngBounds(points);
      if (step && step.region) bounds.extend(story.region);
      this.map.fitBounds(bounds, this.storyFit());
    }
  },

  /* The zoom at which a history's whole region frames, clear of the controls (its
     overview and the eras whose events name no site show the region whole): the map's
     least zoom may not be above it (basemap.js boundMap). Held at the zoom at which the
     basemap fills the view, a desktop's overview left out the Cát Bà site. */
  storyZoom() {
    const story = this.data.story;
    if (!story || story.kind === "tour" || !story.region) return Infinity;
    return this.framingZoom(L.latLngBounds(story.region));
  },

  /* Framing clear of the open legend and the controls (mapview.js framePadding). */
  storyFit() {
    return Object.assign({ maxZoom: STORY_FIT_MAX_ZOOM, animate: false }, this.framePadding());
  },

  stepButton(k, text) {
    const button = el("button", "hm-story-jump");
    button.type = "button";
    button.appendChild(el("bdi", null, text));
    button.addEventListener("click", () => this.goStep(k));
    return button;
  },

  renderStory() {
    if (!this.story) return;
    const story = this.story;
    const body = document.getElementById("hm-story-body");
    const nodes = [];
    const heading = el("h2");
    heading.id = "hm-story-heading";
    nodes.push(heading);
    if (this.step === 0) {
      heading.appendChild(el("bdi", null, story.title[this.lang] || ""));
      nodes.push(el("p", "hm-story-kicker", this.t("storyOverview")));
      if (story.description && story.description[this.lang]) nodes.push(this.dataEl("p", "hm-story-text", story.description[this.lang]));
      if (story.kind === "tour") nodes.push(this.totalsNodes());
      const list = el("ol", "hm-story-steps");
      const labels = story.kind === "tour"
        ? story.stops.map((s) => s.name[this.lang])
        : story.steps.map((s) => s.label[this.lang]);
      labels.forEach((text, k) => {
        const item = el("li");
        item.appendChild(this.stepButton(k + 1, text || ""));
        list.appendChild(item);
      });
      nodes.push(list);
    } else if (story.kind === "tour") {
      const stop = story.stops[this.step - 1];
      heading.append(this.step + ". ");
      heading.appendChild(el("bdi", null, stop.name[this.lang] || ""));
      if (this.step > 1) {
        const leg = el("div", "hm-story-leg");
        leg.appendChild(el("h3", null, this.t("legFrom")));
        leg.append(...this.legNodes(story.legs[this.step - 2]));
        nodes.push(leg);
      }
      nodes.push(el("p", "hm-stop-visit", this.t("stopVisit", { time: this.durationText(stop.minutes) })));
      if (stop.note[this.lang]) nodes.push(this.dataEl("p", "hm-story-text", stop.note[this.lang]));
      nodes.push(...this.storyEvents(stop.events));
    } else {
      const step = story.steps[this.step - 1];
      heading.appendChild(el("bdi", null, step.label[this.lang] || ""));
      const years = step.years[0] === step.years[1] ? String(step.years[0])
        : (step.years[0] === null ? "" : step.years[0]) + " – " + (step.years[1] === null ? "" : step.years[1]);
      nodes.push(el("p", "hm-story-kicker", years));
      if (step.sites.length) {
        nodes.push(el("p", "hm-story-sites-count", this.t("eraSites", { n: this.number(step.sites.length) })));
        const list = el("ul", "hm-story-sites");
        step.sites.forEach((i) => list.appendChild(this.dataEl("li", null, this.field(this.sites.name, i) || this.sites.id[i])));
        nodes.push(list);
      }
      if (step.region) nodes.push(el("p", "hm-note", this.t("regionWide")));
      nodes.push(...this.storyEvents(step.events));
    }
    body.replaceChildren(...nodes);
    const total = this.stepCount();
    document.getElementById("hm-story-count").textContent = this.t("storyCount", { n: this.number(this.step + 1), total: this.number(total) });
    const prev = document.getElementById("hm-story-prev");
    const next = document.getElementById("hm-story-next");
    const focused = document.activeElement;
    prev.disabled = this.step === 0;
    next.disabled = this.step === total - 1;
    if (focused === prev && prev.disabled) next.focus();
    if (focused === next && next.disabled) prev.focus();
    document.getElementById("hm-story").dataset.step = String(this.step);
    this.renderItinerary();
    this.renameLegLabels();
  },

  storyEvents(ids) {
    if (!ids.length) return [el("p", "hm-note", this.t("noStoryEvents"))];
    return [el("h3", null, this.t("storyEvents")), ...this.timeline(ids)];
  },
};
