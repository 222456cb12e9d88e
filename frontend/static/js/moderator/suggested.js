// The server's suggested order (the instruments' `suggested`, app/floor/fairness.py) beside the
// real list: for the pending requests, and on request for the queue. Each row says why it goes
// there (a point of order; the least heard today). One button applies it: apply_order with
// exactly the ids shown, greyed with the server's refusal (actions.apply_*_order) when it cannot.
// While the suggestion and the list disagree (a request just came in, the suggestion follows a
// moment later) the button waits: the order shown would not be the list's.

import { fill, h, setText } from "../dom.js";
import { constituencyLabel, turns } from "./format.js";
import { setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);
const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : "");

/** Why this place: the server's `why`, with the counts it was picked on. */
function whyText(item, person) {
  if (item.why === "point_of_order") return "Point of order: first";
  if (item.why === "arrival") return "In order of arrival";
  const region = person && (person.region || "").trim();
  const where = person ? constituencyLabel(person.constituency) : "Their constituency";
  const regionPart = region ? `, ${region} ${item.region_turns}` : "";
  return `Least heard: ${where} ${turns(item.constituency_turns)} today${regionPart}`;
}

/**
 * One suggested order: `scope` "requests" or "queue"; `ids` the element ids of its block, list,
 * note and button; `people(state)` the list it orders; `shown()` whether it is asked for now.
 */
function createOrder(ctx, { scope, block, list, note, button, action, people, shown, arrivalWord, done }) {
  let ids = []; // the ids shown, in their order: what Apply sends

  $(button).addEventListener("click", () => {
    const state = ctx.state();
    const refusal = state && state.actions ? state.actions[action] : null;
    if (refusal) {
      ctx.notices.show(sentence(refusal.message || refusal.code), "warning");
      return;
    }
    if (!ids.length || $(button).dataset.waiting === "true") return;
    const order = [...ids];
    ctx.run({ type: "apply_order", scope, order }, { versioned: true }).then((ack) => {
      if (ack) ctx.notices.show(done(order.length), "info");
    });
  });

  function render(state) {
    const all = ctx.conn.instruments;
    const mine = all && all.segments ? all.segments[ctx.viewingId()] : null;
    const items = mine ? mine.suggested[scope] : [];
    const current = people(state);
    $(block).hidden = !shown(current);
    if ($(block).hidden) return;
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
            h("span", { class: "suggested-name" }, person ? person.name : "…"),
            h("span", { class: "suggested-why" }, whyText(item, person)),
          ),
          moved
            ? h("span", { class: "suggested-from", title: `${arrivalWord} #${item.arrival_position + 1}` }, `${arrivalWord} #${item.arrival_position + 1}`)
            : null,
        );
      }),
    );
    const refusal = state.actions ? state.actions[action] : null;
    const waiting = !matches && !refusal;
    $(button).dataset.waiting = String(waiting);
    setAvailable(
      $(button),
      refusal ? sentence(refusal.message || refusal.code) : waiting ? "The suggestion is being brought up to date…" : null,
    );
    const inOrder = items.every((item) => item.position === item.arrival_position);
    setText(
      $(note),
      waiting
        ? "Bringing the suggestion up to date…"
        : refusal
          ? sentence(refusal.message || refusal.code)
          : inOrder && scope === "queue"
            ? "The queue is already in the suggested order."
            : "Points of order first, then whoever has been heard least today. Undo takes it back in one step.",
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
    arrivalWord: "asked",
    done: (n) => `Approved ${n} requests in the suggested order. Press U to undo.`,
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
    arrivalWord: "now",
    done: () => "The queue is in the suggested order. Press U to undo.",
  });

  function render(state) {
    requests.render(state);
    queue.render(state);
  }

  return { render };
}
