/* The embedded basemap (data.basemap, render/basemap.py): land and boundaries drawn
 * on one canvas, in a pane under every overlay, from the page's own data: no request.
 * The sea is the map's background colour. Served over http(s), the page also offers
 * OpenStreetMap tiles, off by default; they go in Leaflet's tile pane, above the
 * basemap pane, and a tile that fails stays hidden (Leaflet shows only loaded
 * tiles), so the embedded basemap shows through wherever tiles are missing. */

const BASEMAP_PANE = "hm-basemap"; // z-index 150: under tilePane (200) and every overlay
const LABEL_PANE = "hm-labels"; // z-index 350: over land and tiles, under overlays (400)
const BASEMAP_MAX_ZOOM = 17;
const BASEMAP_STYLE = {
  land: { stroke: true, color: "#a9bcc4", weight: 0.8, fillColor: "#f3efe4", fillOpacity: 1 },
  national: { color: "#6f5f73", weight: 2.6, opacity: 0.9, dashArray: "10 4 2 4", lineCap: "butt" },
  province: { color: "#8c949a", weight: 1.1, opacity: 0.9, dashArray: "5 3" },
  "former-province": { color: "#b0806a", weight: 1.2, opacity: 0.9, dashArray: "2 4" },
};
const TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';

/* One delta-encoded ring or line ([x0, y0, dx, dy, …] in 1/scale degrees) as latlngs. */
function decodeRing(ring, scale) {
  const out = new Array(ring.length / 2);
  let x = 0;
  let y = 0;
  for (let k = 0; k < ring.length; k += 2) {
    x += ring[k];
    y += ring[k + 1];
    out[k / 2] = [y / scale, x / scale];
  }
  return out;
}

function makePane(map, name, zIndex) {
  const pane = map.createPane(name);
  pane.style.zIndex = String(zIndex);
  pane.style.pointerEvents = "none";
  return pane;
}

/* The attribution of the basemap's sources, in the page's language, built from DOM
 * nodes (data text never reaches innerHTML): "text — licence" with a link to the
 * licence; on a narrow map they fold behind a summary. Leaflet's own attribution
 * control keeps the Leaflet credit (and the tiles' credit when they are on) below. */
const SourcesControl = L.Control.extend({
  options: { position: "bottomright" },
  onAdd: function () {
    this.container = L.DomUtil.create("div", "leaflet-control leaflet-control-attribution hm-sources");
    this.render();
    return this.container;
  },
  render: function () {
    const app = this.options.app;
    const nodes = [];
    app.data.basemap.attribution.forEach((source, k) => {
      if (k) nodes.push(" · ");
      const item = el("span");
      item.appendChild(el("bdi", null, source.text[app.lang] || ""));
      if (source.licence) {
        item.append(" — ");
        item.appendChild(source.url ? link(source.url, source.licence) : el("span", null, source.licence));
      }
      nodes.push(item);
    });
    if (app.map.getSize().x >= LEGEND_OPEN_MIN_WIDTH) {
      this.container.replaceChildren(...nodes);
    } else { // a phone: the sources fold behind their heading, as Leaflet's own
      const details = el("details");
      details.append(el("summary", null, app.t("mapSources")), ...nodes);
      this.container.replaceChildren(details);
    }
    this.container.setAttribute("aria-label", app.t("mapSources"));
  },
});

const BasemapMethods = {
  drawBasemap() {
    const basemap = this.data.basemap;
    this.map.setMaxZoom(BASEMAP_MAX_ZOOM);
    this.formerOn = false;
    this.tilesOn = false;
    this.tiles = ["http:", "https:"].includes(window.location.protocol) ? this.onlineTiles() : null;
    if (!basemap) return;
    makePane(this.map, BASEMAP_PANE, 150);
    makePane(this.map, LABEL_PANE, 350);
    const renderer = L.canvas({ pane: BASEMAP_PANE, padding: 0.3 });
    const scale = basemap.scale;
    const common = { renderer: renderer, pane: BASEMAP_PANE, interactive: false };
    const land = basemap.land.map((rings) => rings.map((ring) => decodeRing(ring, scale)));
    L.polygon(land, Object.assign({}, common, BASEMAP_STYLE.land)).addTo(this.map);
    const lines = {};
    basemap.boundaries.lines.forEach((line, k) => {
      const kind = basemap.boundaries.kind[k];
      (lines[kind] = lines[kind] || []).push(decodeRing(line, scale));
    });
    this.boundaries = {};
    ["former-province", "province", "national"].forEach((kind) => {
      if (!lines[kind]) return;
      const style = BASEMAP_STYLE[kind] || BASEMAP_STYLE.province;
      this.boundaries[kind] = L.polyline(lines[kind], Object.assign({}, common, style));
      if (kind !== "former-province") this.boundaries[kind].addTo(this.map);
    });
    this.sources = new SourcesControl({ app: this }).addTo(this.map);
    this.createLabels();
  },

  /* The map stays on the basemap's extent: it cannot be panned off it, nor zoomed
     out further than the zoom at which the extent fills the view. */
  boundMap() {
    const basemap = this.data.basemap;
    if (!basemap || !basemap.bounds) return;
    const bounds = L.latLngBounds(basemap.bounds);
    // out no further than the basemap fills the map, unless the sites need it (a tall
    // header on a short screen): every site must stay reachable when the map resizes
    const fill = () => {
      const fills = this.map.getBoundsZoom(bounds, true);
      const zoom = Math.min(fills, FIT_MAX_ZOOM, this.sitesZoom(), this.storyZoom());
      // not setMinZoom: it zooms in with an animation that ends after (and undoes) the
      // framing done meanwhile; this zooms at once, keeping the centre
      L.setOptions(this.map, { minZoom: zoom });
      this.map.fire("zoomlevelschange");
      if (this.map.getZoom() < zoom) this.map.setZoom(zoom, { animate: false });
    };
    this.mapBounds = bounds; // let go while a popup is open (popup.js, loosenBounds)
    this.map.setMaxBounds(bounds);
    L.setOptions(this.map, { maxBoundsViscosity: 1 });
    fill();
    this.map.on("resize", fill);
  },

  hasFormerBoundaries() {
    return Boolean(this.boundaries && this.boundaries["former-province"]);
  },

  showFormerBoundaries(on) {
    this.formerOn = on;
    const layer = this.boundaries["former-province"];
    if (on) layer.addTo(this.map);
    else layer.remove();
  },

  onlineTiles() {
    return L.tileLayer(TILE_URL, {
      referrerPolicy: "strict-origin-when-cross-origin",
      attribution: TILE_ATTRIBUTION,
      maxZoom: 19,
      crossOrigin: false,
    });
  },

  showTiles(on) {
    this.tilesOn = on;
    if (on) this.tiles.addTo(this.map);
    else this.tiles.remove();
  },
};
