// The request form: the kinds the server says may be asked for now, a note, and sending the
// request once. The form re-derives no rule: a kind is offered when neither the segment's
// `can_request` (for everyone) nor the delegate's own `can_request` names a reason against it.
// A refusal is shown in the delegate's language and not sent again while nothing has changed.
// A request sent while the phone has no connection is kept and sent once it is back: the form
// says so by its button while it waits.

import { hearingClosedAfter, newId } from "../client.js";
import { fill, setText } from "../dom.js";
import { REQUESTABLE_KINDS, t } from "../i18n.js";
import { ACTIVE, myRequests, segmentOf } from "./mine.js";
import { Stopped, retryAfterMs, sendUntilAnswered, viaSocket } from "./send.js";
import { breakNodes, reasonText, showError, waitingText } from "./text.js";

const $ = (id) => document.getElementById(id);

/**
 * What the server says may be asked for now: the kinds on offer, and per kind the code of what
 * refuses it (segment-wide reasons first, as the server checks them).
 */
export function offerOf(connection) {
  const here = connection?.state?.can_request || {};
  const personal = connection?.canRequest || {};
  const kinds = [];
  const reasons = {};
  for (const kind of REQUESTABLE_KINDS) {
    if (!(kind in here)) continue; // the server says nothing of it: not offered
    const reason = here[kind] || personal[kind] || null;
    if (reason) reasons[kind] = { code: reason, everyone: Boolean(here[kind]) };
    else kinds.push(kind);
  }
  return { kinds, reasons };
}

