/* The legend control: layers (one checkbox each), the kinds of site (each its symbol),
 * how to read the map (uncertainty rings; spread markers or clusters) and the basemap
 * options (former boundaries; online tiles when served over http(s)), built from DOM
 * nodes. Open from the start only when the map is large enough to keep most of it
 * clear; never taller than the map leaves between its top and the bottom-right
 * controls (it scrolls instead), so it covers no other control. */

const LEGEND_OPEN_MIN_WIDTH = 620;
const LEGEND_OPEN_MIN_HEIGHT = 520;
const LEGEND_GAP = 10; // pixels kept between the legend and the controls under it
const LEGEND_MIN_HEIGHT = 44; // the closed legend's height: never squeezed below it
const CLUSTER_SAMPLES = [["clusterSmall", 5], ["clusterMedium", 50], ["clusterLarge", 500]];

const LegendControl = L.Control.extend({
  options: { position: "topright" },
  onAdd: function (map) {
    this.container = L.DomUtil.create("section", "leaflet-control hm-legend");
    L.DomEvent.disableClickPropagation(this.container);
    L.DomEvent.disableScrollPropagation(this.container);
    this.details = el("details");
    const size = map.getSize();
    this.details.open = size.x >= LEGEND_OPEN_MIN_WIDTH && size.y >= LEGEND_OPEN_MIN_HEIGHT;
    this.details.addEventListener("toggle", () => {
      this.fit();
      this.options.app.placeLabels(); // labels clear of it
    });
    this.container.appendChild(this.details);
    map.on("resize", () => this.fit());
    this.render();
    return this.container;
  },
  addTo: function (map) {
    L.Control.prototype.addTo.call(this, map);
    this.fit();
    return this;
  },
  isOpen: function () {
    return this.details.open;
  },
  /* At most as tall as the space above the bottom-right controls; it scrolls beyond. */
  fit: function () {
    const map = this.options.app.map;
    const top = this.container.getBoundingClientRect().top;
    let floor = map.getContainer().getBoundingClientRect().bottom;
    const corner = map.getContainer().querySelector(".leaflet-control-container .leaflet-bottom.leaflet-right");
    if (corner) {
      Array.from(corner.children).forEach((control) => {
        const box = control.getBoundingClientRect();
        if (box.height) floor = Math.min(floor, box.top);
      });
    }
    this.container.style.maxHeight = Math.max(LEGEND_MIN_HEIGHT, Math.floor(floor - top - LEGEND_GAP)) + "px";
  },
  render: function () {
    const app = this.options.app;
    const summary = el("summary", null, app.t("legend"));
    const layers = el("ul");
    app.data.layers.forEach((layer, index) => layers.appendChild(this.layerItem(app, layer, index)));
    const used = new Set(app.sites.category);
    const categories = el("ul", "hm-legend-kinds");
    app.data.categories.forEach((category, index) => {
      if (!used.has(index)) return;
      const item = el("li");
      item.appendChild(shapeSvg(index));
      item.appendChild(el("span", null, category.label[app.lang]));
      categories.appendChild(item);
    });
    if (used.has(-1)) {
      const item = el("li");
      item.append(shapeSvg(-1), el("span", null, app.t("unknown")));
      categories.appendChild(item);
    }
    const notes = el("ul", "hm-legend-notes");
    notes.appendChild(this.noteItem(el("span", "hm-ring"), app.t("uncertainty")));
    if (!app.cluster) notes.appendChild(this.noteItem(el("span", "hm-leader-sample"), app.t("spreadNote")));
    this.details.replaceChildren(summary, el("h3", null, app.t("layers")), layers,
      el("h3", null, app.t("categories")), categories, notes);
    if (app.cluster) this.details.append(...this.clusterPart(app));
    const basemap = el("ul", "hm-legend-basemap");
    if (app.hasFormerBoundaries()) {
      basemap.appendChild(this.toggleItem(app.t("formerBoundaries"), app.formerOn, (on) => app.showFormerBoundaries(on)));
    }
    if (app.tiles) basemap.appendChild(this.toggleItem(app.t("onlineTiles"), app.tilesOn, (on) => app.showTiles(on)));
    if (basemap.children.length) this.details.append(el("h3", null, app.t("basemap")), basemap);
  },
  /* What a cluster's number, size and shade mean (pages with clusters only). */
  clusterPart: function (app) {
    const list = el("ul", "hm-legend-clusters");
    CLUSTER_SAMPLES.forEach(([key, count]) => {
      const size = clusterSize(count);
      const disc = el("span", "hm-cluster-sample " + size.className, app.number(count));
      disc.setAttribute("aria-hidden", "true");
      const item = el("li");
      item.append(disc, el("span", null, app.t(key)));
      list.appendChild(item);
    });
    return [el("h3", null, app.t("clusters")), el("p", "hm-legend-help", app.t("clusterHelp")), list];
  },
  noteItem: function (sample, text) {
    const item = el("li");
    item.append(sample, el("span", null, text));
    return item;
  },
  toggleItem: function (text, checked, change) {
    const item = el("li");
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.autocomplete = "off"; // Back would restore the box but not the map (see page.html)
    box.checked = checked;
    box.addEventListener("change", () => change(box.checked));
    label.append(box, el("span", null, text));
    item.appendChild(label);
    return item;
  },
  layerItem: function (app, layer, index) {
    const item = el("li");
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.autocomplete = "off"; // Back would restore the box but not the map (see page.html)
    box.checked = app.layerOn[index];
    box.addEventListener("change", () => {
      app.layerOn[index] = box.checked;
      app.refresh();
    });
    label.append(box, el("span", null, layer.title[app.lang]));
    item.appendChild(label);
    return item;
  },
});
