// Non-blocking notices (refusals, stale versions, confirmations) in one live region. A notice of
// something undo takes back carries an Undo button of its own (undoable: the console's Undo
// button's copy, undo.js offer), for a moderator whose Undo button is scrolled away or who has no
// U key. A press on a notice's Undo or × takes it away and the notices above it slide down: a
// double tap's second tap would land on the next one's (presses.js guardRows).

import "../i18n/staff.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { guardRows } from "./presses.js";

const LIFETIME_MS = { info: 6000, warning: 12000, error: 15000 };
const KEEP = 4;

export class Notices {
  constructor(region) {
    this.region = region;
    this.undoButton = null; // () => a new copy of the console's Undo button (setUndo)
  }

  /** `make()` gives a new copy of the console's Undo button (undo.js offer): the console's
   * notices offer it (the organiser's desk, which shows its notices here too, has no undo). */
  setUndo(make) {
    if (!this.undoButton) guardRows(this.region, ".notice-undo, .notice-close");
    this.undoButton = make;
  }

  /** Show a notice; the same text again replaces the older one instead of stacking. */
  show(text, tone = "info") {
    for (const old of this.region.children) {
      if (old.dataset.text === text) old.remove();
    }
    const close = h("button", { type: "button", class: "notice-close", "aria-label": t("staff.dismiss_notice") }, "×");
    const item = h(
      "div",
      { class: `notice notice-${tone}`, dataset: { text, tone } },
      h("span", { class: "notice-text", dir: "auto" }, text),
      close,
    );
    close.addEventListener("click", () => item.remove());
    this.region.append(item);
    while (this.region.children.length > KEEP) this.region.firstElementChild.remove();
    setTimeout(() => item.remove(), LIFETIME_MS[tone] || LIFETIME_MS.info);
    return item;
  }

  /** A notice (`text`: what was done and how to take it back, shortcuts.js undoHint, or an undo
   * asking for its second press, confirmHint) with an Undo button that does what the console's
   * does: the same press, its confirmation where it asks one. */
  undoable(text, tone = "info") {
    const item = this.show(text, tone);
    if (this.undoButton) item.querySelector(".notice-text").after(this.undoButton());
    return item;
  }
}
