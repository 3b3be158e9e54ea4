/* A tour's route on its story page (story.js): the legs (a leg with no route along it
 * dashed, and labelled "as the crow flies" where it is long enough on screen to hold
 * the label between its stops) and the numbered stops. */

const STORY_ROUTE_STYLE = { color: "#8a2b3d", weight: 4, opacity: 0.9, interactive: false };
const STOP_SIZE = 22; // a stop's numbered disc, px
const LEG_LABEL_WIDTH = 120; // a leg label's width until it is measured, px
const LEG_LABEL_MARGIN = 6; // px between a leg label and each of its stops

const RouteMethods = {
  drawRoute() {
    const story = this.story;
    story.legs.forEach((leg) => {
      const style = leg.straight ? { ...STORY_ROUTE_STYLE, dashArray: "8 8" } : STORY_ROUTE_STYLE;
      const line = L.polyline(leg.coordinates, style).addTo(this.storyLayer);
      if (leg.straight) {
        line.bindTooltip(this.t("crowFlies"), { permanent: true, direction: "center", className: "hm-leg-label" });
      }
      this.legLines.push(line);
    });
    this.map.on("zoomend", () => this.fitLegLabels());
    story.stops.forEach((stop, k) => {
      const icon = L.divIcon({ className: "hm-stop-number", html: "", iconSize: [STOP_SIZE, STOP_SIZE] });
      const marker = L.marker([stop.lat, stop.lon], { icon: icon, interactive: false, keyboard: false, zIndexOffset: 1000 }).addTo(this.storyLayer);
      const node = marker.getElement();
      if (node) {
        node.textContent = String(k + 1);
        node.setAttribute("aria-hidden", "true");
      }
    });
  },

  /* A leg's "as the crow flies" label shows only where the leg, as drawn at this zoom,
     is long enough to hold it between its two stops: on a short leg it covered the
     next stop's number and the place names around (it shows again zoomed in; the
     itinerary says the same in words). */
  fitLegLabels() {
    this.legLines.forEach((line) => {
      const tooltip = line.getTooltip();
      if (!tooltip) return;
      const points = line.getLatLngs();
      const a = this.map.latLngToLayerPoint(points[0]);
      const b = this.map.latLngToLayerPoint(points[points.length - 1]);
      const node = tooltip.getElement();
      if (node && line.isTooltipOpen()) line.labelWidth = node.offsetWidth;
      const room = a.distanceTo(b) - STOP_SIZE - 2 * LEG_LABEL_MARGIN;
      const fits = room >= (line.labelWidth || LEG_LABEL_WIDTH);
      if (fits && !line.isTooltipOpen()) line.openTooltip();
      else if (!fits && line.isTooltipOpen()) line.closeTooltip();
    });
  },

  /* The leg labels in the page's language (another width: measured again when shown). */
  renameLegLabels() {
    this.legLines.forEach((line) => {
      if (!line.getTooltip()) return;
      line.setTooltipContent(this.t("crowFlies"));
      line.labelWidth = 0;
    });
    this.fitLegLabels();
  },
};
