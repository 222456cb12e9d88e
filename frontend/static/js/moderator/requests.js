// Pending floor requests: approve to the end or at a place, or decline with an optional reason.
// Rows are kept by id so a half-typed reason or place survives the updates that keep arriving.
// The server's order, except that the points of order (the requests of kind `point_of_order`)
// are shown first, marked, counted in the heading and announced as they arrive: with twenty
// requests waiting, one at the bottom of the list would not be seen.

import { fill, h, nameLang, setText } from "../dom.js";
import { plural, t } from "../i18n.js";
import { island, kindLabel, roundMinutes } from "./format.js";
import { undoHint } from "./shortcuts.js";
import { whoDetails, whoKey, whoTags } from "./who.js";
import { createArrivals } from "./arrivals.js";
import { guardRows } from "./presses.js";

const $ = (id) => document.getElementById(id);

export function createRequests(ctx) {
  const list = $("requests");
  const rows = new Map(); // request id -> row
  let primed = false; // drawn once for this segment: a request new since is announced
  // a request approved or declined leaves the list and the one below slides under the finger:
  // a double tap's second tap, on whichever request's button is there now, is not taken
  guardRows(list, ".request-approve, .request-decline");
  // ordinary requests that arrived, said together (a point of order is said at once)
  const arrivals = createArrivals({
    waiting: (id) => rows.has(id),
    words: (ids) =>
      ids.length === 1
        ? t("console.requests.arrived", { name: island(rows.get(ids[0]).request.name) })
        : t("console.requests.arrived_many", { n: ids.length, count: rows.size }),
    say: (text) => ctx.notices.show(text, "info"),
  });

  function build(request) {
    const pointOfOrder = request.kind === "point_of_order";
    const positionId = `request-${request.id}-position`;
    const reasonId = `request-${request.id}-reason`;
    const position = h("input", {
      id: positionId,
      type: "number",
      min: "1",
      step: "1",
      inputmode: "numeric",
      class: "position-input",
    });
    const approve = h("button", { type: "button", class: "btn btn-primary btn-small request-approve" });
    const declineOpen = h(
      "button",
      { type: "button", class: "btn btn-small" },
      h("span", {}, t("console.requests.decline"), h("span", { class: "visually-hidden" }, ` ${request.name}`), "…"),
    );
    const reason = h("input", {
      id: reasonId,
      type: "text",
      maxlength: "280",
      placeholder: t("console.requests.optional"),
    });
    const declineConfirm = h(
      "button",
      { type: "button", class: "btn btn-danger btn-small request-decline" },
      t("console.requests.decline"),
    );
    const declineCancel = h("button", { type: "button", class: "btn btn-quiet btn-small" }, t("console.common.cancel"));
    const declineBox = h(
      "div",
      { class: "decline-box", hidden: true },
      h("label", { for: reasonId }, t("console.requests.reason", { name: request.name })),
      h("div", { class: "row" }, reason, declineConfirm, declineCancel),
    );
    const waited = h("span", { class: "request-age" });
    const details = whoDetails(request);
    const li = h(
      "li",
      { class: "request", dataset: { requestId: request.id, kind: request.kind, pinned: String(pointOfOrder) } },
      h(
        "div",
        { class: "request-head" },
        h("span", { class: "request-who" }, h("bdi", { class: "request-name", lang: nameLang(request) }, request.name), whoTags(request)),
        h("span", { class: "tag tag-kind", dataset: { kind: request.kind } }, kindLabel(request.kind)),
      ),
      h("p", { class: "request-details", title: details.title }, details.text, " ", waited),
      request.note ? h("p", { class: "request-note", dir: "auto" }, t("console.quoted", { text: island(request.note) })) : null,
      h(
        "div",
        { class: "request-actions" },
        approve,
        pointOfOrder
          ? null
          : h(
              "span",
              { class: "position-field" },
              h(
                "label",
                { for: positionId },
                t("console.requests.at"),
                h("span", { class: "visually-hidden" }, ` ${t("console.requests.at_hidden", { name: request.name })}`),
              ),
              position,
            ),
        declineOpen,
      ),
      declineBox,
    );
    // visible: "Approve" or "Approve at 2"; heard: "Approve Amina Yusuf to the end of the queue"
    const hidden = (text) => h("span", { class: "visually-hidden" }, text);
    const label = () => {
      const place = Number.parseInt(position.value, 10);
      const who = hidden(` ${request.name}`);
      const verb = t("console.requests.approve");
      if (pointOfOrder) return h("span", {}, verb, who, ` ${t("console.requests.to_top")}`);
      if (Number.isFinite(place) && place >= 1) {
        return h("span", {}, verb, who, ` ${t("console.requests.at_place", { n: place })}`);
      }
      return h("span", {}, verb, hidden(` ${t("console.requests.to_end", { name: request.name })}`));
    };
    fill(approve, label());
    approve.title = t(pointOfOrder ? "console.requests.approve_top_title" : "console.requests.approve_title");
    position.addEventListener("input", () => fill(approve, label()));
    position.addEventListener("keydown", (event) => {
      if (event.key === "Enter") approve.click();
    });

    approve.addEventListener("click", () => {
      const command = { type: "approve_request", request_id: request.id };
      const place = Number.parseInt(position.value, 10);
      if (!pointOfOrder && Number.isFinite(place) && place >= 1) command.position = place - 1;
      ctx.run(command, { versioned: true }).then((ack) => {
        if (!ack) return;
        // said as the console now shows it: the place the server gave the turn
        const queue = ctx.state()?.queue || [];
        const index = queue.findIndex((entry) => entry.request_id === request.id);
        const name = island(request.name);
        ctx.notices.show(
          index >= 0
            ? t("console.requests.approved_place", { name, n: index + 1, count: queue.length })
            : t("console.requests.approved", { name }),
          "info",
        );
      });
    });
    declineOpen.addEventListener("click", () => {
      declineBox.hidden = false;
      declineOpen.hidden = true;
      reason.focus();
    });
    declineCancel.addEventListener("click", () => {
      declineBox.hidden = true;
      declineOpen.hidden = false;
      reason.value = "";
      declineOpen.focus();
    });
    const decline = () =>
      ctx.run({ type: "decline_request", request_id: request.id, reason: reason.value.trim() }).then((ack) => {
        if (ack) ctx.notices.undoable(undoHint(t("console.requests.declined", { name: request.name })));
      });
    declineConfirm.addEventListener("click", decline);
    reason.addEventListener("keydown", (event) => {
      if (event.key === "Enter") decline();
      if (event.key === "Escape") declineCancel.click();
    });
    return { li, waited, request, who: whoKey(request), position, reason, declineBox, declineOpen };
  }

  /** A request whose person was corrected, drawn again in its place with what was typed in it,
   * and the focus (and caret) where it was, so typing never falls through to the shortcuts. */
  function redrawn(row, request) {
    const fresh = build(request);
    fresh.position.value = row.position.value;
    fresh.reason.value = row.reason.value;
    fresh.declineBox.hidden = row.declineBox.hidden;
    fresh.declineOpen.hidden = row.declineOpen.hidden;
    fresh.position.dispatchEvent(new Event("input")); // the approve button's label follows
    const controls = (r) => [...r.li.querySelectorAll("input, button")];
    const focused = controls(row).indexOf(document.activeElement);
    const caret = focused >= 0 && "selectionStart" in document.activeElement ? document.activeElement.selectionStart : null;
    row.li.replaceWith(fresh.li);
    if (focused >= 0) {
      const again = controls(fresh)[focused];
      again.focus();
      if (caret !== null && again.setSelectionRange) {
        try {
          again.setSelectionRange(caret, caret);
        } catch {
          // a number input has no caret to set
        }
      }
    }
    return fresh;
  }

  function render(state) {
    const all = state.requests || [];
    const pointsOfOrder = all.filter((request) => request.kind === "point_of_order");
    const requests = [...pointsOfOrder, ...all.filter((request) => request.kind !== "point_of_order")];
    const seen = new Set();
    const arrived = [];
    for (const request of requests) {
      let row = rows.get(request.id);
      if (!row) {
        row = build(request);
        rows.set(request.id, row);
        if (primed && request.kind === "point_of_order") arrived.push(request);
        else if (primed) arrivals.add(request.id);
      } else if (row.who !== whoKey(request)) {
        row = redrawn(row, request);
        rows.set(request.id, row);
      }
      seen.add(request.id);
    }
    const hadFocus = list.contains(document.activeElement);
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.li.remove();
        rows.delete(id);
      }
    }
    const wanted = requests.map((request) => rows.get(request.id).li);
    const inOrder = wanted.length === list.children.length && wanted.every((li, i) => list.children[i] === li);
    if (!inOrder) {
      // append in order without detaching rows that are already in place (keeps focus and typing)
      wanted.forEach((li, i) => {
        if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
      });
    }
    if (hadFocus && !list.contains(document.activeElement)) {
      // the focused request was handled: continue with the next one, or the panel
      const next = list.querySelector(".request button");
      (next || $("requests-heading")).focus?.();
    }
    setText($("requests-count"), String(requests.length));
    $("requests-count").dataset.count = String(requests.length);
    $("requests-empty").hidden = requests.length > 0;
    const badge = $("requests-po");
    badge.hidden = pointsOfOrder.length === 0;
    setText(badge, pointsOfOrder.length ? plural("console.requests.points_of_order", pointsOfOrder.length) : "");
    for (const request of arrived) {
      ctx.notices.show(t("console.requests.point_of_order_arrived", { name: island(request.name) }), "warning");
    }
    primed = true;
    arrivals.flush();
  }

  /** How long each request has waited; cheap enough for once a second. */
  function tick(now) {
    for (const row of rows.values()) {
      const waited = now - row.request.requested_at;
      const words = waited < 60000 ? t("console.requests.just_now") : t("console.requests.waiting", { time: roundMinutes(waited) });
      setText(row.waited, `· ${words}`);
    }
  }

  function reset() {
    rows.clear();
    list.replaceChildren();
    primed = false; // the next segment's requests are there already: not announced as new
    arrivals.reset();
  }

  return { render, tick, reset };
}
