// Who holds this phone and its live connection: entering the floor of their event (after a
// join, or with the cookie of an earlier one), leaving, and being signed out by the server.
// A tab refused because this phone has the page open in too many tabs (close 4429) says so in
// the delegate's language and asks again every little while, coming up by itself once another
// tab is closed.

import { FloorConnection, PING_QUIETLY_MS, api, forEvent } from "../client.js";
import { fill, h } from "../dom.js";
import { t } from "../i18n.js";
import { ARMED_MS, tooSoon } from "./confirm.js";
import { OPEN, myRequests, segmentOf } from "./mine.js";
import { forget } from "./remember.js";
import { isolate, showError } from "./text.js";

/** How long a first connection may take before the phone says it is connecting, in ms. */
const SLOW_START_MS = 3000;

const $ = (id) => document.getElementById(id);

/** The close code of a socket refused because this phone's key has as many open as allowed. */
const CLOSE_TOO_MANY = 4429;
/** How long a tab refused for that waits before it asks again (and up to a fifth more). */
const CROWDED_RETRY_MS = 10000;

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
    const connection = new FloorConnection(`/ws/events/${encodeURIComponent(eventId)}`, { pingEveryMs: PING_QUIETLY_MS });
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
    });
    connection.addEventListener("servererror", (event) => {
      if (event.detail.code === "unauthenticated") return signedOut();
      showError($("floor-error"), event.detail, event.detail.code === "too_many_connections" ? "wait" : "error");
    });
    connection.addEventListener("closed", (event) => {
      if (event.detail.code === CLOSE_TOO_MANY && ctx.connection === connection) tooManyTabs(connection);
    });
    connection.start();
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

  /** The requests leaving would withdraw. */
  function openRequests() {
    const connection = ctx.connection;
    const segment = segmentOf(connection);
    return segment ? myRequests(connection).filter((r) => OPEN.has(r.status)) : [];
  }

  function leaveTapped(event) {
    if (isArmed()) {
      if (tooSoon(event, armed.at)) return; // the second tap of the first one's gesture
      disarm(); // "Stay"
      return;
    }
    if (!openRequests().length) return leave();
    armed = { at: event.timeStamp, until: performance.now() + ARMED_MS };
    drawLeave();
    ctx.announce([t("floor.leave_prompt")]);
    setTimeout(drawLeave, ARMED_MS + 50);
  }

  function leaveConfirmed(event) {
    if (!isArmed() || tooSoon(event, armed.at)) return;
    disarm();
    leave();
  }

  /** Leave this phone, withdrawing its open requests first. */
  async function leave() {
    const segment = segmentOf(ctx.connection);
    const open = openRequests();
    for (const request of open) {
      try {
        const path = `/segments/${encodeURIComponent(segment.id)}/floor-requests/${encodeURIComponent(request.id)}`;
        await api("DELETE", path);
      } catch {
        // offline or already decided: the moderator still sees it, as before
      }
    }
    try {
      await api("DELETE", "/session");
    } catch {
      // leaving must work offline too: the cookie goes with the next successful call
    }
    close();
    ctx.showJoin(null);
  }

  $("leave").addEventListener("click", leaveTapped);
  $("leave-yes").addEventListener("click", leaveConfirmed);

  return { enter, signedOut, showIdentity, drawLeave };
}
