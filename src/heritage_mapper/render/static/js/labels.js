/* The basemap's labels: places (towns) and areas (provinces), as text with a halo in
 * their own pane, over land and under the sites, never catching a click. After each
 * move or zoom the labels are chosen again: places by rank (0 = most populous) up to
 * a limit that grows with the zoom, areas only at low zooms. A label goes centred on
 * its point, or else just above, below, right or left of it, wholly inside the map,
 * where its box overlaps no site marker, no control and no label already placed;
 * otherwise it is left out (greedy, in priority order). A page with clustered
 * markers (many sites) does not count markers as obstacles. */

const LABEL_GAP = 3; // pixels kept clear around each label
const AREA_MAX_ZOOM = 10; // area (province) names show up to this zoom
const MAJOR_PLACE_RANK = 4;
const MAX_OBSTACLES = 500; // site markers counted as obstacles, at most

/* How many places (by rank) may show at a zoom. */
function placeLimit(zoom) {
  if (zoom <= 8) return 6;
  if (zoom <= 9) return 14;
  if (zoom <= 10) return 26;
  if (zoom <= 11) return 45;
  return Infinity;
}

function labelMarker(latlng, className, text) {
  const span = el("span", null, text);
  const icon = L.divIcon({ className: "hm-label " + className, html: span, iconSize: null });
  return L.marker(latlng, { icon: icon, pane: LABEL_PANE, interactive: false, keyboard: false });
}

const LabelMethods = {
  createLabels() {
    const places = this.data.basemap.places;
    const areas = this.data.basemap.areas;
    this.labels = [];
    places.label.forEach((text, k) => {
      const rank = places.rank[k];
      const className = rank < MAJOR_PLACE_RANK ? "hm-place hm-place-major" : "hm-place";
      this.labels.push({ kind: "place", rank: rank, marker: labelMarker([places.lat[k], places.lon[k]], className, text) });
    });
    areas.name.forEach((text, k) => {
      this.labels.push({ kind: "area", rank: k, marker: labelMarker([areas.lat[k], areas.lon[k]], "hm-area", text) });
    });
    this.labels.forEach((label) => { label.size = null; });
    this.map.on("zoomend moveend resize", () => this.placeLabels());
  },

  /* The labels wanted at this zoom, most important first. */
  labelCandidates(zoom) {
    const limit = placeLimit(zoom);
    const places = this.labels.filter((l) => l.kind === "place" && l.rank < limit).sort((a, b) => a.rank - b.rank);
    const areas = zoom <= AREA_MAX_ZOOM ? this.labels.filter((l) => l.kind === "area") : [];
    return zoom <= 9 ? areas.concat(places) : places.concat(areas);
  },

  /* A label's size in pixels, measured once when it is first on the map. */
  labelSize(label) {
    if (!label.size) {
      const span = label.marker.getElement().firstChild;
      label.size = [span.offsetWidth, span.offsetHeight];
    }
    return label.size;
  },

  /* Boxes of the site markers on the map, in container pixels. */
  markerBoxes(view) {
    const boxes = [];
    if (this.cluster) return boxes;
    const half = MARKER_SIZE / 2;
    for (let i = 0; i < this.count && boxes.length < MAX_OBSTACLES; i++) {
      if (!this.shown[i]) continue;
      const p = this.map.latLngToContainerPoint(this.markers[i].getLatLng());
      if (p.x < -half || p.y < -half || p.x > view.x + half || p.y > view.y + half) continue;
      boxes.push([p.x - half, p.y - half, p.x + half, p.y + half]);
    }
    return boxes;
  },

  /* Boxes of the map's controls (zoom, legend, sources…), in container pixels. */
  controlBoxes() {
    const container = this.map.getContainer();
    const origin = container.getBoundingClientRect();
    return Array.from(container.querySelectorAll(".leaflet-control")).map((node) => {
      const r = node.getBoundingClientRect();
      return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top];
    });
  },

  placeLabels() {
    if (!this.labels) return;
    const zoom = this.map.getZoom();
    const view = this.map.getSize();
    const placed = this.markerBoxes(view).concat(this.controlBoxes());
    const keep = new Set();
    const overlaps = (box) => placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]);
    this.labelCandidates(zoom).forEach((label) => {
      const point = this.map.latLngToContainerPoint(label.marker.getLatLng());
      if (point.x < -100 || point.y < -50 || point.x > view.x + 100 || point.y > view.y + 50) return;
      if (!this.map.hasLayer(label.marker)) label.marker.addTo(this.map);
      const [w, h] = this.labelSize(label);
      const dy = h / 2 + MARKER_SIZE * 0.8;
      const dx = w / 2 + MARKER_SIZE;
      const boxAt = ([x, y]) => [point.x + x - w / 2 - LABEL_GAP, point.y + y - h / 2 - LABEL_GAP,
        point.x + x + w / 2 + LABEL_GAP, point.y + y + h / 2 + LABEL_GAP];
      const inside = (b) => b[0] >= 0 && b[1] >= 0 && b[2] <= view.x && b[3] <= view.y;
      const spot = [[0, 0], [0, -dy], [0, dy], [dx, 0], [-dx, 0]].find((at) => inside(boxAt(at)) && !overlaps(boxAt(at)));
      if (spot === undefined) return;
      placed.push(boxAt(spot));
      const span = label.marker.getElement().firstChild;
      span.style.marginLeft = spot[0] + "px";
      span.style.marginTop = spot[1] + "px";
      keep.add(label);
    });
    this.labels.forEach((label) => {
      if (!keep.has(label) && this.map.hasLayer(label.marker)) label.marker.remove();
    });
    this.labelsShown = keep.size;
  },
};
