/* Clusters (pages with many sites) and the keyboard on the map's markers.
 *
 * A cluster is drawn by ClusterIcon: a disc whose size and shade grow with its count
 * (CLUSTER_SIZES; the legend explains them), named by what it holds ("132 sites:
 * Temple: 80, Pagoda: 52; press Enter to zoom in") in the page's language. Enter or
 * Space zooms in on it (or spreads it out at the last zoom), and the focus goes to
 * what it became.
 *
 * The map's markers and clusters are ONE Tab stop (roving tabindex, like the list):
 * Tab reaches one of them, the arrow keys move to the nearest one in that direction,
 * Home and End to the first and last in reading order, Enter opens a site or zooms
 * in on a cluster. The list beside the map remains the route to every site. */

// Up to `below` sites: this class and icon size (pixels). The last has no bound.
const CLUSTER_SIZES = [
  { below: 10, className: "hm-cluster-small", size: 34 },
  { below: 100, className: "hm-cluster-medium", size: 40 },
  { below: Infinity, className: "hm-cluster-large", size: 50 },
];
const CLUSTER_KINDS_NAMED = 3; // kinds of site a cluster's name spells out
const MAP_KEYS_ID = "hm-map-keys";
const FOCUSABLE_ON_MAP = ".hm-marker, .hm-cluster";
const KEY_DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

function clusterSize(count) {
  return CLUSTER_SIZES.find((s) => count < s.below);
}

/* A cluster's icon, built with DOM calls; its name is the icon's own option. */
const ClusterIcon = L.DivIcon.extend({
  options: { html: false, className: "hm-cluster", count: 0, text: "", label: "" },
  createIcon: function (oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    div.replaceChildren(el("span", null, this.options.text));
    div.setAttribute("aria-label", this.options.label);
    div.title = this.options.label;
    div.setAttribute("aria-describedby", MAP_KEYS_ID);
    return div;
  },
});

