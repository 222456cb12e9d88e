// Signals from the interpreters' booth (the view's `signals`: slow down, no sound, microphone
// off), big at the top of the floor from the moment they arrive, each until its `expires_at` on
// the console's estimate of the server's clock, or until someone clears it (clear_signal).

import { h, setText } from "../dom.js";
import { t } from "../i18n.js";
import { SIGNALS } from "./format.js";

const $ = (id) => document.getElementById(id);

export function createSignals(ctx) {
  const region = $("signals");
  const shown = new Map(); // signal id -> {item, age, signal}
  let clearAll = null;

  function clear(signalId) {
    ctx.run({ type: "clear_signal", signal_id: signalId }).then((ack) => {
      if (ack) ctx.notices.show(t(signalId ? "console.signals.cleared" : "console.signals.all_cleared"), "info");
    });
  }

  function build(signal) {
    const words = SIGNALS[signal.kind] || { label: signal.kind, detail: "" };
    const age = h("span", { class: "signal-age" });
    const button = h(
      "button",
      { type: "button", class: "btn btn-small signal-clear", "aria-label": t("console.signals.clear", { signal: words.label }) },
      t("console.common.clear"),
    );
    button.addEventListener("click", () => clear(signal.id));
    // announced once, when it arrives: the alert holds the signal's words, not its age, which
    // changes every second (a screen reader would read the whole alert again each time)
    const item = h(
      "div",
      { class: "signal", dataset: { signalId: signal.id, kind: signal.kind } },
      h("span", { class: "signal-icon", "aria-hidden": "true" }),
      h(
        "p",
        { class: "signal-text" },
        h(
          "span",
          { class: "signal-words", role: "alert" },
          h("span", { class: "signal-from" }, t("console.signals.from")),
          h("strong", { class: "signal-label" }, words.label),
          h("span", { class: "signal-detail" }, words.detail),
        ),
        age,
      ),
      button,
    );
    return { item, age, signal };
  }

  /** Show what is live now; hide what has expired (display of a fact: each has its expires_at). */
  function update(now) {
    let visible = 0;
    for (const row of shown.values()) {
      const live = row.signal.expires_at > now;
      row.item.hidden = !live;
      if (!live) continue;
      visible += 1;
      const seconds = Math.max(0, Math.round((now - row.signal.raised_at) / 1000));
      setText(
        row.age,
        seconds < 5
          ? t("console.signals.just_now")
          : seconds < 60
            ? t("console.signals.seconds_ago", { s: seconds })
            : t("console.signals.minutes_ago", { m: Math.floor(seconds / 60) }),
      );
    }
    region.hidden = visible === 0;
    if (clearAll) clearAll.hidden = visible < 2;
  }

  function render(state) {
    const signals = state.signals || [];
    const seen = new Set();
    for (const signal of signals) {
      seen.add(signal.id);
      const known = shown.get(signal.id);
      if (known) {
        known.signal = signal;
        continue;
      }
      const row = build(signal);
      shown.set(signal.id, row);
      region.append(row.item);
    }
    for (const [id, row] of shown) {
      if (!seen.has(id)) {
        row.item.remove();
        shown.delete(id);
      }
    }
    if (!clearAll) {
      clearAll = h("button", { type: "button", class: "btn btn-small signal-clear-all" }, t("console.signals.clear_all"));
      clearAll.addEventListener("click", () => clear(null));
    }
    if (region.lastElementChild !== clearAll) region.append(clearAll); // always last
    update(ctx.conn.clock.now());
  }

  function reset() {
    for (const row of shown.values()) row.item.remove();
    shown.clear();
    region.hidden = true;
  }

  return { render, tick: update, reset };
}
