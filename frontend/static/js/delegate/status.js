// The delegate's own requests as cards: sent, on the list (and at which place), next, speaking
// (with their clock), paused for an interposed question (with their own clock, stopped), and how
// it ended; and their turns no request stands for (a panel queued directly, a question given to
// them), the same way; and a place carried on to another segment (carried.js), named, until the
// phone sees it there. Rebuilt only when what they show changes. A screen reader hears each
// change of a request's phase once, politely, in one live region (#status-live: "Request sent",
// "On the list, place 4 of 7", "Declined: reason", "Taken off the list"), and each new place on
// the list ("Place 3 of 6"); "next" and "speaking" are alerts (assertive) and also vibrate the
// phone once. The same region says the followed segment's news once (a break begins, the floor
// opens, a segment or the hearing ends: floorNews), and is emptied once what it said no longer
// holds. A card drawn again keeps the focus on the same control, or on the section's heading.
//
// Giving up a place on the list takes two taps that a double tap cannot give (confirm.js): the
// first turns Withdraw into "Keep my place" and shows "Give up my place" below it.
//
// A place in a segment that ended while the phone now follows the next one (a break) stays on a
// card of its own, saying it waits on the moderator's word (the server's `elsewhere`), until the
// moderator carries that list on (carried.js) or drops it (dropped.js). While the line is down,
// every card is marked as the phone last knew it ("As of 14:32 — reconnecting"), dimmed.

import { formatClock, hearingClosedAfter, newId } from "../client.js";
import { fill, h, timeOfDay } from "../dom.js";
import { currentLanguage, kindLabel, t } from "../i18n.js";
import { carriedPlaces } from "./carried.js";
import { dismissDropped, droppedPlaces } from "./dropped.js";
import { ARMED_MS, tooSoon } from "./confirm.js";
import { ACTIVE, leftPlaces, myRequests, myTurns, phaseFor, placeOf, segmentOf, speakersList } from "./mine.js";
import { offerOf } from "./request.js";
import { Stopped, sendUntilAnswered, viaSocket } from "./send.js";
import { breakNodes, showError, tNodes, waitingText } from "./text.js";

const $ = (id) => document.getElementById(id);

/** The phases said in the polite region; "next" and "speaking" are the cards' own alerts. */
const POLITE = new Set([
  "pending",
  "queued",
  "paused",
  "carried",
  "ended_waiting",
  "spoken",
  "declined",
  "withdrawn",
  "skipped",
  "removed",
  "dropped",
  "left",
]);

const NOT_ARMED = { id: null, at: 0, until: 0 };

/** The live region's words were said and wait for the view they hold for (the next render). */
const SAID = Symbol("said");

/** Nodes' text, as one string (a sentence made of text and islands). */
const textOf = (nodes) => nodes.map((part) => (typeof part === "string" ? part : part.textContent)).join("");

