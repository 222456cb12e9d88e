// The delegate's own requests as cards: sent, on the list (and at which place), next, speaking
// (with their clock), paused for an interposed question (with their own clock, stopped), and how
// it ended; and their turns no request stands for (a panel queued directly, a question given to
// them), the same way; and a place carried on to another segment (carried.js), named, until the
// phone sees it there. Rebuilt only when what they show changes, so a screen
// reader hears a change once; "next" and "speaking" also vibrate the phone once.

import { newId } from "../client.js";
import { fill, h, timeOfDay } from "../dom.js";
import { currentLanguage, kindLabel, t } from "../i18n.js";
import { carriedPlaces } from "./carried.js";
import { ACTIVE, myRequests, myTurns, phaseFor, placeOf, segmentOf } from "./mine.js";
import { Stopped, sendUntilAnswered, viaSocket } from "./send.js";
import { showError, tNodes, waitingText } from "./text.js";

const $ = (id) => document.getElementById(id);

/** How long a first tap on Withdraw waits for the second. */
const ARMED_MS = 5000;

export function createStatus(ctx) {
  let shownKey = null; // what the cards show, to rebuild (and announce) only on a change
  let announced = null; // the request we last vibrated for
  let armed = { id: null, until: 0 }; // a first tap on Withdraw: which request, until when

  /** The requests worth a card: the open ones, or else the last one that ended; the turns no
   * request stands for (queued, on the floor, or paused by an interposed question); and the
   * places carried on to a segment this phone does not follow now. */
  function cardRequests() {
    const mine = myRequests(ctx.connection);
    const kept = carriedPlaces(ctx.connection, ctx.participant?.id).map((place) => ({
      id: `carried:${place.id}`,
      kind: place.kind,
      status: "removed",
      carried_to: place.to,
      note: place.note,
      reason: "",
    }));
    // a place carried on is still a place: shown as the open ones are
    const open = mine.filter((request) => ACTIVE.has(request.status) || (request.status === "removed" && request.carried_to));
    const active = [...open, ...myTurns(ctx.connection), ...kept];
    if (active.length) return active;
    return mine.length ? [mine[mine.length - 1]] : [];
  }

  function render() {
    const connection = ctx.connection;
    const requests = cardRequests();
    const queueLength = (connection.state?.queue || []).length;
    const key = JSON.stringify([
      currentLanguage(),
      requests.map((r) => {
        const phase = phaseFor(connection, r);
        let detail = null;
        if (phase === "queued") detail = [placeOf(connection, r), queueLength];
        else if (phase === "paused") detail = connection.state.current?.kind; // a question, or its answer
        else if (phase === "carried") detail = carriedTo(r); // its title and time, as the programme says
        return [r.id, phase, detail, r.reason, r.note];
      }),
    ]);
    if (key === shownKey) return;
    shownKey = key;
    ctx.clocks.clear("status");
    fill($("status-cards"), requests.map((request) => card(request, queueLength)));
    const next = requests.find((request) => phaseFor(connection, request) === "next");
    // the floor theirs (not their turn paused for an interposed question: that is no call to speak)
    const speaking = requests.find((request) => phaseFor(connection, request) === "speaking");
    const alertFor = next || speaking;
    if (alertFor && announced !== `${alertFor.id}:${alertFor.status}`) {
      announced = `${alertFor.id}:${alertFor.status}`;
      // a browser vibrates only once the page has been touched (else it logs a refusal)
      const touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
      if (navigator.vibrate && touched) navigator.vibrate(speaking ? [300] : [200, 100, 200, 100, 400]);
      window.scrollTo(0, 0); // wherever they had scrolled, the banner is what matters now
    }
  }

  /** Withdraw; a place on the list (`confirm`) is given up only on a second tap within 5 s.
   * Which request is armed, and until when, is kept here, not in the button: a card drawn again
   * meanwhile (the queue moved) comes back armed. */
  function withdrawButton(request, { confirm = false } = {}) {
    const isArmed = () => armed.id === request.id && Date.now() < armed.until;
    const button = h("button", { type: "button", class: "button danger" });
    const label = () => {
      button.textContent = t(isArmed() ? "status.withdraw_confirm" : "status.withdraw");
      if (isArmed()) button.dataset.armed = "true";
      else delete button.dataset.armed;
    };
    label();
    button.addEventListener("click", () => {
      if (confirm && !isArmed()) {
        armed = { id: request.id, until: Date.now() + ARMED_MS };
        label();
        setTimeout(() => button.isConnected && label(), ARMED_MS);
        return;
      }
      armed = { id: null, until: 0 };
      withdraw(request, button);
    });
    return button;
  }

  function noteLine(request) {
    return request.note ? h("p", { class: "status-note" }, tNodes("status.note", { note: request.note })) : null;
  }

  /** The segment a carried place goes on in, from the programme: [title, start] (null if unnamed). */
  function carriedTo(request) {
    const target = (ctx.connection.programme || []).find((segment) => segment.id === request.carried_to);
    return target ? [target.title, target.scheduled_start_at ?? null] : null;
  }

  function card(request, queueLength) {
    const kind = h("p", { class: "status-kind" }, kindLabel(request.kind));
    const phase = phaseFor(ctx.connection, request);
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
          noteLine(request),
          request.turn ? null : withdrawButton(request, { confirm: true }),
        );
      }
      case "next":
        return h(
          "article",
          { class: "status-card status-next", role: "alert", dataset: { phase } },
          kind,
          h("p", { class: "status-title status-big" }, t("status.next")),
          h("p", {}, t("status.next_body")),
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
        ctx.clocks.add({ scope: "status", node: clock, base: "status-clock", label, entryId: request.entry_id });
        return h(
          "article",
          { class: "status-card status-speaking", role: "alert", dataset: { phase } },
          kind,
          h("p", { class: "status-title status-big" }, t("status.speaking")),
          label,
          clock,
        );
      }
      case "paused": {
        // an interposed question or answer has the floor: their own time waits, paused, and the
        // floor comes back to them after it (the questioner's time is not theirs)
        const clock = h("p", { class: "status-clock" }, "");
        const label = h("p", { class: "status-clock-label" }, "");
        ctx.clocks.add({ scope: "status", node: clock, base: "status-clock", label, entryId: request.entry_id });
        const by = ctx.connection.state.current;
        const title = by && by.kind === "answer" ? "status.paused_for_answer" : "status.paused_for_question";
        return h(
          "article",
          { class: "status-card status-paused", role: "status", dataset: { phase } },
          kind,
          h("p", { class: "status-title" }, t(title)),
          h("p", {}, t("status.paused_body")),
          label,
          clock,
        );
      }
      case "carried": {
        // carried on by the moderator: not taken off the list, the place goes on over there
        const [title, start] = carriedTo(request) || [null, null];
        const time = timeOfDay(start, ctx.connection.event?.timezone, currentLanguage());
        return h(
          "article",
          { class: "status-card status-queued", role: "status", dataset: { phase } },
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
    const commandId = newId(); // one withdrawal: sent again unchanged until the server answers
    button.disabled = true;
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
      button.disabled = false;
      button.textContent = t("status.withdraw");
    }
  }

  /** Rebuild the cards on the next render (a new language, a new delegate). */
  function reset() {
    shownKey = null;
  }

  return { render, reset };
}
