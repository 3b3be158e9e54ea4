/* The tiles page (render/tiles.py): every site from one PMTiles archive, read tile by
 * tile with HTTP range requests (the vendored `pmtiles` reader), decoded with
 * @mapbox/vector-tile and drawn on canvas tiles with the main pages' symbols
 * (shapes.js). Below data.minZoom the archive holds no site: the page draws the
 * embedded density grid instead. A clicked site opens its popup (DOM text only);
 * the layer and category filters redraw the tiles; search loads one chunk of the
 * index (search-<hex>.json) and flies to the chosen site. Opened from a file, the
 * page cannot make range requests: it says so and shows the density grid only. */

const TILE_PX = 256;
const TILE_MARKER_PX = 18; // drawn symbol size: a little smaller than the main pages' 24
const HIT_PX = 12; // a click this close to a symbol's centre opens it
const SEARCH_LIMIT = 20;
const SEARCH_ZOOM = 16;
const LEGEND_OPEN_MIN_WIDTH = 620; // as legend.js: narrower, the basemap's sources fold (basemap.js)
const DENSITY_STYLE = { stroke: false, fillColor: "#0072B2", interactive: false };

function template(text, values) {
  return String(text).replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));
}

function tileLonLat(z, x, y, fx, fy, extent) {
  const n = Math.pow(2, z);
  const lon = ((x + fx / extent) / n) * 360 - 180;
  const t = Math.PI * (1 - (2 * (y + fy / extent)) / n);
  const lat = (Math.atan(Math.sinh(t)) * 180) / Math.PI;
  return [lon, lat];
}

function chunkName(prefix) {
  const hex = Array.from(new TextEncoder().encode(prefix), (b) => b.toString(16).padStart(2, "0")).join("");
  return "search-" + hex + ".json";
}

class TilesMap {
  constructor(data) {
    this.data = data;
    this.lang = askedLanguage(data) || data.defaultLanguage;
    this.tiles = new Map(); // "z/x/y" of the archive → Promise of decoded features
    this.hiddenLayers = new Set();
    this.hiddenCategories = new Set();
    this.chunks = new Map();
    this.paths = {};
    this.served = ["http:", "https:"].includes(window.location.protocol);
    this.map = L.map("hmt-map", { preferCanvas: true, maxZoom: BASEMAP_MAX_ZOOM, zoomSnap: 1 });
    this.map.fitBounds(data.bounds, { maxZoom: SEARCH_ZOOM });
    // a constant link, 24 px high (WCAG 2.5.8 target size), as on the main pages
    this.map.attributionControl.setPrefix('<a class="hm-leaflet-credit" href="https://leafletjs.com" hreflang="en">Leaflet</a>');
    this.drawBasemap();
    this.drawDensity();
    if (this.served) {
      this.archive = new pmtiles.PMTiles(new URL(data.archive, window.location.href).href);
      this.sites = this.siteLayer().addTo(this.map);
    }
    this.buildLanguages();
    this.buildFilters();
    this.buildSearch();
    this.map.on("click", (event) => this.onClick(event));
    this.map.on("zoomend moveend", () => this.update());
    this.setLanguage(this.lang);
  }

  msg(key) {
    const messages = this.data.messages[this.lang] || {};
    return key in messages ? messages[key] : key;
  }

  t(key) {
    return this.msg(key); // the name basemap.js's SourcesControl calls
  }

  text(labels) {
    return labels[this.lang] || Object.values(labels).find((v) => v) || "";
  }

  /* ---- basemap: the main pages' embedded land and boundaries ---- */
  drawBasemap() {
    const basemap = this.data.basemap;
    if (!basemap) return;
    makePane(this.map, BASEMAP_PANE, 150);
    const renderer = L.canvas({ pane: BASEMAP_PANE, padding: 0.3 });
    const common = { renderer: renderer, pane: BASEMAP_PANE, interactive: false };
    const land = basemap.land.map((rings) => rings.map((ring) => decodeRing(ring, basemap.scale)));
    L.polygon(land, Object.assign({}, common, BASEMAP_STYLE.land)).addTo(this.map);
    const lines = {};
    basemap.boundaries.lines.forEach((line, k) => {
      const kind = basemap.boundaries.kind[k];
      (lines[kind] = lines[kind] || []).push(decodeRing(line, basemap.scale));
    });
    ["province", "national"].forEach((kind) => {
      if (lines[kind]) L.polyline(lines[kind], Object.assign({}, common, BASEMAP_STYLE[kind])).addTo(this.map);
    });
    this.sources = new SourcesControl({ app: this }).addTo(this.map);
  }

