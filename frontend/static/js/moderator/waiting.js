// Speakers still waiting in a segment that has ended (the instruments' `waiting_elsewhere`): a
// banner offers to carry them where the server says (`carry_to`: the live segment, else the next
// to come, never a break) or to drop them, which cannot be undone: asked twice as End segment is
// (presses.js: a double tap does not confirm), the armed button's notice naming how many go.
// carry_queue goes to the ended segment; the server says who goes.

import { h } from "../dom.js";
import { plural, t } from "../i18n.js";
import { speakers, typed } from "./format.js";
import { armedNotice, confirmingButton } from "./presses.js";

const $ = (id) => document.getElementById(id);

export function createWaiting(ctx) {
  const region = $("waiting");
  const banners = new Map(); // ended segment id -> {item, signature}

  /** "Carry them to “title”" with the title a run of its own that is cut at its own end when it
   * is long (a Latin title in an Arabic sentence keeps its beginning, "Thematic discussion I…"). */
  function carryLabel(title) {
    const mark = "\u0000";
    const [before, after = ""] = t("console.waiting.carry", { title: mark }).split(mark);
    return h(
      "span",
      { class: "waiting-carry-label" },
      before ? h("span", { class: "waiting-carry-words" }, before) : null,
      h("bdi", { class: "waiting-carry-title", dir: "auto" }, title),
      after ? h("span", { class: "waiting-carry-words" }, after) : null,
    );
  }

  /** Where they would go, as the server says (null: nowhere to carry them, only to drop). */
  const targetFor = (waiting) => (waiting.carry_to ? { id: waiting.carry_to.segment_id, title: waiting.carry_to.title } : null);

  function carry(waiting, target) {
    const to = target ? target.id : null;
    ctx.run({ type: "carry_queue", to_segment_id: to }, { segmentId: waiting.segment_id }).then((ack) => {
      if (!ack) return;
      ctx.notices.show(
        target
          ? t("console.waiting.carried", { from: waiting.title, to: target.title })
          : t("console.waiting.dropped", { from: waiting.title }),
        "info",
      );
    });
  }

  function build(waiting, target) {
    const count = waiting.queued + waiting.pending;
    const parts = [];
    if (waiting.queued) parts.push(plural("console.waiting.queued", waiting.queued));
    if (waiting.pending) parts.push(plural("console.waiting.pending", waiting.pending));
    const actions = [];
    if (target) {
      const go = h(
        "button",
        {
          type: "button",
          class: "btn btn-primary btn-small waiting-carry",
          title: t("console.waiting.carry_title", { title: target.title }),
          "aria-label": t("console.waiting.carry_name", { title: target.title }),
        },
        carryLabel(target.title),
      );
      go.addEventListener("click", () => carry(waiting, target));
      actions.push(go);
    }
    const who = { speakers: speakers(count), title: waiting.title };
    const drop = confirmingButton(
      t("console.waiting.drop"),
      t("console.waiting.drop_confirm"),
      "btn btn-danger btn-small",
      () => carry(waiting, null),
      () => true,
      // a screen reader hears that the next press drops them, as the programme's buttons say;
      // everyone sees how many, and that it is for good
      {
        name: t("console.waiting.drop_name", who),
        armedName: t("console.waiting.drop_confirm_name", who),
        onArm: armedNotice(ctx.notices, t("console.waiting.dropping", { ...who, title: typed(waiting.title) })),
      },
    );
    actions.push(drop);
    return h(
      "div",
      { class: "waiting", role: "status", dataset: { segmentId: waiting.segment_id } },
      h(
        "p",
        { class: "waiting-text" },
        h("strong", {}, t("console.waiting.still", who)),
        h("span", { class: "waiting-detail" }, t("console.waiting.detail", { parts: parts.join(t("console.list_separator")) })),
      ),
      h("div", { class: "waiting-actions" }, actions),
    );
  }

  function render() {
    const all = ctx.conn.instruments;
    const list = (all && all.waiting_elsewhere) || [];
    const seen = new Set();
    // a banner's button that had the focus: the same button of the banner drawn again, else the
    // next banner's first button, else the queue's heading (carried or dropped: the banner goes)
    const focused = region.contains(document.activeElement) ? document.activeElement : null;
    const focusedAt = focused ? [...region.children].findIndex((item) => item.contains(focused)) : -1;
    const focusedPart = focused ? [...focused.closest(".waiting").querySelectorAll("button")].indexOf(focused) : -1;
    for (const waiting of list) {
      seen.add(waiting.segment_id);
      const target = targetFor(waiting);
      const signature = JSON.stringify([waiting, target && target.id, target && target.title]);
      const known = banners.get(waiting.segment_id);
      if (known && known.signature === signature) continue;
      const item = build(waiting, target);
      if (known) known.item.replaceWith(item);
      else region.append(item);
      banners.set(waiting.segment_id, { item, signature });
    }
    for (const [id, banner] of banners) {
      if (!seen.has(id)) {
        banner.item.remove();
        banners.delete(id);
      }
    }
    region.hidden = banners.size === 0;
    if (focused && document.activeElement !== focused) {
      const item = region.children[Math.min(focusedAt, region.children.length - 1)];
      const buttons = item ? [...item.querySelectorAll("button")] : [];
      const again = item && item.dataset.segmentId === focused.closest(".waiting").dataset.segmentId;
      (buttons[again ? focusedPart : 0] || buttons[0] || $("queue-heading")).focus();
    }
  }

  return { render };
}
