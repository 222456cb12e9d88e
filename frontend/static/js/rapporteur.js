// The rapporteur's page: every recommendation and pledge of the day, live over the event's
// socket (the connection's `outcome`), to read, filter and curate — accept, set aside, edit the
// wording, merge duplicates, tag themes and Global Compact objectives — and to show one on the
// room display in the group reflection. Each change is an outcome command on the socket
// (client.js sendOutcome: one command id, sent again after a reconnect, applied once).
// English only: a staff page, like the moderator console.

import { FloorConnection, actAs, signInToEvent } from "./client.js";
import { fill, h, setText } from "./dom.js";
import { createDetail } from "./rapporteur/detail.js";
import { createList } from "./rapporteur/list.js";
import { KIND_LABELS, excerpt, numbering } from "./rapporteur/model.js";
import { neighbours, placeLabel, reflectionOrder } from "./reflection.js";

const $ = (id) => document.getElementById(id);
actAs("rapporteur", "moderator", "organiser");

const STATUS_TEXT = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };
const SLOW_ACK_MS = 2000;
const NOTICE_MS = { info: 5000, error: 12000, warning: 10000 };

/** The server's messages are clauses: show them as sentences. */
const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

function notify(text, tone = "info") {
  const region = $("notices");
  for (const old of region.children) if (old.dataset.text === text) old.remove();
  const close = h("button", { type: "button", class: "notice-close", "aria-label": "Dismiss" }, "×");
  const item = h("div", { class: `notice notice-${tone}`, dataset: { text } }, h("span", {}, text), close);
  close.addEventListener("click", () => item.remove());
  region.append(item);
  while (region.children.length > 3) region.firstElementChild.remove();
  setTimeout(() => item.remove(), NOTICE_MS[tone] || NOTICE_MS.info);
}

function signedOut(message) {
  $("desk").hidden = true;
  $("signin").hidden = false;
  setText($("signin-message"), message);
  setText($("event-title"), "Not signed in");
  setText($("now-line"), "");
  const status = $("connection-status");
  status.dataset.status = "signed-out";
  setText(status, "Signed out");
  $("connection").hidden = true;
}

async function start() {
  let eventId;
  try {
    ({ eventId } = await signInToEvent(["rapporteur", "moderator", "organiser"], "the rapporteur", "rapporteur"));
  } catch (error) {
    signedOut(error.message);
    return;
  }
  run(eventId);
}

function run(eventId) {
  $("signin").hidden = true;
  $("desk").hidden = false;
  // the outcome summary and the day's record, downloaded with this browser's session
  const events = `/api/v1/events/${encodeURIComponent(eventId)}`;
  for (const format of ["docx", "html", "md"]) $(`outcome-${format}`).href = `${events}/outcome?format=${format}`;
  $("record-csv").href = `${events}/speeches?format=csv`;
  const conn = new FloorConnection(`/ws/events/${encodeURIComponent(eventId)}`);
  window.floorConnection = conn; // for the browser tests and for debugging
  let selected = null;
  let numbers = new Map();

  const ctx = {
    outcome: () => conn.outcome,
    programme: () => conn.programme || [],
    event: () => conn.event,
    numbers: () => numbers,
    selectedId: () => selected,
    select(id) {
      selected = id;
      render();
      $("detail-heading")?.focus({ preventScroll: true });
      $("detail").scrollTop = 0;
    },
    notify,
    /** Send an outcome command; resolve to the ack, or to null after saying why it was refused. */
    async run(command, confirmation) {
      const slow = setTimeout(
        () => notify("Waiting for the server… the change is kept and sent when the connection is back.", "warning"),
        SLOW_ACK_MS,
      );
      try {
        const ack = await conn.sendOutcome(command);
        if (confirmation) notify(confirmation, "info");
        return ack;
      } catch (error) {
        notify(sentence(error.message) || "The server refused the change.", "error");
        return null;
      } finally {
        clearTimeout(slow);
      }
    },
  };

  const list = createList(ctx);
  const detail = createDetail(ctx);

  function renderHeader() {
    const event = conn.event;
    if (!event) return;
    setText($("event-title"), event.title);
    const state = conn.state;
    const parts = [];
    if (state) {
      const segment = state.segment;
      parts.push(segment.status === "live" ? `Live: ${segment.title}` : segment.title);
      if (state.current) parts.push(`speaking: ${state.current.name}`);
    }
    setText($("now-line"), parts.join(" · ") || [event.room, event.date].filter(Boolean).join(" · "));
    const count = conn.outcome ? conn.outcome.contributions.length : 0;
    document.title = `Rapporteur (${count}) · ${event.title} · Floorkeeper`;
  }

  function renderOnDisplay() {
    const outcome = conn.outcome;
    const shown = outcome && outcome.shown_id ? outcome.contributions.find((c) => c.id === outcome.shown_id) : null;
    const box = $("on-display");
    const key = JSON.stringify(shown ? [shown.id, shown.kind, shown.text, numbers.get(shown.id)] : null);
    if (box.dataset.key !== key) {
      box.dataset.key = key;
      if (!shown) {
        fill(box, h("p", { class: "empty" }, "Nothing: the display shows the floor."));
      } else {
        const open = h("button", { type: "button", class: "link-button", id: "open-shown" }, `#${numbers.get(shown.id)} · ${KIND_LABELS[shown.kind]}`);
        open.addEventListener("click", () => ctx.select(shown.id));
        fill(box, h("p", { class: "on-display-title" }, open), h("p", { class: "on-display-text", dir: "auto" }, excerpt(shown.text, 120)));
      }
    }
    $("clear-display").disabled = !shown;
    const place = stepPlace();
    setText($("display-place"), shown ? placeLabel(place) : place.count ? `${place.count} accepted` : "");
    $("display-previous").disabled = !place.previous;
    $("display-next").disabled = !place.next;
  }

  /** Where the shown contribution is in the reflection's order (reflection.js). */
  function stepPlace() {
    const outcome = conn.outcome;
    if (!outcome) return neighbours([], null);
    const titles = ctx.programme().map((segment) => segment.title);
    return neighbours(reflectionOrder(outcome.contributions, titles), outcome.shown_id);
  }

  for (const [id, side] of [["display-previous", "previous"], ["display-next", "next"]]) {
    $(id).addEventListener("click", async () => {
      const target = stepPlace()[side];
      if (!target) return;
      await ctx.run({ type: "show_contribution", contribution_id: target.id }, `#${numbers.get(target.id)} is on the room display.`);
      renderOnDisplay();
    });
  }

  function render() {
    if (conn.outcome) numbers = numbering(conn.outcome.contributions);
    renderHeader();
    renderOnDisplay();
    list.render();
    detail.render();
  }

  $("clear-display").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    await ctx.run({ type: "show_contribution", contribution_id: null }, "The room display shows the floor again.");
    renderOnDisplay();
  });

  conn.addEventListener("change", render);
  conn.addEventListener("status", () => {
    const pill = $("connection-status");
    pill.dataset.status = conn.status;
    setText(pill, STATUS_TEXT[conn.status] || conn.status);
    $("connection").hidden = conn.status !== "reconnecting";
  });
  conn.addEventListener("servererror", (event) => {
    const frame = event.detail;
    if (frame.code === "unauthenticated" || frame.code === "forbidden") {
      conn.stop();
      signedOut(`The server closed this page: ${frame.message}`);
      return;
    }
    notify(sentence(frame.message || frame.code), "error");
  });
  render();
  conn.start();
}

start().catch((error) => {
  signedOut(`The page could not start: ${error.message}`);
});