  /* ---- density below minZoom ---- */
  drawDensity() {
    const grid = this.data.density;
    const max = Math.max(1, ...grid.count);
    const renderer = L.canvas({ padding: 0.3 });
    this.density = L.layerGroup(
      grid.count.map((count, k) => {
        const share = Math.sqrt(count / max);
        const half = grid.cell / 2;
        return L.rectangle(
          [
            [grid.lat[k] - half, grid.lon[k] - half],
            [grid.lat[k] + half, grid.lon[k] + half],
          ],
          Object.assign({ renderer: renderer, fillOpacity: 0.15 + 0.7 * share }, DENSITY_STYLE)
        );
      })
    );
  }

  /* ---- the sites: one canvas per map tile ---- */
  siteLayer() {
    const app = this;
    const Layer = L.GridLayer.extend({
      createTile(coords, done) {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = TILE_PX;
        if (coords.z < app.data.minZoom) {
          setTimeout(() => done(null, canvas), 0);
          return canvas;
        }
        app.tileFeatures(coords).then(
          (features) => {
            app.drawTile(canvas, coords, features);
            done(null, canvas);
          },
          (error) => done(error, canvas)
        );
        return canvas;
      },
    });
    return new Layer({ pane: "overlayPane", minZoom: 0, maxZoom: BASEMAP_MAX_ZOOM });
  }

  /* The archive tile holding map tile `coords` (its parent past maxZoom). */
  archiveTile(coords) {
    const shift = Math.max(0, coords.z - this.data.maxZoom);
    return { z: coords.z - shift, x: coords.x >> shift, y: coords.y >> shift };
  }

  tileFeatures(coords) {
    const t = this.archiveTile(coords);
    const key = t.z + "/" + t.x + "/" + t.y;
    if (!this.tiles.has(key)) {
      this.tiles.set(key, this.loadTile(t));
    }
    return this.tiles.get(key);
  }

  async loadTile(t) {
    const response = await this.archive.getZxy(t.z, t.x, t.y);
    if (!response || !response.data) return [];
    const tile = new VectorTile(new Pbf(new Uint8Array(response.data)));
    const layer = tile.layers[this.data.layerName];
    if (!layer) return [];
    const features = [];
    for (let i = 0; i < layer.length; i++) {
      const feature = layer.feature(i);
      const point = feature.loadGeometry()[0][0];
      const lonlat = tileLonLat(t.z, t.x, t.y, point.x, point.y, layer.extent);
      features.push({ props: feature.properties, lon: lonlat[0], lat: lonlat[1] });
    }
    return features;
  }

  shown(props) {
    return !this.hiddenLayers.has(props.l) && !this.hiddenCategories.has(props.c);
  }

  symbolPath(category) {
    if (!this.paths[category]) this.paths[category] = new Path2D(categorySymbol(category).path);
    return this.paths[category];
  }

