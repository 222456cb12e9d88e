// Who holds this phone and its live connection: entering the floor of their event (after a
// join, or with the cookie of an earlier one), leaving, and being signed out by the server.

import { FloorConnection, api } from "../client.js";
import { fill } from "../dom.js";
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
    const connection = new FloorConnection(`/ws/events/${encodeURIComponent(eventId)}`);
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

  async function leave() {
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
