// Who holds this phone and its live connection: entering the floor of their event (after a
// join, or with the cookie of an earlier one), leaving, and being signed out by the server.

import { FloorConnection, PING_QUIETLY_MS, api } from "../client.js";
import { fill } from "../dom.js";
import { t } from "../i18n.js";
import { OPEN, myRequests, segmentOf } from "./mine.js";
import { forget } from "./remember.js";
import { isolate, showError, tNodes } from "./text.js";

const $ = (id) => document.getElementById(id);

/** The page's views: one is shown at a time. */
export function show(view) {
  for (const name of ["loading", "invalid", "join", "floor"]) $(`view-${name}`).hidden = name !== view;
}

export function createSession(ctx) {
  function showIdentity() {
    const who = ctx.participant;
    $("identity").hidden = !(who && who.name);
    if (!who || !who.name) return;
    const label = who.organisation ? `${who.name} · ${who.organisation}` : who.name;
    fill($("identity"), tNodes("floor.signed_in", { name: label }));
  }

  /** Follow the delegate's event live; its details come with the socket's snapshot. */
  function enter(participant, eventId) {
    ctx.participant = participant;
    ctx.eventId = eventId;
    showIdentity();
    fill($("segment-title"), ctx.info ? isolate(ctx.info.title) : ""); // until the snapshot says more
    show("floor");
    const connection = new FloorConnection(`/ws/events/${encodeURIComponent(eventId)}`, { pingEveryMs: PING_QUIETLY_MS });
    ctx.connection = connection;
    connection.addEventListener("change", ctx.render);
    connection.addEventListener("status", () => {
      $("connection").hidden = connection.status !== "reconnecting";
    });
    connection.addEventListener("servererror", (event) => {
      if (event.detail.code === "unauthenticated") return signedOut();
      showError($("floor-error"), event.detail);
    });
    connection.start();
  }

  function close() {
    forget();
    if (ctx.connection) ctx.connection.stop();
    ctx.connection = null;
    ctx.participant = null;
    ctx.eventId = null;
    ctx.resetFloor();
    $("connection").hidden = true;
  }

  /** The server no longer knows this phone's credential: back to the join form, saying why. */
  function signedOut() {
    close();
    ctx.showJoin({ code: "unauthenticated" });
  }

  let armed = null; // a first tap on Leave while a request is open: the second one leaves

  /** Leave this phone. With a request open, a first tap says it will be withdrawn (else it would
   * stay on the moderator's list with nobody holding the phone); the second withdraws and leaves. */
  async function leave() {
    const connection = ctx.connection;
    const segment = segmentOf(connection);
    const open = segment ? myRequests(connection).filter((r) => OPEN.has(r.status)) : [];
    const button = $("leave");
    if (open.length && armed === null) {
      button.textContent = t("floor.leave_confirm");
      armed = setTimeout(() => {
        armed = null;
        button.textContent = t("floor.leave");
      }, 5000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.textContent = t("floor.leave");
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

  $("leave").addEventListener("click", leave);

  return { enter, signedOut, showIdentity };
}
