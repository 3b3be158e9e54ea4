/* The time filter: a "from" and a "to" year, each a typed number and a slider.
 * Years are plain integers, null = open (no limit on that side); render/data.py
 * decides what each date covers (an open end reaches today, an unknown end counts
 * only the known year, a date with no known year counts for the last year alone).
 * An event shows when it overlaps the chosen years, and a site when one of its
 * events does (a site with no events: when its own period does).
 *
 * Typed years apply on Enter (or on leaving the field), clamped to the range; the
 * sliders take arrows (1 year), Page Up/Down (YEARS_PAGE years), Home/End. Both
 * sliders draw the chosen range, never the years left out. The project's eras
 * (data.eras, already within the range) are buttons that set both years. */

const YEARS_DELAY_MS = 60;
const YEARS_PAGE = 10;

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
    const fieldset = document.getElementById("hm-years");
    const ends = ["from", "to"].map((end) => ({
      range: document.getElementById("hm-year-" + end),
      input: document.getElementById("hm-year-" + end + "-input"),
    }));
    if (!this.years || ends.some((end) => !end.range || !end.input)) return;
    const [first, last] = this.data.years;
    const [from, to] = ends;
    let timer = null;
    /* Set the years to [a, b] (clamped; the end that moved wins), then redraw. */
    const apply = (a, b, moved) => {
      a = Math.min(Math.max(a, first), last);
      b = Math.min(Math.max(b, first), last);
      if (a > b) {
        if (moved === from) b = a; else a = b;
      }
      this.years = [a, b];
      from.range.value = from.input.value = String(a);
      to.range.value = to.input.value = String(b);
      from.input.removeAttribute("aria-invalid");
      to.input.removeAttribute("aria-invalid");
      const span = last - first || 1;
      fieldset.style.setProperty("--hm-lo", String((a - first) / span));
      fieldset.style.setProperty("--hm-hi", String((b - first) / span));
      document.getElementById("hm-year-output").textContent = a + " – " + b;
      clearTimeout(timer);
      timer = setTimeout(() => this.refresh(), YEARS_DELAY_MS);
    };
    const moveTo = (end, value) => {
      if (end === from) apply(value, this.years[1], from);
      else apply(this.years[0], value, to);
    };
    this.bindEras((era) => apply(era.years[0], era.years[1], from));
    ends.forEach((end, k) => {
      end.range.addEventListener("input", () => moveTo(end, Number(end.range.value)));
      end.range.addEventListener("keydown", (event) => {
        const step = { PageUp: YEARS_PAGE, PageDown: -YEARS_PAGE }[event.key];
        if (!step) return;
        event.preventDefault(); // the browser's own page step is a tenth of the range
        moveTo(end, this.years[k] + step);
      });
      /* A typed year applies on Enter or on leaving the field; anything but a whole
       * number is refused (marked invalid, the year kept) rather than guessed. */
      const typed = () => {
        const text = end.input.value.trim();
        if (!/^-?\d+$/.test(text)) {
          end.input.setAttribute("aria-invalid", "true");
          return;
        }
        moveTo(end, parseInt(text, 10));
      };
      end.input.addEventListener("change", typed);
      end.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          typed();
          return;
        }
        const step = { PageUp: YEARS_PAGE, PageDown: -YEARS_PAGE }[event.key];
        if (!step) return;
        event.preventDefault();
        moveTo(end, this.years[k] + step);
      });
      end.input.addEventListener("blur", () => {
        if (end.input.getAttribute("aria-invalid") === "true") {
          end.input.value = String(this.years[k]);
          end.input.removeAttribute("aria-invalid");
        }
      });
    });
  },

  /* One button per era; `choose(era)` sets the years to it. */
  bindEras(choose) {
    const box = document.getElementById("hm-eras");
    const eras = this.data.eras || [];
    this.eraButtons = [];
    if (!box || !eras.length) return;
    eras.forEach((era) => {
      const button = el("button", "hm-era");
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", () => choose(era));
      box.appendChild(button);
      this.eraButtons.push(button);
    });
    box.hidden = false;
  },

  /* The era buttons (label in the page language, pressed when the years are the
   * era's) and the note under the control: sites with no known year
   * (data.undated) show for the last year alone, so say so while the range leaves
   * it out. */
  renderYearNote() {
    const note = document.getElementById("hm-year-note");
    if (!note || !this.years) return;
    (this.eraButtons || []).forEach((button, k) => {
      const era = this.data.eras[k];
      button.textContent = era.label[this.lang] || "";
      const pressed = era.years[0] === this.years[0] && era.years[1] === this.years[1];
      button.setAttribute("aria-pressed", String(pressed));
    });
    const last = this.data.years[1];
    const hidden = this.data.undated > 0 && this.years[1] < last;
    note.hidden = !hidden;
    note.textContent = hidden
      ? this.t("yearNote", { n: this.number(this.data.undated), year: last })
      : "";
  },
};