  drawTile(canvas, coords, features) {
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, TILE_PX, TILE_PX);
    const origin = L.point(coords.x * TILE_PX, coords.y * TILE_PX);
    const scale = TILE_MARKER_PX / MARKER_SIZE;
    const half = TILE_MARKER_PX / 2;
    ctx.lineJoin = "round";
    features.forEach((f) => {
      if (!this.shown(f.props)) return;
      const p = this.map.project([f.lat, f.lon], coords.z).subtract(origin);
      if (p.x < -half || p.y < -half || p.x > TILE_PX + half || p.y > TILE_PX + half) return;
      const symbol = categorySymbol(f.props.c);
      const path = this.symbolPath(f.props.c);
      ctx.save();
      ctx.translate(p.x - half, p.y - half);
      ctx.scale(scale, scale);
      ctx.lineWidth = 4.4;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke(path);
      ctx.fillStyle = symbol.color;
      ctx.fill(path, "evenodd");
      ctx.lineWidth = 1.3;
      ctx.strokeStyle = "#1d262c";
      ctx.stroke(path);
      ctx.restore();
    });
    canvas.dataset.sites = String(features.filter((f) => this.shown(f.props)).length);
  }

  /* Features of the loaded archive tiles in view, each site once (tiles overlap by a buffer). */
  async featuresInView() {
    if (!this.sites || this.map.getZoom() < this.data.minZoom) return [];
    const zoom = Math.min(this.map.getZoom(), this.data.maxZoom);
    const bounds = this.map.getBounds();
    const pixels = this.map.getPixelBounds();
    const scale = Math.pow(2, zoom - this.map.getZoom());
    const min = pixels.min.multiplyBy(scale).divideBy(TILE_PX).floor();
    const max = pixels.max.multiplyBy(scale).divideBy(TILE_PX).floor();
    const seen = new Map();
    const lists = [];
    for (let x = min.x; x <= max.x; x++) {
      for (let y = min.y; y <= max.y; y++) lists.push(this.tileFeatures({ z: zoom, x: x, y: y }));
    }
    (await Promise.all(lists)).forEach((features) =>
      features.forEach((f) => {
        if (bounds.contains([f.lat, f.lon])) seen.set(f.props.id, f);
      })
    );
    return Array.from(seen.values());
  }

  async update() {
    // from a file, the density grid is all the page can show, at every zoom
    const zoomedOut = this.map.getZoom() < this.data.minZoom || !this.served;
    if (zoomedOut && !this.map.hasLayer(this.density)) this.density.addTo(this.map);
    if (!zoomedOut && this.map.hasLayer(this.density)) this.map.removeLayer(this.density);
    const status = document.getElementById("hmt-status");
    if (!this.served) {
      status.textContent = template(this.msg("countAll"), { total: this.data.siteCount.toLocaleString(this.lang) });
      return;
    }
    if (zoomedOut) {
      status.textContent = this.msg("tilesZoomIn");
      this.countFilters(null);
      return;
    }
    const features = await this.featuresInView();
    const shown = features.filter((f) => this.shown(f.props));
    status.textContent = template(this.msg("tilesInView"), { shown: shown.length.toLocaleString(this.lang) });
    this.countFilters(features);
  }

  /* ---- popups ---- */
  async onClick(event) {
    if (!this.sites || this.map.getZoom() < this.data.minZoom) return;
    const click = this.map.latLngToContainerPoint(event.latlng);
    let best = null;
    let bestDistance = HIT_PX;
    (await this.featuresInView()).forEach((f) => {
      if (!this.shown(f.props)) return;
      const d = this.map.latLngToContainerPoint([f.lat, f.lon]).distanceTo(click);
      if (d <= bestDistance) {
        best = f;
        bestDistance = d;
      }
    });
    if (best) this.openPopup(best);
  }

  openPopup(f) {
    this.popupSite = f;
    this.popup = L.popup({ maxWidth: 320 }).setLatLng([f.lat, f.lon]).setContent(this.popupContent(f)).openOn(this.map);
    this.popup.on("remove", () => {
      if (this.popupSite === f) this.popupSite = null;
    });
  }

  /* A site's popup: its name, layer, kind, period, place, position and id, as text. */
  popupContent(f) {
    const props = f.props;
    const box = el("div", "hmt-popup");
    box.setAttribute("lang", this.lang);
    box.appendChild(el("h2", "hmt-popup-name", props["n_" + this.lang] || props.id));
    const rows = el("dl", "hmt-popup-rows");
    const add = (label, value) => {
      if (value === undefined || value === null || value === "") return;
      rows.appendChild(el("dt", null, label));
      rows.appendChild(el("dd", null, value));
    };
    const layer = this.data.layers[props.l];
    const category = this.data.categories[props.c];
    add(this.msg("layers"), layer ? this.text(layer.title) : "");
    add(this.msg("categories"), category ? this.text(category.label) : "");
    add(this.msg("period"), props["p_" + this.lang]);
    add(this.msg("adminNow"), props["a_" + this.lang]);
    add(this.msg("position"), f.lat.toFixed(5) + ", " + f.lon.toFixed(5));
    add("ID", props.id);
    box.appendChild(rows);
    return box;
  }

  /* ---- language ---- */
  buildLanguages() {
    const box = document.getElementById("hmt-langs");
    box.setAttribute("role", "group");
    this.data.languages.forEach((lang) => {
      const button = el("button", null, lang.toUpperCase());
      button.type = "button";
      button.dataset.lang = lang;
      button.setAttribute("lang", lang);
      button.addEventListener("click", () => this.setLanguage(lang));
      box.appendChild(button);
    });
  }

  setLanguage(lang) {
    if (!(lang in this.data.messages)) return;
    this.lang = lang;
    document.documentElement.lang = lang;
    keepLanguageInAddress(lang, this.data.defaultLanguage); // text.js
    const title = this.text(this.data.title);
    document.title = title;
    document.querySelector(".hmt-title").textContent = title;
    document.getElementById("hmt-langs").setAttribute("aria-label", this.msg("language"));
    document.querySelectorAll("#hmt-langs button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
    });
    document.querySelector(".hmt-search-label").textContent = this.msg("searchLabel");
    document.getElementById("hmt-query").placeholder = this.msg("searchPlaceholder");
    const notice = document.getElementById("hmt-notice");
    notice.hidden = this.served;
    notice.textContent = this.served ? "" : this.msg("tilesServe");
    this.labelFilters();
    if (this.sources) this.sources.render();
    if (this.popupSite && this.popup && this.map.hasLayer(this.popup)) this.popup.setContent(this.popupContent(this.popupSite));
    if (this.lastQuery !== undefined) this.search(this.lastQuery);
    this.update();
  }

  /* ---- filters: layers and kinds of site, with the counts in view ---- */
  buildFilters() {
    const box = document.getElementById("hmt-filters");
    this.filterInputs = [];
    const group = (kind, items, hidden) => {
      const fieldset = el("fieldset", "hmt-filter-group");
      fieldset.appendChild(el("legend", "hmt-filter-title"));
      fieldset.dataset.kind = kind;
      items.forEach((item, k) => {
        const label = el("label", "hmt-filter");
        const input = el("input");
        input.type = "checkbox";
        input.checked = true;
        input.dataset.kind = kind;
        input.dataset.index = String(k);
        input.addEventListener("change", () => {
          if (input.checked) hidden.delete(k);
          else hidden.add(k);
          if (this.sites) this.sites.redraw();
          this.update();
        });
        label.appendChild(input);
        if (kind === "category") label.appendChild(shapeSvg(k));
        label.appendChild(el("span", "hmt-filter-name"));
        label.appendChild(el("span", "hmt-filter-count"));
        fieldset.appendChild(label);
        this.filterInputs.push({ input: input, label: label, item: item, kind: kind, index: k });
      });
      box.appendChild(fieldset);
    };
    group("layer", this.data.layers, this.hiddenLayers);
    group("category", this.data.categories, this.hiddenCategories);
  }

  labelFilters() {
    document.querySelectorAll(".hmt-filter-group").forEach((fieldset) => {
      fieldset.querySelector("legend").textContent = this.msg(fieldset.dataset.kind === "layer" ? "layers" : "categories");
    });
    this.filterInputs.forEach((f) => {
      f.label.querySelector(".hmt-filter-name").textContent = this.text(f.kind === "layer" ? f.item.title : f.item.label);
    });
  }

  countFilters(features) {
    const counts = { layer: {}, category: {} };
    // a layer counts its sites of the kinds shown, a kind its sites in the layers shown
    (features || []).forEach((f) => {
      if (!this.hiddenCategories.has(f.props.c)) counts.layer[f.props.l] = (counts.layer[f.props.l] || 0) + 1;
      if (!this.hiddenLayers.has(f.props.l)) counts.category[f.props.c] = (counts.category[f.props.c] || 0) + 1;
    });
    this.filterInputs.forEach((f) => {
      const n = counts[f.kind][f.index] || 0;
      f.label.querySelector(".hmt-filter-count").textContent = features ? " (" + n.toLocaleString(this.lang) + ")" : "";
    });
  }

  /* ---- search over the chunked index ---- */
  buildSearch() {
    const input = document.getElementById("hmt-query");
    const list = document.getElementById("hmt-results");
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        this.search(input.value);
      }, 150);
    });
    const results = () => Array.from(list.querySelectorAll(".hmt-result"));
    // from the box: Enter goes to the first result (searched now if the pause after
    // typing has not run out), ArrowDown into the list
    input.addEventListener("keydown", async (event) => {
      if (event.key !== "Enter" && event.key !== "ArrowDown") return;
      event.preventDefault();
      if (event.key === "Enter" && timer !== null) {
        clearTimeout(timer);
        timer = null;
        await this.search(input.value);
      }
      const first = results()[0];
      if (!first) return;
      if (event.key === "Enter") first.click();
      else first.focus();
    });
    // in the list: the arrows move between results, Escape goes back to the box
    list.addEventListener("keydown", (event) => {
      const buttons = results();
      const at = buttons.indexOf(document.activeElement);
      if (at < 0) return;
      let next = null;
      if (event.key === "ArrowDown") next = buttons[Math.min(at + 1, buttons.length - 1)];
      else if (event.key === "ArrowUp") next = at === 0 ? input : buttons[at - 1];
      else if (event.key === "Escape") next = input;
      if (next === null) return;
      event.preventDefault();
      next.focus();
    });
  }

  async chunk(name) {
    if (!this.chunks.has(name)) {
      this.chunks.set(
        name,
        fetch(name).then((response) => (response.ok ? response.json() : []))
      );
    }
    return this.chunks.get(name);
  }

  /* Entries of the index whose folded name starts with `folded`, at most SEARCH_LIMIT
     sites: the chunks are cut by prefix (render/tiles.py), in index order, so the
     chunks whose prefix and the query start one another hold every match, in order. */
  async findNames(folded) {
    const found = [];
    const ids = new Set();
    const prefixes = this.data.searchChunks.filter((p) => p.startsWith(folded) || folded.startsWith(p));
    for (const prefix of prefixes) {
      const entries = await this.chunk(chunkName(prefix));
      let lo = 0;
      let hi = entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (entries[mid][0] < folded) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < entries.length && entries[k][0].startsWith(folded); k++) {
        if (ids.has(entries[k][2])) continue;
        ids.add(entries[k][2]);
        found.push(entries[k]);
        if (found.length >= SEARCH_LIMIT) return found;
      }
    }
    return found;
  }

  async search(query) {
    this.lastQuery = query;
    const list = document.getElementById("hmt-results");
    const folded = fold(query);
    if (!folded) {
      list.replaceChildren();
      return;
    }
    if (Array.from(folded).length < this.data.searchKeyChars) {
      list.replaceChildren(el("li", "hmt-result-note", this.msg("tilesSearchShort")));
      return;
    }
    const found = this.served ? await this.findNames(folded) : [];
    if (query !== this.lastQuery) return;
    list.replaceChildren();
    if (!found.length) list.appendChild(el("li", "hmt-result-note", this.msg("tilesSearchNone")));
    found.forEach((entry) => {
      const item = el("li");
      const button = el("button", "hmt-result", entry[1]);
      // sites of the same name carry their present-day place (render/tiles.py)
      if (entry.length > 5) button.appendChild(el("span", "hmt-result-place", entry[5]));
      button.type = "button";
      button.addEventListener("click", () => this.flyTo(entry[2], entry[3], entry[4]));
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  flyTo(id, lon, lat) {
    document.getElementById("hmt-results").replaceChildren();
    const zoom = Math.max(this.map.getZoom(), SEARCH_ZOOM);
    this.map.once("moveend", async () => {
      const site = (await this.featuresInView()).find((f) => f.props.id === id);
      if (site) this.openPopup(site);
    });
    this.map.flyTo([lat, lon], zoom, { duration: 0.6 });
  }
}

const HeritageTiles = {
  start() {
    const data = JSON.parse(document.getElementById("hmt-data").textContent);
    window.HeritageTiles = { app: new TilesMap(data) };
  },
};