const ClusterMethods = {
  clusterIcon(cluster) {
    const count = cluster.getChildCount();
    const size = clusterSize(count);
    return new ClusterIcon({
      className: "hm-cluster " + size.className,
      iconSize: [size.size, size.size],
      count: count,
      text: this.number(count),
      label: this.clusterName(cluster),
    });
  },

  /* "132 sites: Temple: 80, Pagoda: 52, 3 others; press Enter to zoom in". */
  clusterName(cluster) {
    const counts = new Map();
    cluster.getAllChildMarkers().forEach((marker) => {
      const category = this.sites.category[marker.options.hmSite];
      counts.set(category, (counts.get(category) || 0) + 1);
    });
    const kinds = Array.from(counts).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const parts = kinds.slice(0, CLUSTER_KINDS_NAMED).map(([category, n]) => {
      const known = this.data.categories[category];
      return this.t("clusterKind", { kind: known ? known.label[this.lang] : this.t("unknown"), count: this.number(n) });
    });
    const rest = kinds.slice(CLUSTER_KINDS_NAMED).reduce((sum, [, n]) => sum + n, 0);
    if (rest) parts.push(this.t("clusterOthers", { count: this.number(rest) }));
    const atEnd = this.map.getZoom() >= this.map.getMaxZoom();
    return this.t(atEnd ? "clusterNameSpread" : "clusterName", {
      count: this.number(cluster.getChildCount()),
      kinds: parts.join(this.t("listSeparator")),
    });
  },

  /* Centre the map on site i, without animation, at the lowest zoom from `zoom` on at
     which its marker stands alone, or at the last zoom (where opening its popup spreads
     its cluster out). The first guess is the zoom at which its nearest neighbour on the
     map is more than CLUSTER_RADIUS pixels away; markercluster groups markers greedily
     (a marker joins a cluster whose centre is near enough), so the guess is checked and
     the map zoomed in further while the marker is still inside a cluster. */
  zoomToSite(i, zoom) {
    const marker = this.markers[i];
    const last = this.map.getMaxZoom();
    let z = Math.min(last, Math.max(zoom, this.aloneZoom(i)));
    this.map.setView(marker.getLatLng(), z, { animate: false });
    while (z < last && this.group.getVisibleParent(marker) !== marker) {
      z += 1;
      this.map.setView(marker.getLatLng(), z, { animate: false });
    }
  },

  /* The lowest zoom at which no other marker on the map is within CLUSTER_RADIUS
     pixels of site i's (Infinity when one stands at the same place). */
  aloneZoom(i) {
    const world = this.worldPoints();
    const x = world.x[i];
    const y = world.y[i];
    let nearest = Infinity; // squared, in pixels at zoom 0
    for (let k = 0; k < this.count; k++) {
      if (k === i || !this.onMap[k]) continue;
      const d = (world.x[k] - x) ** 2 + (world.y[k] - y) ** 2;
      if (d < nearest) nearest = d;
    }
    if (nearest === 0) return Infinity;
    // pixels double with each zoom: apart by more than the radius from this zoom on
    return Math.floor(Math.log2(CLUSTER_RADIUS / Math.sqrt(nearest))) + 1;
  },

  /* Every site's position in the map's pixels at zoom 0, computed once. */
  worldPoints() {
    if (!this.world) {
      const x = new Float64Array(this.count);
      const y = new Float64Array(this.count);
      for (let k = 0; k < this.count; k++) {
        const p = this.map.project([this.sites.lat[k], this.sites.lon[k]], 0);
        x[k] = p.x;
        y[k] = p.y;
      }
      this.world = { x: x, y: y };
    }
    return this.world;
  },

  /* Enter or Space on a cluster: zoom in on it, or spread it out at the last zoom; the
     focus then goes to the marker or cluster nearest to where it was. */
  openCluster(cluster) {
    const map = this.map;
    this.focusAfter = cluster.getLatLng();
    if (map.getZoom() >= map.getMaxZoom()) {
      cluster.spiderfy();
      return;
    }
    cluster.zoomToBounds({ padding: [MARKER_SIZE * 2, MARKER_SIZE * 2] });
  },

  bindMapKeys() {
    const pane = this.map.getPane("markerPane");
    const keys = el("p", "hm-visually-hidden");
    keys.id = MAP_KEYS_ID;
    this.map.getContainer().appendChild(keys);
    this.renderMapKeys();
    new MutationObserver(() => this.syncMapKeys()).observe(pane, { childList: true });
    this.map.on("moveend zoomend", () => this.syncMapKeys());
    if (this.cluster) {
      this.group.on("clusterkeypress", (event) => {
        const key = event.originalEvent.key;
        if (key !== "Enter" && key !== " ") return;
        event.originalEvent.preventDefault();
        this.openCluster(event.layer);
      });
      this.group.on("animationend", () => this.focusAfterZoom());
      this.group.on("spiderfied", (event) => {
        this.focusAfter = null;
        const first = event.markers[0] && event.markers[0].getElement();
        if (first) this.focusOnMap(first);
      });
    }
    pane.addEventListener("keydown", (event) => this.mapKey(event));
    pane.addEventListener("focusin", (event) => {
      const node = event.target.closest(FOCUSABLE_ON_MAP);
      if (node) this.focusOnMap(node, true);
    });
  },

  renderMapKeys() {
    const keys = document.getElementById(MAP_KEYS_ID);
    if (keys) keys.textContent = this.t("mapKeys");
    if (this.cluster && this.group.refreshClusters) this.group.refreshClusters();
  },

  /* The markers and clusters inside the visible map, in reading order. */
  mapTargets() {
    const view = this.map.getContainer().getBoundingClientRect();
    const pane = this.map.getPane("markerPane");
    return Array.from(pane.querySelectorAll(FOCUSABLE_ON_MAP))
      .map((node) => {
        const box = node.getBoundingClientRect();
        return { node: node, x: box.left + box.width / 2 - view.left, y: box.top + box.height / 2 - view.top };
      })
      .filter((t) => t.x >= 0 && t.y >= 0 && t.x <= view.width && t.y <= view.height)
      .sort((a, b) => a.y - b.y || a.x - b.x);
  },

  /* Exactly one marker or cluster on the map is a Tab stop: the last one focused if it
     is still in view, else the first in reading order. */
  syncMapKeys() {
    const pane = this.map.getPane("markerPane");
    const nodes = pane.querySelectorAll(FOCUSABLE_ON_MAP);
    nodes.forEach((node) => {
      node.tabIndex = -1;
      node.setAttribute("aria-describedby", MAP_KEYS_ID);
    });
    const targets = this.mapTargets();
    const keep = targets.find((t) => t.node === this.mapFocus);
    const stop = keep || targets[0];
    if (stop) stop.node.tabIndex = 0;
    else if (nodes.length) nodes[0].tabIndex = 0;
  },

  focusOnMap(node, already) {
    this.map.getPane("markerPane").querySelectorAll(FOCUSABLE_ON_MAP).forEach((n) => { n.tabIndex = -1; });
    node.tabIndex = 0;
    this.mapFocus = node;
    if (!already) node.focus({ preventScroll: true });
  },

  focusAfterZoom() {
    if (!this.focusAfter) return;
    const at = this.map.latLngToContainerPoint(this.focusAfter);
    this.focusAfter = null;
    const targets = this.mapTargets();
    if (!targets.length) return;
    const distance = (t) => Math.hypot(t.x - at.x, t.y - at.y);
    const nearest = targets.reduce((best, t) => (distance(t) < distance(best) ? t : best));
    this.focusOnMap(nearest.node);
  },

  /* Arrow keys: the nearest target in that direction (within 45 degrees of it, else
     anywhere on that side); Home and End: the first and last in reading order. */
  mapKey(event) {
    const node = event.target.closest(FOCUSABLE_ON_MAP);
    if (!node) return;
    const targets = this.mapTargets();
    let next = null;
    if (event.key === "Home" || event.key === "End") {
      next = targets[event.key === "Home" ? 0 : targets.length - 1];
    } else if (event.key in KEY_DIRECTIONS) {
      const here = targets.find((t) => t.node === node);
      if (!here) return;
      const [dx, dy] = KEY_DIRECTIONS[event.key];
      const score = (t) => {
        const along = (t.x - here.x) * dx + (t.y - here.y) * dy;
        const across = Math.abs((t.x - here.x) * dy - (t.y - here.y) * dx);
        if (along <= 0) return Infinity;
        return along + across * (across > along ? 4 : 2);
      };
      next = targets.reduce((best, t) => (best === null || score(t) < score(best) ? t : best), null);
      if (next && score(next) === Infinity) next = null;
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (next) this.focusOnMap(next.node);
  },
};
