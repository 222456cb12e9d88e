// Non-blocking notices (refusals, stale versions, confirmations) in one live region.

import "../i18n/staff.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

const LIFETIME_MS = { info: 6000, warning: 12000, error: 15000 };
const KEEP = 4;

export class Notices {
  constructor(region) {
    this.region = region;
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
}
