// Who holds this phone and its live connection: entering the floor of their event (after a
// join, or with the cookie of an earlier one), leaving, and being signed out by the server.
// A tab refused because this phone has the page open in too many tabs (close 4429) says so in
// the delegate's language and asks again every little while, coming up by itself once another
// tab is closed.
//
// Leaving with a request open withdraws it first, and leaves only once the server has it: while
// the phone is offline, the leave waits (the phone says it will leave once the withdrawal is
// sent, and the delegate may cancel that until it is), and the withdrawal goes with its command
// id when the line is back, so that a retry is applied once. A withdrawal refused (the request
// was decided meanwhile: they are called, or declined) leaves nothing: the phone says so. A leave
// that waits is kept in this browser (sessionStorage, per room and delegate) until it is done or
// cancelled: a page reloaded meanwhile (the delegate, or the browser once the signal is back)
// takes it up again, with the same command ids, instead of staying signed in with the request
// live.

import { FloorConnection, PING_QUIETLY_MS, api, forEvent, newId } from "../client.js";
import { fill, h } from "../dom.js";
import { t } from "../i18n.js";
import { ARMED_MS, tooSoon } from "./confirm.js";
import { OPEN, myRequests, segmentOf } from "./mine.js";
import { forget } from "./remember.js";
import { Stopped, sendUntilAnswered, viaSocket } from "./send.js";
import { errorText, isolate, showError, tNodes } from "./text.js";

/** Where a leave waiting for its withdrawals is kept across a reload of the page. */
const LEAVING = "floorkeeper.delegate.leaving";

/** How long a first connection may take before the phone says it is connecting, in ms. */
const SLOW_START_MS = 3000;

const $ = (id) => document.getElementById(id);

/** The close code of a socket refused because this phone's key has as many open as allowed. */
const CLOSE_TOO_MANY = 4429;
/** How long a tab refused for that waits before it asks again (and up to a fifth more). */
const CROWDED_RETRY_MS = 10000;

/**
 * The delegate's connection: a snapshot also says what became of their places in ended segments
 * the phone no longer follows (the server's `elsewhere`: per segment, their requests and turns
 * there), kept as the `mine` frames of those segments are (`mineElsewhere`, `turnsElsewhere`).
 * What it says of the ended segments replaces what was known of them.
 */
class DelegateConnection extends FloorConnection {
  adopt(snapshot) {
    super.adopt(snapshot);
    const elsewhere = snapshot.elsewhere;
    if (!elsewhere) return;
    const ended = new Set((snapshot.programme || []).filter((s) => s.status === "ended").map((s) => s.id));
    const kept = (table) => Object.fromEntries(Object.entries(table).filter(([id]) => !ended.has(id)));
    const mine = kept(this.mineElsewhere);
    const turns = kept(this.turnsElsewhere);
    for (const [segmentId, told] of Object.entries(elsewhere)) {
      mine[segmentId] = told.requests || [];
      turns[segmentId] = told.turns || [];
    }
    this.mineElsewhere = mine;
    this.turnsElsewhere = turns;
  }
}

/** The page's views: one is shown at a time; `signedOut` puts the notice that the server signed
 * this phone out above it (or alone, `view` null, when its link does not work any more). */
export function show(view, { signedOut = false } = {}) {
  for (const name of ["loading", "invalid", "join", "floor"]) $(`view-${name}`).hidden = name !== view;
  $("signed-out").hidden = !signedOut;
  $("signed-out-join").hidden = view !== "join";
}

