/* Overlapping markers spread apart, on pages drawn without clusters. At each zoom, the
 * shown sites whose icons would overlap form groups; each group is laid out around
 * its centre (a ring up to SPREAD_RING_MAX markers, a hexagonal patch beyond), the
 * groups that then touch are merged and laid out again, until no two icons overlap.
 * A spread marker keeps a thin leader line to a dot at its true position, and its
 * uncertainty circle stays there. The layout is deterministic (site order, no
 * randomness) and is recomputed on every zoom and every change of the shown sites. */

const SPREAD_GAP = 4; // pixels kept between two spread icons
const SPREAD_RING_MAX = 8; // a group this large or smaller goes on a ring
const SPREAD_MIN_RADIUS = 22; // pixels from a ring's centre: leader lines long enough to see
const SPREAD_ROUNDS = 8; // merge-and-lay-out rounds at most
const LEADER_MIN_PX = 2; // a marker moved less than this gets no leader line
const LEADER_STYLE = { color: "#1d262c", weight: 1.5, opacity: 0.85, interactive: false, className: "hm-leader" };
const LEADER_DOT = { radius: 3, color: "#ffffff", weight: 1.5, fillColor: "#1d262c", fillOpacity: 1, interactive: false, className: "hm-leader" };

/* Union-find over 0..n-1, with path halving. */
function unionFind(n) {
  const parent = Array.from({ length: n }, (_, k) => k);
  const find = (k) => {
    while (parent[k] !== k) {
      parent[k] = parent[parent[k]];
      k = parent[k];
    }
    return k;
  };
  const union = (a, b) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return false;
    parent[Math.max(ra, rb)] = Math.min(ra, rb);
    return true;
  };
  return { find, union };
}

/* Pairs of points closer than `distance`, found through a grid of that cell size. */
function closePairs(points, distance) {
  const cells = new Map();
  const key = (x, y) => x + "," + y;
  points.forEach(([x, y], k) => {
    const cell = key(Math.floor(x / distance), Math.floor(y / distance));
    if (!cells.has(cell)) cells.set(cell, []);
    cells.get(cell).push(k);
  });
  const pairs = [];
  points.forEach(([x, y], a) => {
    const cx = Math.floor(x / distance);
    const cy = Math.floor(y / distance);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        (cells.get(key(cx + dx, cy + dy)) || []).forEach((b) => {
          if (b > a && Math.hypot(points[b][0] - x, points[b][1] - y) < distance) pairs.push([a, b]);
        });
      }
    }
  });
  return pairs;
}

/* Slots for n markers around (0, 0), `distance` apart: a ring, or a hexagonal patch. */
function spreadSlots(n, distance) {
  if (n <= SPREAD_RING_MAX) {
    const radius = Math.max(SPREAD_MIN_RADIUS, distance / (2 * Math.sin(Math.PI / n)));
    return Array.from({ length: n }, (_, k) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * k) / n;
      return [radius * Math.cos(angle), radius * Math.sin(angle)];
    });
  }
  const slots = [];
  const reach = Math.ceil(Math.sqrt(n)) + 1;
  for (let row = -reach; row <= reach; row++) {
    for (let col = -reach; col <= reach; col++) {
      slots.push([(col + (row % 2 ? 0.5 : 0)) * distance, row * distance * Math.sqrt(3) / 2]);
    }
  }
  const rank = ([x, y]) => [Math.round(Math.hypot(x, y) * 1000), Math.atan2(y, x)];
  slots.sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1]);
  return slots.slice(0, n);
}

/* Where each member of a group goes: the slots around the group's centre, each member
   taking, in turn, the free slot nearest its own point (ring: in angular order). */
function layOutGroup(members, points, distance, out) {
  const cx = members.reduce((sum, k) => sum + points[k][0], 0) / members.length;
  const cy = members.reduce((sum, k) => sum + points[k][1], 0) / members.length;
  const slots = spreadSlots(members.length, distance);
  if (members.length <= SPREAD_RING_MAX) {
    const angle = (k) => Math.atan2(points[k][1] - cy, points[k][0] - cx);
    const ordered = members.slice().sort((a, b) => angle(a) - angle(b) || a - b);
    // turn the ring so the first member's slot lies in its own direction
    const first = ordered[0];
    const still = points[first][0] === cx && points[first][1] === cy;
    const turn = still ? 0 : angle(first) + Math.PI / 2;
    ordered.forEach((k, s) => {
      const [x, y] = slots[s];
      out[k] = [cx + x * Math.cos(turn) - y * Math.sin(turn), cy + x * Math.sin(turn) + y * Math.cos(turn)];
    });
    return;
  }
  const free = slots.map(() => true);
  members.forEach((k) => {
    let best = -1;
    let bestDistance = Infinity;
    slots.forEach(([x, y], s) => {
      const d = Math.hypot(cx + x - points[k][0], cy + y - points[k][1]);
      if (free[s] && d < bestDistance) {
        best = s;
        bestDistance = d;
      }
    });
    free[best] = false;
    out[k] = [cx + slots[best][0], cy + slots[best][1]];
  });
}

/* Positions for `points` (pixels) such that no two are closer than `distance`. */
function spreadPoints(points, distance) {
  const out = points.map((p) => p.slice());
  const sets = unionFind(points.length);
  for (let round = 0; round < SPREAD_ROUNDS; round++) {
    let merged = false;
    closePairs(out, distance - 1e-6).forEach(([a, b]) => {
      if (sets.union(a, b)) merged = true;
    });
    if (!merged) break;
    const groups = new Map();
    points.forEach((_, k) => {
      const root = sets.find(k);
      if (!groups.has(root)) groups.set(root, []);
      groups.get(root).push(k);
    });
    groups.forEach((members) => {
      if (members.length > 1) layOutGroup(members, points, distance, out);
    });
  }
  return out;
}

const SpreadMethods = {
  /* Lay the shown markers out at the current zoom (no-op on clustered pages). */
  spreadMarkers() {
    if (this.cluster || !this.map.getZoom) return;
    const zoom = this.map.getZoom();
    const shown = [];
    for (let i = 0; i < this.count; i++) if (this.shown[i]) shown.push(i);
    const truth = shown.map((i) => L.latLng(this.sites.lat[i], this.sites.lon[i]));
    const points = truth.map((latlng) => {
      const p = this.map.project(latlng, zoom);
      return [p.x, p.y];
    });
    const placed = spreadPoints(points, MARKER_SIZE + SPREAD_GAP);
    this.leaders.clearLayers();
    shown.forEach((i, k) => {
      const moved = Math.hypot(placed[k][0] - points[k][0], placed[k][1] - points[k][1]) >= LEADER_MIN_PX;
      const at = moved ? this.map.unproject(L.point(placed[k][0], placed[k][1]), zoom) : truth[k];
      this.markers[i].setLatLng(at);
      if (moved) {
        this.leaders.addLayer(L.polyline([truth[k], at], LEADER_STYLE));
        this.leaders.addLayer(L.circleMarker(truth[k], LEADER_DOT));
      }
    });
    if (this.openIndex >= 0 && this.shown[this.openIndex]) {
      this.popup.setLatLng(this.markers[this.openIndex].getLatLng());
    }
  },
};
