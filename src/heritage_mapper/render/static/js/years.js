/* The time filter: two year sliders. Years are plain integers, null = open; an
 * event shows when it overlaps the chosen years, and a site when one of its events
 * does (a site with no events: when its own period does). */

const YEARS_DELAY_MS = 60;

const YearMethods = {
  overlaps(start, end) {
    if (!this.years) return true;
    const [from, to] = this.years;
    return (start === null || start <= to) && (end === null || end >= from);
  },

  eventShown(e) {
    return this.overlaps(this.events.start[e], this.events.end[e]);
  },

  inYears(i) {
    const ids = this.sites.events[i];
    if (!ids.length) return this.overlaps(this.sites.start[i], this.sites.end[i]);
    return ids.some((e) => this.eventShown(e));
  },

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
  },
};