export function createSession(ctx) {
  function showIdentity() {
    const who = ctx.participant;
    $("identity").hidden = !(who && who.name);
    if (!who || !who.name) return;
    // the name and the organisation each in its own script's voice (the server's name_lang and
    // organisation_lang, with the snapshot's `you`), each isolated
    const label = [
      h("bdi", { lang: who.name_lang || null }, who.name),
      who.organisation ? [" · ", h("bdi", { lang: who.organisation_lang || null }, who.organisation)] : null,
    ];
    fill(
      $("identity"),
      t("floor.signed_in")
        .split(/(\{name\})/)
        .map((part) => (part === "{name}" ? label : part))
        .filter((part) => part !== ""),
    );
  }

  /** Follow the delegate's event live; its details come with the socket's snapshot. `joined`:
   * they have just pressed Join, whose form is gone: focus goes to the floor's heading and a
   * screen reader is told, once, whom they joined as. */
  function enter(participant, eventId, { joined = false } = {}) {
    ctx.participant = participant;
    ctx.eventId = eventId;
    forEvent(eventId); // this room's sign-in, if the phone holds another room's too
    showIdentity();
    fill($("segment-title"), ctx.info ? isolate(ctx.info.title) : ""); // until the snapshot says more
    show("floor");
    if (joined) {
      $("segment-title").focus();
      const label = participant.organisation ? `${participant.name} · ${participant.organisation}` : participant.name;
      ctx.announce([t("floor.signed_in", { name: `\u2068${label}\u2069` })]); // the name isolated
    }
    const connection = new DelegateConnection(`/ws/events/${encodeURIComponent(eventId)}`, { pingEveryMs: PING_QUIETLY_MS });
    ctx.connection = connection;
    window.floorConnection = connection; // for the browser tests, as on the other faces
    connection.addEventListener("change", ctx.render);
    // the line's state said at the top: "Reconnecting…" at once; "Connecting…" once a first
    // connection has taken a while (a slow line: the page would else stay blank, with nothing
    // said), not for the usual second it takes
    let slowStart = false;
    const sayLine = () => {
      const banner = $("connection");
      const key = connection.status === "connecting" ? "conn.connecting" : "conn.reconnecting";
      if (banner.dataset.i18n !== key) {
        banner.dataset.i18n = key; // a new language keeps the right words
        fill(banner, t(key));
      }
      banner.hidden = !(connection.status === "reconnecting" || (connection.status === "connecting" && slowStart));
    };
    setTimeout(() => {
      slowStart = true;
      sayLine();
    }, SLOW_START_MS);
    connection.addEventListener("status", () => {
      sayLine();
      if (connection.status === "live" && crowded) {
        crowded = false; // another tab was closed: this one is in
        showError($("floor-error"), null);
      }
      if (connection.state) ctx.render(); // a request being sent says it waits for the network
      // the line is back: the leave's withdrawals go once the connection has sent what it kept
      // (a command sent while it does so would go twice: answered once, refused once)
      if (leaving && leaving.connection === connection) queueMicrotask(sendWithdrawals);
    });
    connection.addEventListener("servererror", (event) => {
      if (event.detail.code === "unauthenticated") return signedOut();
      showError($("floor-error"), event.detail, event.detail.code === "too_many_connections" ? "wait" : "error");
    });
    connection.addEventListener("closed", (event) => {
      if (event.detail.code === CLOSE_TOO_MANY && ctx.connection === connection) tooManyTabs(connection);
    });
    connection.start();
    resumeLeave(connection);
  }

  /** Keep the leave that waits (or forget it, none waiting), for a reload of the page. */
  function keepLeaving() {
    try {
      if (!leaving) return sessionStorage.removeItem(LEAVING);
      const who = ctx.participant ? ctx.participant.id : null;
      const kept = { event_id: ctx.eventId, participant_id: who, requests: leaving.requests, started: leaving.started };
      sessionStorage.setItem(LEAVING, JSON.stringify(kept));
    } catch {
      // not kept: a reload forgets the leave (the phone then says it is signed in)
    }
  }

  /** A leave this room's delegate confirmed before the page was reloaded: it goes on, waiting
   * for the line as it did, its withdrawals with the command ids they had. */
  function resumeLeave(connection) {
    let kept;
    try {
      kept = JSON.parse(sessionStorage.getItem(LEAVING) || "null");
    } catch {
      return;
    }
    const who = ctx.participant ? ctx.participant.id : null;
    if (!kept || kept.event_id !== ctx.eventId || kept.participant_id !== who || !Array.isArray(kept.requests)) return;
    leaving = { connection, requests: kept.requests, sending: false, started: kept.started === true };
    drawLeaving();
    sendWithdrawals();
  }

  let crowded = false; // this tab was refused for too many tabs, and asks again in a while
  let crowdedRetry = null;

  /** This phone has the page open in as many tabs as its key allows: say so, ask again later. */
  function tooManyTabs(connection) {
    crowded = true;
    connection.stop();
    if (connection.segmentId !== null) connection.setStatus("reconnecting");
    showError($("floor-error"), { code: "too_many_connections" }, "wait");
    clearTimeout(crowdedRetry);
    crowdedRetry = setTimeout(() => {
      if (ctx.connection === connection) connection.start();
    }, CROWDED_RETRY_MS * (1 + Math.random() / 5));
  }

  function close() {
    leaving = null;
    keepLeaving();
    drawLeaving();
    showError($("leave-error"), null);
    forget(ctx.eventId); // this room's: a phone in two rooms is still in the other
    if (ctx.connection) ctx.connection.stop();
    clearTimeout(crowdedRetry);
    crowded = false;
    disarm();
    ctx.connection = null;
    ctx.participant = null;
    ctx.eventId = null;
    ctx.info = null; // the link is looked up again: its code may have been rotated meanwhile
    ctx.resetFloor();
    $("connection").hidden = true;
  }

  /** The server no longer knows this phone's credential (the secretariat removed the delegate,
   * or gave them a phone link for another phone): say it was signed out, and the join form if
   * this link still works. */
  function signedOut() {
    close();
    ctx.showJoin(null, { signedOut: true });
  }

  // Leave with a request open: the first tap turns Leave into "Stay" and shows "Withdraw and
  // leave" below it (else the request would stay on the moderator's list with nobody holding
  // the phone); taps within GUARD_MS of the first are ignored (confirm.js).
  let armed = null; // {at: the first tap's event.timeStamp, until: performance.now() deadline}
  const isArmed = () => armed !== null && performance.now() < armed.until;

  function drawLeave() {
    const on = isArmed();
    if (!on) armed = null;
    $("leave").textContent = t(on ? "floor.stay" : "floor.leave");
    $("leave-confirm").hidden = !on;
    if (on) $("leave-yes").dataset.armedAt = String(armed.at); // for the browser tests
    else delete $("leave-yes").dataset.armedAt;
  }

  function disarm() {
    armed = null;
    drawLeave();
  }

  /** The requests leaving would withdraw, each `{id, segmentId}`: the open ones in the followed
   * segment, and those the server told of elsewhere (a place carried on to a segment to come, or
   * still waiting in one that ended). */
  function openRequests() {
    const connection = ctx.connection;
    if (!connection) return [];
    const segment = segmentOf(connection);
    const here = segment
      ? myRequests(connection)
          .filter((r) => OPEN.has(r.status))
          .map((r) => ({ id: r.id, segmentId: segment.id }))
      : [];
    const there = Object.entries(connection.mineElsewhere || {}).flatMap(([segmentId, requests]) =>
      segmentId === segment?.id
        ? []
        : requests.filter((r) => OPEN.has(r.status)).map((r) => ({ id: r.id, segmentId })),
    );
    return [...here, ...there.filter((r) => !here.some((one) => one.id === r.id))];
  }

  function leaveTapped(event) {
    if (leaving) return; // leaving already: the box below says how it goes
    if (isArmed()) {
      if (tooSoon(event, armed.at)) return; // the second tap of the first one's gesture
      disarm(); // "Stay"
      return;
    }
    showError($("leave-error"), null);
    if (!openRequests().length) return leave();
    armed = { at: event.timeStamp, until: performance.now() + ARMED_MS };
    drawLeave();
    ctx.announce([t("floor.leave_prompt")]);
    setTimeout(drawLeave, ARMED_MS + 50);
  }

  function leaveConfirmed(event) {
    if (!isArmed() || tooSoon(event, armed.at)) return;
    const focused = $("leave-confirm").contains(document.activeElement);
    disarm();
    leave();
    if (focused) ($("leave-waiting").hidden ? $("leave") : $("leave-cancel")).focus(); // not lost
  }

  // A leave that waits for its withdrawals: {connection, requests: [{id, segmentId, commandId,
  // done}], sending, started}. Each withdrawal has its command id from the moment the delegate
  // confirmed: sent again unchanged, it is applied once. `started`: a withdrawal went to the
  // server once (kept across a reload): it may have been applied unanswered, so the leave can no
  // longer be cancelled, only finished.
  let leaving = null;

  /** The box that says the leave waits (offline) or is withdrawing; Cancel until it is sent. */
  function drawLeaving() {
    const box = $("leave-waiting");
    box.hidden = !leaving;
    if (leaving) $("leave").setAttribute("aria-disabled", "true");
    else $("leave").removeAttribute("aria-disabled");
    if (!leaving) return;
    const waiting = !leaving.sending && leaving.connection.status !== "live";
    const key = waiting ? "floor.leave_waiting" : "floor.leave_withdrawing";
    const text = $("leave-waiting-text");
    if (text.dataset.i18n !== key || text.textContent !== t(key)) {
      text.dataset.i18n = key;
      fill(text, t(key));
    }
    const cancel = $("leave-cancel");
    const sent = leaving.sending || leaving.started; // on its way: it cannot be taken back
    if (sent && cancel === document.activeElement) $("leave").focus(); // not lost
    cancel.hidden = sent;
  }

  /** Leave this phone: its open requests withdrawn first (once the line allows), then signed off. */
  async function leave() {
    const connection = ctx.connection;
    const open = openRequests();
    if (!open.length || !connection) return signOff();
    leaving = {
      connection,
      requests: open.map((request) => ({ ...request, commandId: newId(), done: false })),
      sending: false,
      started: false,
    };
    keepLeaving();
    drawLeaving();
    if (connection.status !== "live") ctx.announce([t("floor.leave_waiting")]);
    sendWithdrawals();
  }

  /** Send the leave's withdrawals once the line is live (called again when it comes back); leave
   * when the server has them all, else say why not and stay. */
  async function sendWithdrawals() {
    const attempt = leaving;
    if (!attempt || attempt.sending) return;
    if (attempt.connection.status !== "live") return drawLeaving(); // waits for the line
    attempt.sending = true;
    attempt.started = true;
    keepLeaving();
    drawLeaving();
    ctx.announce([t("floor.leave_withdrawing")]);
    const still = () => leaving === attempt && ctx.connection === attempt.connection;
    try {
      for (const request of attempt.requests) {
        if (request.done) continue;
        // carried on meanwhile (the segment ended while the phone was offline): the request
        // lives on, under its id, in the segment it was carried to; withdrawn there
        const now = openRequests().find((open) => open.id === request.id);
        if (now) request.segmentId = now.segmentId;
        const command = { type: "withdraw_request", request_id: request.id };
        await sendUntilAnswered(
          () => viaSocket(attempt.connection, command, { segmentId: request.segmentId, commandId: request.commandId }),
          { still },
        );
        request.done = true;
        keepLeaving();
      }
    } catch (error) {
      if (error instanceof Stopped || leaving !== attempt) return;
      leaving = null;
      keepLeaving();
      drawLeaving();
      if (error.code === "unauthenticated") return signedOut();
      // decided meanwhile (called, declined, taken off the list): the cards show how; stay
      const decided = error.code === "not_withdrawable" || error.code === "not_found";
      showError($("leave-error"), decided ? t("floor.leave_decided") : tNodes("floor.leave_refused", { reason: errorText(error) }));
      ctx.render();
      return;
    }
    if (leaving !== attempt) return;
    leaving = null;
    await signOff();
  }

  /** The delegate cancels a leave still waiting for the line: nothing was sent, nothing changes. */
  function cancelLeave() {
    if (!leaving || leaving.sending || leaving.started) return;
    leaving = null;
    keepLeaving();
    drawLeaving();
    ctx.announce([t("floor.leave_cancelled")]);
    $("leave").focus();
  }

  async function signOff() {
    try {
      await api("DELETE", "/session");
    } catch {
      // the server may be out of reach: the cookie goes with the next successful call
    }
    close();
    ctx.showJoin(null);
  }

  $("leave").addEventListener("click", leaveTapped);
  $("leave-yes").addEventListener("click", leaveConfirmed);
  $("leave-cancel").addEventListener("click", cancelLeave);

  return { enter, signedOut, showIdentity, drawLeave, drawLeaving };
}
