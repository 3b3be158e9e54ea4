/* The legend control: layers (one checkbox each), the kinds of site and the basemap
 * options (former boundaries; online tiles when served over http(s)), built from DOM
 * nodes. Open from the start when the map is wide enough. */

const LEGEND_OPEN_MIN_WIDTH = 620;

const LegendControl = L.Control.extend({
  options: { position: "topright" },
  onAdd: function (map) {
    this.container = L.DomUtil.create("section", "leaflet-control hm-legend");
    L.DomEvent.disableClickPropagation(this.container);
    L.DomEvent.disableScrollPropagation(this.container);
    this.details = el("details");
    this.details.open = map.getSize().x >= LEGEND_OPEN_MIN_WIDTH;
    this.details.addEventListener("toggle", () => this.options.app.placeLabels()); // labels clear of it
    this.container.appendChild(this.details);
    this.render();
    return this.container;
  },
  isOpen: function () {
    return this.details.open;
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
    const basemap = el("ul", "hm-legend-basemap");
    if (app.hasFormerBoundaries()) {
      basemap.appendChild(this.toggleItem(app.t("formerBoundaries"), app.formerOn, (on) => app.showFormerBoundaries(on)));
    }
    if (app.tiles) basemap.appendChild(this.toggleItem(app.t("onlineTiles"), app.tilesOn, (on) => app.showTiles(on)));
    if (basemap.children.length) this.details.append(el("h3", null, app.t("basemap")), basemap);
  },
  toggleItem: function (text, checked, change) {
    const item = el("li");
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
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
