// The server's suggested order (the instruments' `suggested`, app/floor/fairness.py) beside the
// real list: for the pending requests, and on request for the queue. Each row says why it goes
// there (a point of order; the least heard today). One button applies it: apply_order with
// exactly the ids shown, greyed with the server's refusal (actions.apply_*_order) when it cannot.
// While the suggestion and the list disagree (a request just came in, the suggestion follows a
// moment later) the button waits: the order shown would not be the list's.

import { fill, h, setText } from "../dom.js";
import { plural, t } from "../i18n.js";
import { refusalText } from "../refusal.js";
import { constituencyLabel, turns } from "./format.js";
import { undoHint } from "./shortcuts.js";
import { setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);

/**
 * Why this place: the server's `why`, with the turns heard today (the record's) and, said apart,
 * the places given earlier in this same order that the choice counted as heard.
 */
function whyText(item, person) {
  if (item.why === "point_of_order") return t("console.suggested.point_of_order");
  if (item.why === "arrival") return t("console.suggested.arrival");
  const region = person && (person.region || "").trim();
  const where = person ? constituencyLabel(person.constituency) : t("console.suggested.their_constituency");
  const words = { constituency: where, turns: turns(item.constituency_turns), region, n: item.region_turns };
  const reason = t(region ? "console.suggested.least_heard_region" : "console.suggested.least_heard", words);
  const before = item.constituency_earlier || 0;
  const regionBefore = region ? item.region_earlier || 0 : 0;
  if (!before && !regionBefore) return reason;
  const places = plural("console.suggested.places", before);
  return region
    ? t("console.suggested.earlier_region", { reason, places, region, n: regionBefore })
    : t("console.suggested.earlier", { reason, places });
}

/**
 * One suggested order: `scope` "requests" or "queue"; `ids` the element ids of its block, list,
 * note and button; `people(state)` the list it orders; `shown()` whether it is asked for now.
 */
function createOrder(ctx, { scope, block, list, note, button, action, people, shown, from, done, heading }) {
  let ids = []; // the ids shown, in their order: what Apply sends

  $(button).addEventListener("click", () => {
    const state = ctx.state();
    const refusal = state && state.actions ? state.actions[action] : null;
    if (refusal) {
      ctx.notices.show(refusalText(refusal), "warning");
      return;
    }
    if (!ids.length || $(button).dataset.waiting === "true") return;
    const order = [...ids];
    ctx.run({ type: "apply_order", scope, order }, { versioned: true }).then((ack) => {
      if (ack) ctx.notices.undoable(undoHint(done(order.length)));
    });
  });

  function render(state) {
    const all = ctx.conn.instruments;
    const mine = all && all.segments ? all.segments[ctx.viewingId()] : null;
    const items = mine ? mine.suggested[scope] : [];
    const current = people(state);
    const hadFocus = $(block).contains(document.activeElement);
    $(block).hidden = !shown(current);
    if ($(block).hidden) {
      // applied (the requests all approved): the keyboard goes to the panel's heading
      if (hadFocus) $(heading).focus();
      return;
    }
    const byId = new Map(current.map((person) => [person.id, person]));
    const matches = items.length === current.length && items.every((item) => byId.has(item.id));
    ids = items.map((item) => item.id);
    fill(
      $(list),
      items.map((item) => {
        const person = byId.get(item.id);
        const moved = item.arrival_position !== item.position;
        return h(
          "li",
          { class: "suggested-item", dataset: { id: item.id, why: item.why } },
          h("span", { class: "suggested-number" }, String(item.position + 1)),
          h(
            "span",
            { class: "suggested-who" },
            h("bdi", { class: "suggested-name" }, person ? person.name : "…"),
            h("span", { class: "suggested-why" }, whyText(item, person)),
          ),
          moved
            ? h("span", { class: "suggested-from", title: from(item.arrival_position + 1) }, from(item.arrival_position + 1))
            : null,
        );
      }),
    );
    const refusal = state.actions ? state.actions[action] : null;
    const waiting = !matches && !refusal;
    $(button).dataset.waiting = String(waiting);
    setAvailable(
      $(button),
      refusal ? refusalText(refusal) : waiting ? t("console.suggested.updating_title") : null,
    );
    const inOrder = items.every((item) => item.position === item.arrival_position);
    setText(
      $(note),
      waiting
        ? t("console.suggested.updating")
        : refusal
          ? refusalText(refusal)
          : inOrder && scope === "queue"
            ? t("console.suggested.in_order")
            : t("console.suggested.how"),
    );
  }

  return { render };
}

export function createSuggested(ctx) {
  const toggle = $("btn-suggest-queue");
  let queueAsked = false;
  toggle.addEventListener("click", () => {
    queueAsked = !queueAsked;
    toggle.setAttribute("aria-pressed", String(queueAsked));
    const state = ctx.state();
    if (state) queue.render(state);
  });

  const requests = createOrder(ctx, {
    scope: "requests",
    block: "requests-suggested",
    list: "requests-suggested-list",
    note: "requests-suggested-note",
    button: "btn-apply-requests",
    action: "apply_request_order",
    people: (state) => state.requests || [],
    shown: (current) => current.length >= 2,
    from: (n) => t("console.suggested.asked", { n }),
    done: (n) => plural("console.suggested.approved", n),
    heading: "requests-heading",
  });
  const queue = createOrder(ctx, {
    scope: "queue",
    block: "queue-suggested",
    list: "queue-suggested-list",
    note: "queue-suggested-note",
    button: "btn-apply-queue",
    action: "apply_queue_order",
    people: (state) => state.queue,
    shown: () => queueAsked,
    from: (n) => t("console.suggested.now", { n }),
    done: () => t("console.suggested.queue_done"),
    heading: "queue-heading",
  });

  function render(state) {
    requests.render(state);
    queue.render(state);
  }

  return { render };
}
