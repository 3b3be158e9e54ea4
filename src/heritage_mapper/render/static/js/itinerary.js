/* A tour's figures and its printed itinerary: distances (as <data value="metres">, so
 * the exact geodesic figure stays in the markup), visit times, the leg to a stop (mode,
 * distance, "as the crow flies" when it has no route), the totals, and the itinerary
 * (#hm-itinerary: the numbered stops with their legs, times and notes) that only the
 * print style sheet shows. Used by story.js. */

const ItineraryMethods = {
  distanceText(metres) {
    if (metres < 1000) return this.t("metres", { n: this.number(Math.round(metres)) });
    return this.t("kilometres", { n: this.number((metres / 1000).toFixed(1)) });
  },

  /* A distance as <data value="metres">, so the exact figure stays readable. */
  distanceEl(metres) {
    const node = el("data", "hm-distance", this.distanceText(metres));
    node.value = String(metres);
    return node;
  },

  durationText(minutes) {
    if (minutes < 60) return this.t("minutes", { n: minutes });
    if (minutes % 60 === 0) return this.t("hours", { h: minutes / 60 });
    return this.t("hoursMinutes", { h: Math.floor(minutes / 60), m: minutes % 60 });
  },

  legNodes(leg) {
    const line = el("p", "hm-leg");
    line.append(this.t("mode_" + leg.mode) + ", ", this.distanceEl(leg.distance));
    if (leg.straight) line.append(" (" + this.t("crowFlies") + ")");
    const nodes = [line];
    if (leg.note[this.lang]) nodes.push(this.dataEl("p", "hm-leg-note", leg.note[this.lang]));
    return nodes;
  },

  totalsNodes() {
    const story = this.story;
    const list = el("dl", "hm-tour-totals");
    list.appendChild(el("dt", null, this.t("totalDistance")));
    const total = el("dd");
    total.appendChild(this.distanceEl(story.distance));
    if (story.straightDistance > 0) {
      total.append(" (" + this.t("straightPart", { distance: this.distanceText(story.straightDistance) }) + ")");
    }
    list.appendChild(total);
    list.appendChild(el("dt", null, this.t("visitTime")));
    list.appendChild(el("dd", null, this.durationText(story.visitMinutes)));
    return list;
  },

  /* The printed itinerary: the numbered stops, each with the leg to it, its visit
     time and its note, and the tour's totals. */
  renderItinerary() {
    const box = document.getElementById("hm-itinerary");
    if (!box || this.story.kind !== "tour") return;
    const story = this.story;
    const heading = el("h2", null, this.t("itinerary"));
    heading.id = "hm-itinerary-heading";
    const title = this.dataEl("p", "hm-itinerary-title", story.title[this.lang] || "");
    const list = el("ol", "hm-itinerary-stops");
    story.stops.forEach((stop, k) => {
      const item = el("li", "hm-itinerary-stop");
      item.appendChild(this.dataEl("strong", "hm-itinerary-name", stop.name[this.lang] || ""));
      if (k > 0) item.append(...this.legNodes(story.legs[k - 1]));
      item.appendChild(el("p", "hm-stop-visit", this.t("stopVisit", { time: this.durationText(stop.minutes) })));
      if (stop.note[this.lang]) item.appendChild(this.dataEl("p", "hm-story-text", stop.note[this.lang]));
      list.appendChild(item);
    });
    box.replaceChildren(heading, title, this.totalsNodes(), list);
  },
};