export function createRequestForm(ctx) {
  const form = $("request-form");
  const button = $("request-submit");
  const errorBox = $("request-error");
  let retry = null; // {id, body} kept until the server answers, so a retry is applied once
  let refused = null; // {body, version, error}: the server's last word on this request, this state
  let quietUntil = 0; // a rate limit met again after waiting: nothing is sent before this
  let sending = false;
  let waitingForNetwork = false; // the box says the request waits for the connection
  let pooOpen = false;
  let formMode = null; // the kinds on offer: the choice goes back to the first when they change

  /** While a request is being sent: whether it waits for the connection, said by the button. */
  function sayIfOffline() {
    const offline = sending && ctx.connection && ctx.connection.status !== "live";
    if (offline === waitingForNetwork) return;
    waitingForNetwork = offline;
    // the phone off its network, or the network up and the server not answering (it restarts)
    if (offline) tell(t(navigator.onLine === false ? "request.offline_kept" : "request.server_unreachable_kept"), "wait");
    else showError(errorBox, null);
  }

  /** Why nothing can be asked in a break, and until when (drawn again only when it changes). */
  function drawBreak(closed) {
    const nodes = breakNodes(ctx.connection);
    const text = nodes.map((part) => (typeof part === "string" ? part : part.textContent)).join("");
    if (closed.textContent !== text) fill(closed, nodes);
  }

  /** A break's time to resume passing: said as due from then (every 250 ms, as the badge). */
  function tick() {
    const closed = $("request-closed");
    if (!closed.hidden && closed.dataset.reason === "segment_is_break" && ctx.connection) drawBreak(closed);
  }

  function render() {
    sayIfOffline();
    const section = $("request-section");
    const closed = $("request-closed");
    const { kinds, reasons } = offerOf(ctx.connection);
    const first = REQUESTABLE_KINDS.map((kind) => reasons[kind]).find(Boolean);

    // nothing on offer: say why (the first kind's reason), unless the server gave none; a break
    // says until when, naming the segment after it as the programme does
    closed.hidden = kinds.length > 0 || !first;
    closed.dataset.reason = closed.hidden ? "" : first.code;
    if (closed.hidden) closed.textContent = "";
    else if (first.code === "segment_is_break") drawBreak(closed);
    else if (first.code === "segment_ended" && hearingClosedAfter(ctx.connection.programme, segmentOf(ctx.connection)?.id)) {
      setText(closed, t("floor.hearing_closed")); // the day's last segment: not "no more requests" here
    } else setText(closed, reasonText(first.code));
    section.hidden = kinds.length === 0;
    if (!kinds.length) return;

    // holding a request already: what is left is behind a button
    const hasActive = myRequests(ctx.connection).some((request) => ACTIVE.has(request.status));
    const toggle = $("poo-toggle");
    toggle.hidden = !hasActive;
    const onlyPointOfOrder = kinds.length === 1 && kinds[0] === "point_of_order";
    setText(toggle, t(onlyPointOfOrder ? "request.poo_toggle" : "request.another"));
    toggle.setAttribute("aria-expanded", String(!hasActive || pooOpen));
    form.hidden = hasActive && !pooOpen;

    for (const kind of REQUESTABLE_KINDS) {
      const option = $(`kind-${kind}`);
      const allowed = kinds.includes(kind);
      option.hidden = !allowed;
      option.querySelector("input").disabled = !allowed;
    }
    const mode = kinds.join();
    if (mode !== formMode || !kinds.includes(form.elements.kind.value)) {
      formMode = mode;
      form.querySelector(`input[name=kind][value=${kinds[0]}]`).checked = true;
    }
    // some kinds refused to everyone (the list is closed): say so above the ones left
    const shut = REQUESTABLE_KINDS.map((kind) => reasons[kind]).find((reason) => reason && reason.everyone);
    const notice = $("request-notice");
    notice.hidden = !shut;
    if (shut) setText(notice, shut.code === "list_closed" ? t("request.list_closed") : reasonText(shut.code));
  }

  /** Say why (or what is going on) where the delegate is looking: by the button they pressed. */
  function tell(error, tone = "error") {
    showError(errorBox, error, tone);
    errorBox.scrollIntoView({ block: "nearest" });
  }

  /** While sending, the button says so and does nothing, yet keeps the focus (aria-disabled: a
   * disabled button under the focus would drop it to <body>). */
  function busy(on) {
    sending = on;
    if (on) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
    setText(button, t(on ? "request.sending" : "request.submit"));
  }

  async function submit(event) {
    event.preventDefault();
    const connection = ctx.connection;
    const segment = segmentOf(connection);
    if (!segment || sending) return;
    const kind = form.elements.kind.value;
    const note = $("request-note").value.trim();
    const body = JSON.stringify([segment.id, kind, note]);
    const quiet = quietUntil - performance.now();
    if (quiet > 0) {
      // the server asked this phone to wait: say so again, send nothing
      tell({ code: "rate_limited", seconds: Math.ceil(quiet / 1000) });
      return;
    }
    if (refused && refused.body === body && refused.version === connection.version) {
      tell(refused.error); // the same request in the same state: the same answer
      return;
    }
    if (!retry || retry.body !== body) retry = { id: newId(), body };
    const attempt = retry;
    busy(true);
    showError(errorBox, null);
    waitingForNetwork = false;
    sayIfOffline();
    try {
      await sendUntilAnswered(
        () =>
          viaSocket(connection, { type: "request_floor", kind, note }, { segmentId: segment.id, commandId: attempt.id }),
        { onRetry: (error, ms) => tell(waitingText(error, ms), "wait"), still: () => ctx.connection === connection },
      );
      retry = null;
      refused = null;
      showError(errorBox, null);
      form.reset();
      pooOpen = false;
      window.scrollTo(0, 0);
      // the answer is up there now: its heading ("Your request") takes the focus, and the live
      // region says what it is once (the cards read out as well would say it twice)
      $("status-heading").focus({ preventScroll: true });
      // the socket's `mine` frame, sent before the ack, has shown the request already
      ctx.render();
    } catch (error) {
      if (error instanceof Stopped) return;
      retry = null; // answered for good: a new try is a new request
      if (error.code === "unauthenticated") return ctx.signedOut();
      if (error.status === 429) quietUntil = performance.now() + retryAfterMs(error, 60000);
      else refused = { body, version: connection.version, error };
      tell(error);
    } finally {
      busy(false);
      waitingForNetwork = false;
    }
  }

  form.addEventListener("submit", submit);
  $("poo-toggle").addEventListener("click", () => {
    pooOpen = !pooOpen;
    render();
    if (pooOpen) form.querySelector("input:not([disabled])")?.focus();
  });

  return { render, tick };
}