export function createStatus(ctx) {
  let shownKey = null; // what the cards show, to rebuild only on a change
  let announced = null; // the request we last vibrated for
  // each request's phase as its card was last drawn: a "next" or "speaking" card drawn again in
  // the same phase (another language, the list moved) is not an alert again, so it is not read
  // out a second time; back in that phase after another (the floor back after a question), it is
  const drawnPhase = new Map();
  let heard = null; // request id → the phase last said in the live region (null: not yet primed)
  // a first tap on Withdraw: which request, the tap's event.timeStamp, and until when (on the
  // same clock, performance.now()) the confirmation is offered
  let armed = NOT_ARMED;
  let floorSeen = null; // the followed segment as last seen (JSON), to say its changes once
  let placeHeard = new Map(); // request id → the place on the list last said
  // the view (cards, segment, armed Withdraw) the live region's words hold for: once it changes
  // and nothing new is said, the region is emptied, so that swiping through the page meets no
  // old news (SAID: just said, the next render's view is theirs; null: the region is empty)
  let liveFor = null;
  let stale = null; // the line down: since when the cards are as they are (staleSince)

  /** Say this in the polite live region (one region: its text changes; each part a line, a
   * string or nodes). */
  function announce(parts) {
    const lines = parts.filter((part) => part && part.length);
    if (!lines.length) return;
    fill($("status-live"), lines.map((line) => h("p", {}, line)));
    liveFor = SAID;
  }

  /** What the live region's words are about: the cards, the segment and its floor, Withdraw armed. */
  function viewNow() {
    return JSON.stringify([shownKey, floorSeen, armed.id !== null && performance.now() < armed.until]);
  }

  /** Empty the live region once what it said no longer holds (and nothing new was said). */
  function settleLive() {
    const view = viewNow();
    if (liveFor === SAID) liveFor = view;
    else if (liveFor !== null && liveFor !== view) {
      fill($("status-live"));
      liveFor = null;
    }
  }

  /** Where the focus is in the cards before they are drawn again: the cards themselves, or a
   * control (its `data-control`) of one request's card; null when it is elsewhere. */
  function focusBefore() {
    const cards = $("status-cards");
    const active = document.activeElement;
    if (!active || !cards.contains(active)) return null;
    if (active === cards) return { cards: true };
    return { request: active.closest("article")?.dataset.request, control: active.dataset.control };
  }

  /** Put the focus back where it was, on the new cards: the same control of the same request's
   * card (Withdraw for a confirmation gone), else the section's heading; never on <body>. */
  function focusAfter(before) {
    if (!before) return;
    const cards = $("status-cards");
    if (before.cards) {
      if (cards.children.length) return; // still there, still focused
      $("status-heading").focus();
      return;
    }
    const article = [...cards.children].find((node) => node.dataset.request === before.request);
    const usable = (node) => node && !node.disabled && !node.closest("[hidden]");
    const same = article?.querySelector(`[data-control="${before.control}"]`);
    const withdraw = article?.querySelector('[data-control="withdraw"]');
    const target = [same, withdraw].find(usable) || $("status-heading");
    target.focus();
  }

  /** The followed segment's changes a delegate must hear, once each, as the server says them:
   * a break begins (and until when), the floor opens to requests (`can_request`), a segment
   * ends, or the last of the programme did (the hearing closed). Nothing on the first render
   * (the page itself is what they hear then), nor on a redraw or a new language. */
  function floorNews() {
    const connection = ctx.connection;
    if (!connection?.state) return [];
    const segment = segmentOf(connection);
    const { kinds, reasons } = offerOf(connection);
    const open = kinds.length > 0;
    const isBreak =
      Boolean(segment) &&
      (segment.kind === "break" || Object.values(reasons).some((reason) => reason.code === "segment_is_break"));
    const now = segment ? [segment.id, segment.status, isBreak, open] : [null, null, false, open];
    const before = floorSeen === null ? null : JSON.parse(floorSeen);
    floorSeen = JSON.stringify(now);
    if (!before || !segment || floorSeen === JSON.stringify(before)) return [];
    const moved = before[0] !== segment.id || before[1] !== segment.status || before[2] !== isBreak;
    const title = segment.title || "";
    if (segment.status === "live" && isBreak) {
      return moved ? [textOf(tNodes("floor.break_started", { title })), textOf(breakNodes(connection))] : [];
    }
    if (segment.status === "live" && open && (moved || !before[3])) return [textOf(tNodes("floor.open", { title }))];
    if (segment.status === "ended" && moved) {
      const closed = hearingClosedAfter(connection.programme, segment.id);
      return [closed ? t("floor.hearing_closed") : textOf(tNodes("floor.segment_ended", { title }))];
    }
    return [];
  }

  /** What a screen reader is told of a request that reached `phase` (null: nothing). */
  function spoken(request, phase, queueLength) {
    switch (phase) {
      case "pending":
        return [t("status.pending"), t("status.pending_body")];
      case "queued": {
        const index = placeOf(ctx.connection, request);
        return [t("status.queued"), index >= 0 ? t("status.place", { n: index + 1, m: queueLength }) : null];
      }
      case "declined":
        return [
          t("status.declined"),
          request.reason ? t("status.reason", { reason: request.reason }) : t("status.no_reason"),
        ];
      case "paused":
        return [t(ctx.connection.state.current?.kind === "answer" ? "status.paused_for_answer" : "status.paused_for_question")];
      case "carried":
        return [t("status.carried_title")];
      case "dropped":
        return [t("status.dropped_title")];
      case "left":
        return [textOf(tNodes("status.left_in", { title: request.left_in })), t("status.left_body")];
      case "ended_waiting":
        return [t("status.ended_waiting")];
      case "spoken":
        return [t("status.spoken"), t("status.spoken_body")];
      default:
        return POLITE.has(phase) ? [t(`status.${phase}`)] : null;
    }
  }

  /** The time the turn at `index` of the list of speakers has, as the server says (the
   * moderator may shorten every turn to finish on time: a delegate who prepared three minutes can
   * cut their text; outside probe A), or null. */
  function allottedOf(index) {
    const entry = index >= 0 ? speakersList(ctx.connection)[index]?.entry : null;
    return entry && Number.isFinite(entry.allotted_ms) ? entry.allotted_ms : null;
  }

  function allottedLine(index) {
    const ms = allottedOf(index);
    if (ms === null) return null;
    return h("p", { class: "status-allotted" }, tNodes("status.allotted", { time: formatClock(ms) }));
  }

  /** Tell the screen reader which requests changed phase since the last render (not where in
   * the queue they moved, nor the language they are shown in). The first render after a delegate
   * comes in says nothing: the page itself is what they hear then. */
  function announceChanges(phases, queueLength) {
    const before = heard;
    // "on the list" with no place in the list is a moment between two messages (the entry left
    // the queue for the floor, and the server's word that it is theirs comes next; or it was
    // approved and the queue that holds it comes next): not said, and not taken for a change
    const between = (request, phase) => phase === "queued" && placeOf(ctx.connection, request) < 0;
    const now = new Map(
      phases.map(([request, phase]) => [request.id, between(request, phase) ? before?.get(request.id) : phase]),
    );
    heard = now;
    const placesBefore = placeHeard;
    placeHeard = new Map(
      phases
        .filter(([request, phase]) => phase === "queued" && !between(request, phase))
        .map(([request]) => [request.id, placeOf(ctx.connection, request)]),
    );
    if (before === null) return [];
    const parts = [];
    for (const [request, phase] of phases) {
      if (between(request, phase)) continue;
      if (before.get(request.id) === phase) {
        // still on the list, at another place: that place, once (not a longer list behind them)
        const place = placeHeard.get(request.id);
        const was = placesBefore.get(request.id);
        if (place !== undefined && was !== undefined && place !== was) {
          parts.push(t("status.place", { n: place + 1, m: queueLength }));
        }
        continue;
      }
      parts.push(...(spoken(request, phase, queueLength) || []));
    }
    return parts;
  }

  /** The requests worth a card: the open ones, or else the last one that ended; the turns no
   * request stands for (queued, on the floor, or paused by an interposed question); and the
   * places carried on to a segment this phone does not follow now. */
  function cardRequests() {
    const mine = myRequests(ctx.connection);
    const kept = carriedPlaces(ctx.connection, ctx.participant?.id, ctx.eventId).map((place) => ({
      id: `carried:${place.id}`,
      kind: place.kind,
      status: "removed",
      carried_to: place.to,
      note: place.note,
      reason: "",
    }));
    // dropped when its segment ended before the turn: said until the delegate dismisses it,
    // whichever segment the phone follows now (the server's own card of it is this one)
    const dropped = droppedPlaces(ctx.connection, ctx.participant?.id, ctx.eventId).map((place) => ({
      id: `dropped:${place.id}`,
      kind: place.kind,
      status: "removed",
      dropped: true,
      dropped_in: place.title,
      note: "",
      reason: "",
    }));
    // left waiting in a segment that ended, the phone following the next one now: said until the
    // moderator carries that list on or drops it (the server's word on it, either way)
    const left = leftPlaces(ctx.connection).map((place) => ({
      id: `left:${place.id}`,
      kind: place.kind,
      status: "left",
      left_in: place.title,
      note: place.note,
      reason: "",
    }));
    // a place carried on is still a place: shown as the open ones are
    const open = mine.filter((request) => ACTIVE.has(request.status) || (request.status === "removed" && request.carried_to));
    const active = [...open, ...myTurns(ctx.connection), ...left, ...kept, ...dropped];
    if (active.length) return active;
    const last = mine.length ? mine[mine.length - 1] : null;
    return last && !last.dropped ? [last] : []; // a drop dismissed is not shown again
  }

  /** While the line is down: since when the cards show what they show, as a time of day in the
   * event's zone ("14:32"); null while live. */
  function staleSince() {
    const connection = ctx.connection;
    if (!connection || connection.status === "live" || connection.lostAt === null) return null;
    return timeOfDay(connection.lostAt, connection.event?.timezone, currentLanguage()) || "";
  }

  function render() {
    const connection = ctx.connection;
    const requests = cardRequests();
    stale = staleSince();
    // the list's length as the phone shows it: a turn paused for an interposed one counts
    const queueLength = speakersList(connection).length;
    const key = JSON.stringify([
      currentLanguage(),
      requests.map((r) => {
        const phase = phaseFor(connection, r);
        let detail = null;
        if (phase === "queued") detail = [placeOf(connection, r), queueLength, allottedOf(placeOf(connection, r))];
        else if (phase === "paused") detail = connection.state.current?.kind; // a question, or its answer
        else if (phase === "carried") detail = carriedTo(r); // its title and time, as the programme says
        else if (phase === "dropped") detail = r.dropped_in;
        else if (phase === "left") detail = r.left_in;
        else if (phase === "next") detail = [allottedOf(placeOf(connection, r)), Boolean(connection.state?.current)];
        return [r.id, phase, detail, r.reason, r.note];
      }),
      stale,
    ]);
    const news = floorNews();
    if (key === shownKey) {
      announce(news);
      settleLive();
      return;
    }
    shownKey = key;
    ctx.clocks.clear("status");
    const focus = focusBefore();
    fill(
      $("status-cards"),
      requests.map((request) => {
        const article = card(request, queueLength);
        article.dataset.request = request.id;
        return article;
      }),
    );
    focusAfter(focus);
    // "Time is up" holds while their turn does
    const urgent = $("status-urgent");
    if (urgent.childNodes.length && !requests.some((request) => phaseFor(connection, request) === "speaking")) fill(urgent);
    announce([
      ...news,
      ...announceChanges(
        requests.map((request) => [request, phaseFor(connection, request)]),
        queueLength,
      ),
    ]);
    settleLive();
    const next = requests.find((request) => phaseFor(connection, request) === "next");
    // the floor theirs (not their turn paused for an interposed question: that is no call to speak)
    const speaking = requests.find((request) => phaseFor(connection, request) === "speaking");
    const alertFor = next || speaking;
    if (alertFor && announced !== `${alertFor.id}:${phaseFor(connection, alertFor)}`) {
      announced = `${alertFor.id}:${phaseFor(connection, alertFor)}`;
      // a browser vibrates only once the page has been touched (else it logs a refusal)
      const touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
      if (navigator.vibrate && touched) navigator.vibrate(speaking ? [300] : [200, 100, 200, 100, 400]);
      window.scrollTo(0, 0); // wherever they had scrolled, the banner is what matters now
    }
  }

  /** Withdraw. A place on the list (`confirm`) is given up in two steps a double tap cannot
   * give (confirm.js): the first tap turns this button into "Keep my place" (which takes the
   * confirmation back) and shows "Give up my place" below it, for ARMED_MS; taps on either within
   * GUARD_MS of the first are ignored. Which request is armed, and since when, is kept here, not
   * in the buttons: a card drawn again meanwhile (the queue moved) comes back armed. */
  function withdrawButton(request, { confirm = false } = {}) {
    const button = h("button", { type: "button", class: "button danger", dataset: { control: "withdraw" } }, t("status.withdraw"));
    if (!confirm) {
      button.addEventListener("click", () => withdraw(request, button));
      return button;
    }
    const isArmed = () => armed.id === request.id && performance.now() < armed.until;
    const yes = h(
      "button",
      { type: "button", class: "button danger confirm-yes", dataset: { control: "confirm" } },
      t("status.withdraw_confirm"),
    );
    const box = h("div", { class: "confirm" }, h("p", { class: "confirm-prompt" }, t("status.withdraw_prompt")), yes);
    const draw = () => {
      const on = isArmed();
      if (button.getAttribute("aria-disabled") === "true") return; // withdrawing: the button says so
      button.textContent = t(on ? "status.keep_place" : "status.withdraw");
      button.className = on ? "button subtle" : "button danger";
      box.hidden = !on;
      if (on) {
        yes.dataset.armedAt = String(armed.at); // for the browser tests: when the guard ends
        // taken back by itself in time: this card, or the one drawn in its place, says so then
        setTimeout(() => button.isConnected && draw(), armed.until - performance.now() + 50);
      } else delete yes.dataset.armedAt;
    };
    button.addEventListener("click", (event) => {
      if (button.getAttribute("aria-disabled") === "true") return; // withdrawing
      if (isArmed()) {
        if (tooSoon(event, armed.at)) return; // the second tap of the first one's gesture
        armed = NOT_ARMED; // "Keep my place"
        draw();
        settleLive(); // the prompt said no longer holds
        return;
      }
      armed = { id: request.id, at: event.timeStamp, until: performance.now() + ARMED_MS };
      draw();
      announce([t("status.withdraw_prompt")]);
    });
    yes.addEventListener("click", (event) => {
      if (!isArmed() || tooSoon(event, armed.at)) return;
      armed = NOT_ARMED;
      if (box.contains(document.activeElement)) button.focus(); // not lost with the box
      box.hidden = true;
      button.className = "button danger";
      withdraw(request, button);
    });
    draw();
    return [button, box];
  }

  function noteLine(request) {
    return request.note ? h("p", { class: "status-note" }, tNodes("status.note", { note: request.note })) : null;
  }

  /** The segment a carried place goes on in, from the programme: [title, start] (null if unnamed). */
  function carriedTo(request) {
    const target = (ctx.connection.programme || []).find((segment) => segment.id === request.carried_to);
    return target ? [target.title, target.scheduled_start_at ?? null] : null;
  }

  /** A card (`cardBody`), marked as the phone last knew it while the line is down: dimmed, and
   * first in its words, since when ("As of 14:32 — reconnecting"). */
  function card(request, queueLength) {
    const article = cardBody(request, queueLength);
    if (stale === null) return article;
    article.classList.add("stale");
    const note = h("p", { class: "status-stale" }, stale ? tNodes("status.stale", { time: stale }) : t("conn.reconnecting"));
    article.prepend(note);
    return article;
  }

  function cardBody(request, queueLength) {
    const kind = h("p", { class: "status-kind" }, kindLabel(request.kind));
    const phase = phaseFor(ctx.connection, request);
    /** The news of a "next" or "speaking" card: an alert the first time it is drawn, the news
     * first (the turn's kind is above it, outside it); drawn again, the same words, not said. */
    const fresh = drawnPhase.get(request.id) !== phase;
    drawnPhase.set(request.id, phase);
    const news = (...parts) => h("div", fresh ? { role: "alert" } : {}, ...parts);
    switch (phase) {
      case "pending":
        return h(
          "article",
          { class: "status-card status-pending", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t("status.pending")),
          h("p", {}, t("status.pending_body")),
          noteLine(request),
          withdrawButton(request),
        );
      case "queued": {
        const index = placeOf(ctx.connection, request);
        return h(
          "article",
          { class: "status-card status-queued", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t("status.queued")),
          index >= 0 ? h("p", { class: "status-place" }, t("status.place", { n: index + 1, m: queueLength })) : null,
          allottedLine(index),
          noteLine(request),
          request.turn ? null : withdrawButton(request, { confirm: true }),
        );
      }
      case "next":
        // the alert is the words only: the Withdraw button below it redraws ("Keep my place")
        // without being read out again as part of it
        return h(
          "article",
          { class: "status-card status-next", dataset: { phase } },
          kind,
          // "after the current speaker" only when someone has the floor
          news(
            h("p", { class: "status-title status-big" }, t("status.next")),
            h("p", {}, t(ctx.connection.state?.current ? "status.next_body" : "status.next_body_first")),
          ),
          allottedLine(placeOf(ctx.connection, request)),
          request.turn ? null : withdrawButton(request, { confirm: true }),
        );
      case "ended_waiting":
        return h(
          "article",
          { class: "status-card status-done", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t("status.ended_waiting")),
          h("p", {}, t("status.ended_waiting_body")),
        );
      case "speaking": {
        const clock = h("p", { class: "status-clock" }, "");
        const label = h("p", { class: "status-clock-label" }, "");
        const words = ctx.clocks.add({ scope: "status", node: clock, base: "status-clock", label, entryId: request.entry_id });
        // said once, when the floor is theirs; the countdown is a timer beside the alert, not in
        // it (a live region holding it would be read out again at every second)
        return h(
          "article",
          { class: "status-card status-speaking", dataset: { phase } },
          kind,
          news(h("p", { class: "status-title status-big" }, t("status.speaking"))),
          h("div", { role: "timer", "aria-live": "off" }, label, clock, words),
        );
      }
      case "paused": {
        // an interposed question or answer has the floor: their own time waits, paused, and the
        // floor comes back to them after it (the questioner's time is not theirs)
        const clock = h("p", { class: "status-clock" }, "");
        const label = h("p", { class: "status-clock-label" }, "");
        const words = ctx.clocks.add({ scope: "status", node: clock, base: "status-clock", label, entryId: request.entry_id });
        const by = ctx.connection.state.current;
        const title = by && by.kind === "answer" ? "status.paused_for_answer" : "status.paused_for_question";
        return h(
          "article",
          { class: "status-card status-paused", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t(title)),
          h("p", {}, t("status.paused_body")),
          label,
          clock,
          words,
        );
      }
      case "dropped": {
        // the segment ended before their turn and the moderator did not carry the list on
        const done = h("button", { type: "button", class: "button" }, t("status.dismiss"));
        done.addEventListener("click", () => {
          dismissDropped(request.id.replace(/^dropped:/, ""));
          render();
        });
        return h(
          "article",
          { class: "status-card status-dropped", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t("status.dropped_title")),
          h("p", {}, request.dropped_in ? tNodes("status.dropped_in", { title: request.dropped_in }) : t("status.dropped")),
          h("p", {}, t("status.dropped_again")),
          done,
        );
      }
      case "left":
        // the phone follows the next segment now; the moderator has not said what becomes of
        // the list of speakers this place was on
        return h(
          "article",
          { class: "status-card status-left", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t("status.ended_waiting")),
          h("p", {}, tNodes("status.left_in", { title: request.left_in })),
          h("p", {}, t("status.left_body")),
          noteLine(request),
        );
      case "carried": {
        // carried on by the moderator: not taken off the list, the place goes on over there
        const [title, start] = carriedTo(request) || [null, null];
        const time = timeOfDay(start, ctx.connection.event?.timezone, currentLanguage());
        return h(
          "article",
          { class: "status-card status-queued", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t("status.carried_title")),
          h(
            "p",
            {},
            title ? tNodes(time ? "status.carried_at" : "status.carried", { title, time }) : t("status.carried_next"),
          ),
          noteLine(request),
        );
      }
      case "spoken":
        return h(
          "article",
          { class: "status-card status-done", dataset: { phase } },
          h("p", { class: "status-title" }, t("status.spoken")),
          h("p", {}, t("status.spoken_body")),
        );
      case "declined":
        return h(
          "article",
          { class: "status-card status-declined", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t("status.declined")),
          h(
            "p",
            { class: "status-reason" },
            request.reason ? tNodes("status.reason", { reason: request.reason }) : t("status.no_reason"),
          ),
        );
      default: // withdrawn, skipped, removed
        return h(
          "article",
          { class: "status-card status-done", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t(`status.${phase}`)),
        );
    }
  }

  async function withdraw(request, button) {
    const connection = ctx.connection;
    const segment = segmentOf(connection);
    if (!segment) return;
    if (button.getAttribute("aria-disabled") === "true") return; // already withdrawing
    const commandId = newId(); // one withdrawal: sent again unchanged until the server answers
    // waits with aria-disabled, keeping the focus: a disabled button under the focus would drop
    // it to <body>, and the card drawn next would not know where it was
    button.setAttribute("aria-disabled", "true");
    button.textContent = t("status.withdrawing");
    showError($("floor-error"), null);
    try {
      await sendUntilAnswered(
        () =>
          viaSocket(
            connection,
            { type: "withdraw_request", request_id: request.id },
            { segmentId: segment.id, commandId },
          ),
        {
          onRetry: (error, ms) => showError($("floor-error"), waitingText(error, ms), "wait"),
          still: () => ctx.connection === connection,
        },
      );
      showError($("floor-error"), null);
    } catch (error) {
      if (error instanceof Stopped) return;
      if (error.code === "unauthenticated") return ctx.signedOut();
      showError($("floor-error"), error);
      button.removeAttribute("aria-disabled");
      button.textContent = t("status.withdraw");
    }
  }

  /** Rebuild the cards on the next render (a new language; `forget`: a new delegate, whose
   * first render is not announced). */
  function reset({ forget = false } = {}) {
    shownKey = null;
    if (forget) {
      heard = null;
      floorSeen = null;
      placeHeard = new Map();
      liveFor = null;
      armed = NOT_ARMED;
      fill($("status-live"));
    }
  }

  return { render, reset, announce };
}
