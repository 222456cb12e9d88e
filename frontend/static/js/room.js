// What the room's screens (display, speaker clock, interpreters' booth) share: the event in their
// address, the sign-in with their link, the live connection to the event, the redraw at each new
// second of the server's clock, keeping the screen awake, being identified from the desk, and
// saying so (#refused) when their link is already open on as many screens as the server allows.
import { ApiError, FloorConnection, api, forEvent, keepAwake, msToNextSecond, signIn, tickOnTheSecond } from "./client.js";
import { identifyOnRequest } from "./identify.js";

/** The close code of a socket whose link was revoked or has expired (app/api/sockets.py). */
const CLOSE_UNAUTHENTICATED = 4401;
/** What a browser reports for a socket refused at its handshake, or cut by the network. */
const CLOSE_ABNORMAL = 1006;
/** The close code of a socket whose sign-in is for another meeting day than the screen's. */
const CLOSE_FORBIDDEN = 4403;
/** The close code of a socket refused because its link is open on as many screens as allowed. */
const CLOSE_TOO_MANY = 4429;
/** How long a screen refused for its link's cap waits before it asks again (and up to a fifth
 * more, at random, so that the screens refused together do not all ask at once): soon the first
 * times (a screen moving off a server process that died is refused while that process's sockets
 * still count, for a few seconds), then every 10 s. */
const CROWDED_RETRY_MS = [3000, 3000, 10000];

/**
 * Since when (the server's clock, as this screen estimates it) a room screen's connection has not
 * been live, or null: while it is live, and while it first connects (it has nothing to show yet).
 * What a screen shows meanwhile is the last known ("no connection since 14:02"); it is live again at
 * the first snapshot or update.
 */
export function notLiveSince(connection) {
  return connection.lostAt ?? null; // kept by the connection as its status changes
}

/** Whether the server says this browser is not signed in any more (false if it cannot say). */
async function signedOut() {
  try {
    await api("GET", "/session");
    return false;
  } catch (error) {
    return error instanceof ApiError && error.status === 401;
  }
}

/** The event id, the last segment of the page's path (/display/{event_id}). */
export function eventIdFromPath() {
  return decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
}

/**
 * Sign in with the link's key, then follow the event: `render(connection)` on every change,
 * `tick(connection)` at each new second of the speaker's time (else every `idleMs`), `fit()` when
 * the window or the fonts change size; `invalid(reason)` when the link does not sign in (reason
 * "other_event": this browser is signed in for another room's screen only), `ready(connection)`
 * once the connection exists, `onStatus(connection)` when its status changes (`notLiveSince`
 * says since when it is not live), `onSleepRisk(reason)` when the screen cannot be kept awake
 * (client.js keepAwake: "unsupported" or "refused").
 */
export async function startRoomScreen({
  face,
  invalid,
  ready = null,
  render,
  tick,
  fit,
  idleMs = 100,
  onStatus = null,
  onSleepRisk = null,
}) {
  // this room's sign-in, before another room's that this browser holds for the same face
  forEvent(eventIdFromPath());
  let session;
  try {
    session = await signIn();
  } catch {
    session = null;
  }
  if (!session) {
    invalid();
    return null;
  }
  if (session.event_id && session.event_id !== eventIdFromPath()) {
    // signed in for another room only (its link was opened here since, this room's expired):
    // said so, not followed for ever with nothing shown
    invalid("other_event");
    return null;
  }
  keepAwake({ onRefused: onSleepRisk });
  const connection = new FloorConnection(`/ws/events/${encodeURIComponent(eventIdFromPath())}`, { face });
  identifyOnRequest(connection); // the organiser's desk can ask which screen this is
  if (ready) ready(connection);
  connection.addEventListener("change", () => render(connection));
  const refused = document.getElementById("refused");
  let crowdedTimes = 0; // refusals in a row, for the wait before the next try
  connection.addEventListener("status", (event) => {
    if (event.detail === "live") {
      refused.hidden = true; // a screen was closed: this one is in
      crowdedTimes = 0;
    }
    // the refusal says more than "reconnecting" does, and that it tries again
    document.getElementById("connection").hidden = event.detail !== "reconnecting" || !refused.hidden;
    if (onStatus) onStatus(connection);
  });
  // this link is open on as many screens as the server allows (close 4429): say so, in place of
  // anything else (the screen follows nothing meanwhile, and knows no time of day), and ask again
  // in a while, so that it comes up by itself once another screen is closed
  let retry = null;
  const crowded = () => {
    refused.hidden = false;
    connection.stop();
    connection.setStatus(connection.segmentId === null ? "connecting" : "reconnecting");
    clearTimeout(retry);
    const wait = CROWDED_RETRY_MS[Math.min(crowdedTimes, CROWDED_RETRY_MS.length - 1)];
    crowdedTimes += 1;
    retry = setTimeout(() => connection.start(), wait * (1 + Math.random() / 5));
  };
  // the link was revoked or has expired: not a network fault to reconnect from for ever with the
  // join code still up. The page starts again from its sign-in, which shows the screen's "not
  // valid any more" and nothing of the event. An open socket is told so (close 4401); one that
  // reconnects after it (a Wi-Fi drop, a restart) is refused at the handshake, which a browser
  // reports as 1006, as it does a network fault: then the session says which it was.
  const restart = () => {
    connection.stop();
    location.reload();
  };
  connection.addEventListener("closed", async (event) => {
    if (event.detail.code === CLOSE_UNAUTHENTICATED || event.detail.code === CLOSE_FORBIDDEN) restart();
    else if (event.detail.code === CLOSE_TOO_MANY) crowded();
    else if (event.detail.code === CLOSE_ABNORMAL && (await signedOut())) restart();
  });
  connection.start();
  // each new second drawn at the instant the server's clock reaches it, on every screen alike
  const redraw = tickOnTheSecond(
    () => tick(connection),
    () => msToNextSecond(connection.state?.current?.timer, connection.clock.now()),
    idleMs,
  );
  connection.addEventListener("change", redraw);
  window.addEventListener("resize", () => fit());
  document.fonts.addEventListener("loadingdone", () => fit()); // sizes change with the font
  window.floorConnection = connection; // for the browser tests and for debugging in the room
  return connection;
}
