/* heritage-mapper map page: markers, list, popups, region timeline, search, years,
 * languages.
 *
 * The data arrives once, in a script element: JSON read with JSON.parse, or on large
 * pages gzip in base64, inflated by the browser's DecompressionStream. Text from
 * the data reaches the page only through textContent, setAttribute or DOM nodes
 * handed to Leaflet: never through innerHTML, so a site whose name is HTML markup
 * is shown as those characters and runs nothing.
 *
 * Records are columnar (sites.name.vi[i], events.start[e]); dates come labelled in
 * every language, so nothing here parses EDTF. Years are plain integers, null = open.
 * data.region lists the events that name no site (indexes into data.events, in
 * timeline order): the region timeline, drawn by the same code as a popup's.
 */
(function () {
  "use strict";

  const LIST_LIMIT = 300; // list rows drawn at once; a search narrows the rest
  const SELECT_MIN_ZOOM = 12; // zoom used when a site is chosen from the list
  const FIT_MAX_ZOOM = 12;
  const FIT_PADDING = [36, 36];
  const CIRCLE_MIN_ZOOM = 10; // clustered pages draw uncertainty circles from this zoom
  const MAX_CIRCLES = 2000;
  const CLUSTER_RADIUS = 50;
  const SEARCH_DELAY_MS = 120;
  const YEARS_DELAY_MS = 60;
  const MARKER_SIZE = 24;
  const SELECTED_Z_OFFSET = 1000;
  const POPUP_MAX_HEIGHT = 520;
  const POPUP_MAX_WIDTH = 420;
  const POPUP_MIN_WIDTH = 240;
  const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home", "End", " "]);
  const POPUP_MARGIN = 110;
  const LEGEND_OPEN_MIN_WIDTH = 620;
  const COLOR = /^#[0-9a-fA-F]{6}$/;
  const FALLBACK_COLOR = "#546e7a";
  const SVG_NS = "http://www.w3.org/2000/svg";
  // One shape per category (cycling), drawn in a 24 x 24 box.
  const SHAPES = [
    ["circle", { cx: 12, cy: 12, r: 8.5 }],
    ["rect", { x: 4, y: 4, width: 16, height: 16, rx: 2.5 }],
    ["path", { d: "M12 2.2 21.8 12 12 21.8 2.2 12z" }],
    ["path", { d: "M12 2.8 21.6 20.4H2.4z" }],
    ["path", { d: "M12 2.2l2.9 6.2 6.8.7-5.1 4.6 1.5 6.7L12 17l-6.1 3.4 1.5-6.7-5.1-4.6 6.8-.7z" }],
    ["path", { d: "M12 2.4l8.4 4.8v9.6L12 21.6l-8.4-4.8V7.2z" }],
    ["path", { d: "M12 2.6l9.2 6.7-3.5 10.9H6.3L2.8 9.3z" }],
    ["path", { d: "M8.5 2.5h7v6h6v7h-6v6h-7v-6h-6v-7h6z" }],
  ];
  const FULLSCREEN_ICON = "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5";

  function fold(text) {
    return String(text)
      .normalize("NFKD")
      .replace(/[\p{M}\p{Cf}]/gu, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase()
      .replace(/\s+/g, " ")
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

  function safeColor(color) {
    return COLOR.test(color) ? color : FALLBACK_COLOR;
  }

  function shapeSvg(category, color) {
    const [tag, attrs] = SHAPES[(category >= 0 ? category : 0) % SHAPES.length];
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const shape = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach((name) => shape.setAttribute(name, attrs[name]));
    shape.setAttribute("class", "hm-shape");
    svg.style.setProperty("--hm-color", safeColor(color));
    svg.appendChild(shape);
    return svg;
  }

  function iconSvg(pathData) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", pathData);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2.2");
    path.setAttribute("stroke-linecap", "round");
    svg.appendChild(path);
    return svg;
  }

  /* A divIcon whose content is built with DOM calls (no HTML string). */
  const SiteIcon = L.DivIcon.extend({
    options: { html: false, className: "hm-marker", iconSize: [MARKER_SIZE, MARKER_SIZE] },
    createIcon: function (oldIcon) {
      const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      div.replaceChildren(shapeSvg(this.options.category, this.options.color));
      return div;
    },
  });

  class HeritageMap {
    constructor(map, tiles, data) {
      this.map = map;
      this.tiles = tiles;
      this.data = data;
      this.sites = data.sites;
      this.events = data.events;
      this.region = data.region || [];
      this.count = data.sites.id.length;
      this.lang = data.page.defaultLanguage;
      this.cluster = Boolean(data.page.cluster);
      this.layerOn = data.layers.map(() => true);
      this.query = [];
      this.years = data.years ? data.years.slice() : null;
      this.shown = new Uint8Array(this.count); // wanted on the map
      this.onMap = new Uint8Array(this.count); // handed to the map (or its cluster group)
      this.busy = false;
      this.dirty = false;
      this.afterLoad = null;
      this.circles = new Map();
      this.order = {};
      this.openIndex = -1;
      this.activeIndex = -1;
      this.returnFocus = null;
      this.icons = new Map();
      this.popup = L.popup({
        className: "hm-leaflet-popup",
        maxWidth: POPUP_MAX_WIDTH,
        minWidth: POPUP_MIN_WIDTH,
        autoPanPadding: [24, 24],
        offset: [0, -MARKER_SIZE / 3],
      });
    }

    /* ---------- text ---------- */

    t(key, vars) {
      const messages = this.data.messages[this.lang] || {};
      let text = key in messages ? messages[key] : key;
      Object.keys(vars || {}).forEach((name) => {
        text = text.split("{" + name + "}").join(String(vars[name]));
      });
      return text;
    }

    field(column, i) {
      const value = column[this.lang];
      return value ? value[i] : null;
    }

    number(value) {
      const [whole, fraction] = String(value).split(".");
      const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, this.t("thousands"));
      return fraction ? grouped + this.t("decimal") + fraction : grouped;
    }

    /* ---------- markers and circles ---------- */

    icon(layer, category) {
      const key = layer + ":" + category;
      if (!this.icons.has(key)) {
        const color = this.data.layers[layer] ? this.data.layers[layer].color : FALLBACK_COLOR;
        this.icons.set(key, new SiteIcon({ category: category, color: color }));
      }
      return this.icons.get(key);
    }

    createMarkers() {
      const s = this.sites;
      this.markers = s.id.map((id, i) => {
        const marker = L.marker([s.lat[i], s.lon[i]], {
          icon: this.icon(s.layer[i], s.category[i]),
          title: this.field(s.name, i),
          keyboard: true,
          riseOnHover: true,
        });
        marker.on("click", () => this.openSite(i, marker.getElement()));
        marker.on("keypress", (event) => {
          if (event.originalEvent.key === "Enter") this.openSite(i, marker.getElement());
        });
        return marker;
      });
      this.group = this.cluster
        ? L.markerClusterGroup({
          chunkedLoading: true,
          chunkProgress: (processed, total) => this.chunkDone(processed, total),
          showCoverageOnHover: false,
          maxClusterRadius: CLUSTER_RADIUS,
        })
        : L.layerGroup();
      this.circleGroup = L.layerGroup();
      this.circleGroup.addTo(this.map);
      this.group.addTo(this.map);
    }

    circle(i) {
      if (!this.circles.has(i)) {
        const color = safeColor(this.data.layers[this.sites.layer[i]].color);
        this.circles.set(i, L.circle([this.sites.lat[i], this.sites.lon[i]], {
          radius: this.sites.precision[i],
          color: color,
          weight: 1.5,
          opacity: 0.85,
          dashArray: "5 5",
          fillColor: color,
          fillOpacity: 0.09,
          interactive: false,
          className: "hm-uncertainty",
        }));
      }
      return this.circles.get(i);
    }

    /* Every shown site has its circle; a clustered page draws those in view once zoomed in. */
    circleSites() {
      const wanted = new Set();
      const zoomedIn = this.map.getZoom() >= CIRCLE_MIN_ZOOM;
      const bounds = this.map.getBounds().pad(0.2);
      for (let i = 0; i < this.count && wanted.size < MAX_CIRCLES; i++) {
        if (!this.shown[i] || !this.sites.precision[i]) continue;
        if (!this.cluster || (zoomedIn && bounds.contains([this.sites.lat[i], this.sites.lon[i]]))) {
          wanted.add(i);
        }
      }
      if (this.openIndex >= 0 && this.sites.precision[this.openIndex]) wanted.add(this.openIndex);
      return wanted;
    }

    syncCircles() {
      const wanted = this.circleSites();
      this.circleGroup.eachLayer((layer) => {
        if (!wanted.has(layer.hmIndex)) this.circleGroup.removeLayer(layer);
      });
      wanted.forEach((i) => {
        const circle = this.circle(i);
        circle.hmIndex = i;
        if (!this.circleGroup.hasLayer(circle)) this.circleGroup.addLayer(circle);
      });
    }

    /* ---------- filtering ---------- */

    overlaps(start, end) {
      if (!this.years) return true;
      const [from, to] = this.years;
      return (start === null || start <= to) && (end === null || end >= from);
    }

    eventShown(e) {
      return this.overlaps(this.events.start[e], this.events.end[e]);
    }

    inYears(i) {
      const ids = this.sites.events[i];
      if (!ids.length) return this.overlaps(this.sites.start[i], this.sites.end[i]);
      return ids.some((e) => this.eventShown(e));
    }

    matches(i) {
      const key = this.sites.search[i];
      return this.query.every((token) => key.includes(token));
    }

    refresh() {
      for (let i = 0; i < this.count; i++) {
        this.shown[i] = this.layerOn[this.sites.layer[i]] && this.matches(i) && this.inYears(i) ? 1 : 0;
      }
      this.applyMarkers();
      if (this.openIndex >= 0 && !this.shown[this.openIndex]) this.map.closePopup();
      else if (this.openIndex >= 0) this.popup.setContent(this.buildPopup(this.openIndex));
      this.syncCircles();
      this.renderList();
      this.renderRegion();
    }

    /* Bring the markers on the map in line with `shown`. A clustered page adds markers in
       chunks, so the page stays responsive; changes asked for meanwhile wait their turn. */
    applyMarkers() {
      if (this.busy) {
        this.dirty = true;
        return;
      }
      let add = [];
      const remove = [];
      let staying = 0;
      for (let i = 0; i < this.count; i++) {
        if (this.shown[i] !== this.onMap[i]) (this.shown[i] ? add : remove).push(i);
        else if (this.shown[i]) staying += 1;
      }
      if (this.cluster && remove.length > staying) {
        this.group.clearLayers(); // cheaper than removing most markers one by one
        this.onMap.fill(0);
        add = [];
        this.shown.forEach((show, i) => { if (show) add.push(i); });
        remove.length = 0;
      }
      remove.forEach((i) => { this.onMap[i] = 0; });
      add.forEach((i) => { this.onMap[i] = 1; });
      const markers = (indexes) => indexes.map((i) => this.markers[i]);
      if (!this.cluster) {
        remove.forEach((i) => this.group.removeLayer(this.markers[i]));
        add.forEach((i) => this.group.addLayer(this.markers[i]));
        return;
      }
      this.group.removeLayers(markers(remove));
      if (add.length) {
        this.busy = true;
        this.group.addLayers(markers(add));
      }
    }

    chunkDone(processed, total) {
      if (processed < total) return;
      this.busy = false;
      if (this.dirty) {
        this.dirty = false;
        this.applyMarkers();
      }
      if (!this.busy && this.afterLoad) {
        const task = this.afterLoad;
        this.afterLoad = null;
        task();
      }
    }

    /* ---------- popup ---------- */

    openSite(i, returnFocus) {
      this.returnFocus = returnFocus || null;
      const show = () => {
        this.openIndex = i;
        const size = this.map.getSize();
        this.popup.options.maxHeight = Math.max(160, Math.min(POPUP_MAX_HEIGHT, size.y - POPUP_MARGIN));
        this.popup.options.maxWidth = Math.max(POPUP_MIN_WIDTH, Math.min(POPUP_MAX_WIDTH, size.x - POPUP_MARGIN));
        this.popup.setLatLng(this.markers[i].getLatLng()).setContent(this.buildPopup(i));
        this.popup.openOn(this.map);
        this.syncCircles();
        this.markSelected(i);
        const heading = this.popup.getElement() && this.popup.getElement().querySelector("h2");
        if (heading) heading.focus({ preventScroll: true });
      };
      if (!this.cluster) {
        show();
      } else if (this.busy) {
        this.afterLoad = () => this.openSite(i, returnFocus);
      } else {
        this.group.zoomToShowLayer(this.markers[i], show);
      }
    }

    selectSite(i, returnFocus) {
      const latlng = this.markers[i].getLatLng();
      const wrap = document.getElementById("hm-map-wrap").getBoundingClientRect();
      if (wrap.top < 0 || wrap.bottom > window.innerHeight) {
        document.getElementById("hm-map-wrap").scrollIntoView({ block: "start" }); // phones: list below
      }
      this.map.setView(latlng, Math.max(this.map.getZoom(), SELECT_MIN_ZOOM), { animate: false });
      this.openSite(i, returnFocus);
    }

    markSelected(i) {
      this.markers.forEach((m, j) => {
        const node = m.getElement();
        if (node) node.classList.toggle("hm-marker-selected", j === i);
        if (j === i || m.options.zIndexOffset) m.setZIndexOffset(j === i ? SELECTED_Z_OFFSET : 0);
      });
      document.querySelectorAll(".hm-site-button").forEach((button) => {
        button.setAttribute("aria-current", String(Number(button.dataset.index) === i));
      });
    }

    buildPopup(i) {
      const s = this.sites;
      const root = el("article", "hm-popup");
      const heading = el("h2", null, this.field(s.name, i));
      heading.tabIndex = -1;
      root.appendChild(heading);
      root.appendChild(this.popupMeta(i));
      root.appendChild(el("p", null, this.field(s.description, i)));
      root.appendChild(this.popupFacts(i));
      root.appendChild(el("h3", null, this.t("timeline")));
      this.popupTimeline(i).forEach((node) => root.appendChild(node));
      const refs = this.siteSources(i);
      if (refs) root.appendChild(refs);
      return root;
    }

    popupMeta(i) {
      const s = this.sites;
      const layer = this.data.layers[s.layer[i]];
      const category = this.data.categories[s.category[i]];
      const meta = el("p", "hm-popup-meta");
      meta.appendChild(shapeSvg(s.category[i], layer.color));
      const parts = [{ data: layer.title[this.lang] }];
      if (category) parts.push(" · ", { data: category.label[this.lang] });
      meta.appendChild(mixed("span", null, parts));
      return meta;
    }

    popupFacts(i) {
      const s = this.sites;
      const facts = el("dl");
      const add = (label, ...values) => {
        facts.appendChild(el("dt", null, this.t(label)));
        const dd = el("dd");
        values.forEach((value) => { if (value) dd.appendChild(value); });
        facts.appendChild(dd);
      };
      const precision = s.precision[i] ? "±" + this.number(s.precision[i]) + " m" : this.t("unknown");
      add("precision", el("span", null, precision), el("span", "hm-basis", this.field(s.basis, i)));
      const period = this.field(s.period, i);
      if (period) add("period", el("span", null, period));
      add("adminThen", el("span", null, s.adminThen[i] || this.t("unknown")));
      add("adminNow", el("span", null, s.adminNow[i] || this.t("unknown")));
      return facts;
    }

    popupTimeline(i) {
      const ids = this.sites.events[i];
      if (!ids.length) return [el("p", "hm-note", this.t("noEvents"))];
      return this.timeline(ids);
    }

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
    }

    eventItem(e) {
      const ev = this.events;
      const item = el("li", "hm-event");
      item.appendChild(el("span", "hm-event-date", this.field(ev.date, e)));
      item.appendChild(el("span", "hm-event-title", this.field(ev.title, e)));
      item.appendChild(el("span", "hm-event-summary", this.field(ev.summary, e)));
      item.appendChild(mixed("span", "hm-cite", [
        this.t("source") + ": ",
        { data: this.sourceTitle(ev.source[e]) },
        ", " + this.t("paragraph", { n: ev.paragraph[e] }),
      ]));
      return item;
    }

    sourceTitle(index) {
      const source = this.data.sources[index];
      if (!source) return this.t("unknown");
      return source.title[this.lang] || source.file || this.t("unknown");
    }

    siteSources(i) {
      const refs = this.sites.refs[i];
      if (!refs.length) return null;
      const bySource = new Map();
      refs.forEach(([source, paragraph]) => {
        if (!bySource.has(source)) bySource.set(source, []);
        bySource.get(source).push(paragraph);
      });
      const pieces = [this.t("siteSources") + ": "];
      bySource.forEach((paragraphs, source) => {
        const key = paragraphs.length > 1 ? "paragraphs" : "paragraph";
        if (pieces.length > 1) pieces.push("; ");
        pieces.push({ data: this.sourceTitle(source) }, ", " + this.t(key, { n: paragraphs.join(", ") }));
      });
      return mixed("p", "hm-cite", pieces);
    }

    onPopupOpen() {
      const node = this.popup.getElement();
      if (!node) return;
      const close = node.querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", this.t("closePopup"));
      if (node.dataset.hmKeys) return;
      node.dataset.hmKeys = "1";
      node.addEventListener("keydown", (event) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          this.map.closePopup();
        } else if (SCROLL_KEYS.has(event.key)) {
          event.stopPropagation(); // scroll the popup, not the map
        }
      });
    }

    onPopupClose() {
      this.openIndex = -1;
      this.markSelected(-1);
      this.syncCircles();
      const target = this.returnFocus;
      this.returnFocus = null;
      if (target && document.body.contains(target)) target.focus({ preventScroll: true });
    }

    /* ---------- list ---------- */

    sortedIndexes() {
      if (!this.order[this.lang]) {
        const names = this.sites.name[this.lang];
        const collator = new Intl.Collator(this.lang);
        const order = Array.from({ length: this.count }, (_, i) => i);
        order.sort((a, b) => collator.compare(names[a] || "", names[b] || "") || a - b);
        this.order[this.lang] = order;
      }
      return this.order[this.lang];
    }

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
      if (!rows.length) list.appendChild(el("li", "hm-empty", this.t("noResults")));
      const active = rows.find((row) => Number(row.firstChild.dataset.index) === this.activeIndex) || rows[0];
      if (active && active.firstChild.tagName === "BUTTON") active.firstChild.tabIndex = 0;
      const note = document.getElementById("hm-list-note");
      note.hidden = shown <= LIST_LIMIT;
      note.textContent = this.t("listLimited", { limit: this.number(LIST_LIMIT) });
      document.getElementById("hm-count").textContent = shown === this.count
        ? this.t("countAll", { total: this.number(this.count) })
        : this.t("count", { shown: this.number(shown), total: this.number(this.count) });
    }

    listItem(i) {
      const s = this.sites;
      const layer = this.data.layers[s.layer[i]];
      const item = el("li");
      const button = el("button", "hm-site-button");
      button.type = "button";
      button.tabIndex = -1;
      button.dataset.index = String(i);
      button.setAttribute("aria-current", String(i === this.openIndex));
      button.appendChild(shapeSvg(s.category[i], layer.color));
      button.appendChild(el("span", "hm-site-name", this.field(s.name, i)));
      button.appendChild(el("span", "hm-site-meta", layer.title[this.lang]));
      item.appendChild(button);
      return item;
    }

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
    }

    focusButton(button, already) {
      document.querySelectorAll(".hm-site-button").forEach((b) => { b.tabIndex = -1; });
      button.tabIndex = 0;
      this.activeIndex = Number(button.dataset.index);
      if (!already) button.focus();
    }

    chooseButton(button) {
      this.focusButton(button, true);
      this.selectSite(Number(button.dataset.index), button);
    }

    /* ---------- region timeline ---------- */

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
    }

    /* The count is always current; the events are drawn while the section is open. */
    renderRegion() {
      const count = document.getElementById("hm-region-count");
      if (!count) return;
      const total = this.region.length;
      const shown = this.region.filter((e) => this.eventShown(e)).length;
      count.textContent = shown === total
        ? this.t("eventCountAll", { total: this.number(total) })
        : this.t("eventCount", { shown: this.number(shown), total: this.number(total) });
      if (document.getElementById("hm-region-body").hidden) return;
      document.getElementById("hm-region-events").replaceChildren(...this.timeline(this.region));
    }

    /* ---------- header controls ---------- */

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
    }

    setQuery(text) {
      const tokens = fold(text).split(" ").filter(Boolean);
      if (tokens.join(" ") === this.query.join(" ")) return;
      this.query = tokens;
      this.refresh();
    }

    bindYears() {
      const from = document.getElementById("hm-year-from");
      const to = document.getElementById("hm-year-to");
      if (!this.years || !from || !to) return;
      let timer = null;
      const update = (moved) => {
        let a = Number(from.value);
        let b = Number(to.value);
        if (a > b) {
          if (moved === from) { b = a; to.value = String(b); } else { a = b; from.value = String(a); }
        }
        this.years = [a, b];
        document.getElementById("hm-year-output").textContent = a + " – " + b;
        clearTimeout(timer);
        timer = setTimeout(() => this.refresh(), YEARS_DELAY_MS);
      };
      from.addEventListener("input", () => update(from));
      to.addEventListener("input", () => update(to));
    }

    bindLanguages() {
      document.querySelectorAll(".hm-lang-buttons button").forEach((button) => {
        button.addEventListener("click", () => this.setLanguage(button.dataset.lang));
      });
    }

    setLanguage(lang) {
      if (!(lang in this.data.messages)) return;
      this.lang = lang;
      document.documentElement.lang = lang;
      this.renderTexts();
      this.markers.forEach((marker, i) => {
        marker.options.title = this.field(this.sites.name, i);
        const node = marker.getElement();
        if (node) node.title = marker.options.title;
      });
      this.legend.render();
      this.fullscreen.render();
      this.renderList();
      this.renderRegion();
      if (this.openIndex >= 0) {
        this.popup.setContent(this.buildPopup(this.openIndex));
        this.onPopupOpen();
      }
    }

    renderTexts() {
      const page = this.data.page;
      const title = page.title[this.lang];
      const subtitle = page.subtitle ? page.subtitle[this.lang] : null;
      document.title = subtitle ? title + " — " + subtitle : title;
      document.getElementById("hm-title").textContent = title;
      const sub = document.getElementById("hm-subtitle");
      if (sub) sub.textContent = subtitle;
      document.querySelectorAll("[data-i18n]").forEach((node) => {
        node.textContent = this.t(node.dataset.i18n);
      });
      document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => {
        node.setAttribute("placeholder", this.t(node.dataset.i18nPlaceholder));
      });
      document.querySelectorAll("[data-i18n-label]").forEach((node) => {
        node.setAttribute("aria-label", this.t(node.dataset.i18nLabel));
      });
      document.querySelectorAll("[data-i18n-title]").forEach((node) => {
        node.setAttribute("title", this.t(node.dataset.i18nTitle));
      });
      document.querySelectorAll(".hm-lang-buttons button").forEach((button) => {
        button.setAttribute("aria-pressed", String(button.dataset.lang === this.lang));
      });
      const zoom = this.map.zoomControl;
      if (zoom) {
        [[zoom._zoomInButton, "zoomIn"], [zoom._zoomOutButton, "zoomOut"]].forEach(([button, key]) => {
          button.title = this.t(key);
          button.setAttribute("aria-label", this.t(key));
        });
      }
      this.map.getContainer().setAttribute("aria-label", this.t("mapLabel"));
    }

    /* ---------- basemap ---------- */

    watchTiles() {
      const notice = document.getElementById("hm-offline");
      let failed = 0;
      this.tiles.on("loading", () => { failed = 0; });
      this.tiles.on("tileerror", () => { failed += 1; notice.hidden = false; });
      this.tiles.on("load", () => { if (!failed) notice.hidden = true; });
      if (navigator.onLine === false) notice.hidden = false;
    }

    /* ---------- start ---------- */

    /* Fit the sites in view, clear of the legend when it is open beside them. */
    fitSites() {
      const legend = this.legend.getContainer();
      const mapWidth = this.map.getSize().x;
      const legendWidth = this.legend.details.open ? legend.offsetWidth : 0;
      const right = legendWidth && legendWidth * 2 < mapWidth ? legendWidth + FIT_PADDING[0] : FIT_PADDING[0];
      this.map.fitBounds(this.data.bounds, {
        paddingTopLeft: [FIT_PADDING[0] + MARKER_SIZE, FIT_PADDING[1]],
        paddingBottomRight: [right, FIT_PADDING[1] + MARKER_SIZE],
        maxZoom: FIT_MAX_ZOOM,
        animate: false,
      });
    }

    start() {
      this.createMarkers();
      this.legend = new LegendControl({ app: this }).addTo(this.map);
      this.fullscreen = new FullscreenControl({ app: this }).addTo(this.map);
      L.control.scale({ imperial: false, position: "bottomleft" }).addTo(this.map);
      this.map.on("popupopen", () => this.onPopupOpen());
      this.map.on("popupclose", () => this.onPopupClose());
      if (this.cluster) this.map.on("moveend", () => this.syncCircles());
      this.watchTiles();
      this.bindList();
      this.bindRegion();
      this.bindSearch();
      this.bindYears();
      this.bindLanguages();
      this.renderTexts();
      this.fitSites();
      this.refresh();
    }
  }

  /* Layers (one checkbox each) and the legend of categories, built from DOM nodes. */
  const LegendControl = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      this.container = L.DomUtil.create("section", "leaflet-control hm-legend");
      L.DomEvent.disableClickPropagation(this.container);
      L.DomEvent.disableScrollPropagation(this.container);
      this.details = el("details");
      this.details.open = this._map.getSize().x >= LEGEND_OPEN_MIN_WIDTH;
      this.container.appendChild(this.details);
      this.render();
      return this.container;
    },
    render: function () {
      const app = this.options.app;
      const summary = el("summary", null, app.t("legend"));
      const layers = el("ul");
      app.data.layers.forEach((layer, index) => layers.appendChild(this.layerItem(app, layer, index)));
      const used = new Set(app.sites.category);
      const categories = el("ul");
      app.data.categories.forEach((category, index) => {
        if (!used.has(index)) return;
        const item = el("li");
        item.appendChild(shapeSvg(index, FALLBACK_COLOR));
        item.appendChild(el("span", null, category.label[app.lang]));
        categories.appendChild(item);
      });
      const note = el("p", "hm-legend-note");
      note.appendChild(el("span", "hm-ring"));
      note.appendChild(el("span", null, app.t("uncertainty")));
      this.details.replaceChildren(summary, el("h3", null, app.t("layers")), layers,
        el("h3", null, app.t("categories")), categories, note);
    },
    layerItem: function (app, layer, index) {
      const item = el("li");
      const label = el("label");
      const box = el("input");
      box.type = "checkbox";
      box.checked = app.layerOn[index];
      box.addEventListener("change", () => {
        app.layerOn[index] = box.checked;
        app.refresh();
      });
      const swatch = el("span", "hm-swatch");
      swatch.style.setProperty("--hm-color", safeColor(layer.color));
      label.append(box, swatch, el("span", null, layer.title[app.lang]));
      item.appendChild(label);
      return item;
    },
  });

  /* Full screen with the Fullscreen API, or a fixed overlay where it is missing. */
  const FullscreenControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      const container = L.DomUtil.create("div", "leaflet-bar leaflet-control hm-fullscreen");
      this.button = el("button");
      this.button.type = "button";
      this.button.appendChild(iconSvg(FULLSCREEN_ICON));
      L.DomEvent.disableClickPropagation(container);
      this.button.addEventListener("click", () => this.toggle());
      document.addEventListener("fullscreenchange", () => this.changed());
      container.appendChild(this.button);
      this.render();
      return container;
    },
    target: function () {
      return document.getElementById("hm-map-wrap");
    },
    active: function () {
      return Boolean(document.fullscreenElement) || this.target().classList.contains("hm-pseudo-fullscreen");
    },
    toggle: function () {
      const target = this.target();
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else if (target.classList.contains("hm-pseudo-fullscreen")) {
        target.classList.remove("hm-pseudo-fullscreen");
        this.changed();
      } else if (target.requestFullscreen && document.fullscreenEnabled) {
        target.requestFullscreen().catch(() => this.pseudo());
      } else {
        this.pseudo();
      }
    },
    pseudo: function () {
      this.target().classList.add("hm-pseudo-fullscreen");
      this.changed();
    },
    changed: function () {
      this._map.invalidateSize();
      this.render();
    },
    render: function () {
      const label = this.options.app.t(this.active() ? "exitFullscreen" : "fullscreen");
      this.button.title = label;
      this.button.setAttribute("aria-label", label);
      this.button.setAttribute("aria-pressed", String(this.active()));
    },
  });

  const BASE64_CHUNK = 1 << 20; // characters of base64 decoded at a time (a multiple of 4)

  /* Bytes of a base64 text, decoded by atob a chunk at a time (no giant binary string). */
  function base64Bytes(text) {
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

  function start(map, tiles, dataId) {
    return readData(document.getElementById(dataId)).then((data) => {
      const app = new HeritageMap(map, tiles, data);
      app.start();
      return app;
    });
  }

  window.HeritageMapper = { start: start, fold: fold };
})();
