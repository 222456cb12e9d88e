// Floorkeeper's shared client: sign-in, REST calls, the live connection (snapshot, updates,
// resume from the last version, reconnect with backoff and jitter), the server's clock, the
// timer maths and the wake lock. Every face imports this one module; nothing here renders (its
// messages are looked up in the page's language: ./i18n.js, and ./i18n/staff.js for sign-in).

import { t } from "./i18n.js";

/** Local time that never jumps when the device's clock is set (monotonic, in epoch ms). */
export const localNow = () => performance.timeOrigin + performance.now();

/** A command id: random, made here, sent again unchanged when a command is retried. */
export function newId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes); // works on plain http too, unlike crypto.randomUUID
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/**
 * How often a socket asks the server the time (and whether the line still answers), in ms: the
 * room's screens and the console every 5 s, so a dead line is said within seconds; a phone or a
 * viewer of the public page (thousands of them) every 15 s.
 */
export const PING_EVERY_MS = 5000;
export const PING_QUIETLY_MS = 15000;
/** How long a ping may wait for its answer before the line is given up as dead, in ms; longer
 * on a line known to be slow (`answerWaitMs`), at most MAX_ANSWER_WAIT_MS. */
export const PONG_WAIT_MS = 4000;
export const MAX_ANSWER_WAIT_MS = 20000;
/** How long a socket may take to open before it is given up and tried again, in ms: a handshake
 * sent as the network went (a phone between mobile data and Wi-Fi) may never be answered, and a
 * browser waits minutes for it (Chromium 240 s). A slow line (400 kbit/s, 400 ms) opens in 2 s. */
export const OPEN_WAIT_MS = 10000;
/** The longest a socket may take to open once shorter waits have failed in a row (a slow line:
 * a handshake takes two round trips, 10 s at a 5 s round trip). */
export const MAX_OPEN_WAIT_MS = 40000;

// The roles this face acts as, in order. A browser may hold several sign-ins at once (the
// console and, in another window, the room display): each role has its own cookie, and the
// server uses the one this face asks for.
let roles = [];

/** Say which credential this face uses, e.g. actAs("moderator", "organiser"). */
export function actAs(...wanted) {
  roles = wanted;
}

// The meeting day this face works on, once known: one browser may hold the same face's sign-in
// for several rooms (a cookie per day, app/auth.py), and the server takes that day's.
let eventHint = null;

/** Say which meeting day this face works on (its address's, or the one its sign-in is for). */
export function forEvent(eventId) {
  eventHint = eventId || null;
}

/** Call the REST API with the session cookie; resolve to JSON, reject with ApiError. */
export async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: {} };
  if (roles.length) options.headers["X-Floorkeeper-As"] = roles.join(",");
  if (eventHint) options.headers["X-Floorkeeper-Event"] = eventHint;
  if (body instanceof FormData) {
    options.body = body; // a file upload: the browser writes the multipart boundary
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, options);
  } catch {
    throw new ApiError(0, "offline", t("error.offline"), null);
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not the server's JSON: a proxy's page (an HTML 502 while the server restarts), a captive
    // portal's: said as what it is, with its status, in the page's language
    throw new ApiError(response.status, "unreadable_answer", t("error.unreadable_answer", { status: response.status }), null);
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    const refused = new ApiError(response.status, error.code || "http_error", error.message || response.statusText, data);
    // a 401 says whether a secret was shown and refused (RFC 6750's error="invalid_token": a
    // link revoked or expired) or none was (this browser never signed in at this address)
    if (response.status === 401) refused.tokenRefused = /\berror="invalid_token"/.test(response.headers.get("WWW-Authenticate") || "");
    throw refused;
  }
  return data;
}

// Why the last signIn() found this face not signed in: "refused" (the key in the address, or
// this browser's sign-in, was refused: revoked, expired, or not a link for this face), "none"
// (this browser showed no sign-in at all: it never opened a link at this address, or its cookie
// is gone), or null (signed in, or not asked yet).
let notSignedIn = null;
let watchingForKey = false;

/** Why this face is not signed in, after signIn(): "refused", "none" or null (see above). */
export function whyNotSignedIn() {
  return notSignedIn;
}

/**
 * Exchange a key that arrived in the address (#key=...) for an HttpOnly cookie, take it out of
 * the address bar, and say who we are. Resolves to the session, or null when not signed in.
 */
export async function signIn() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const key = fragment.get("key");
  notSignedIn = null;
  if (!watchingForKey) {
    // a link opened in a tab already at its address (a screen that says it is not signed in
    // here) changes only the fragment, which loads nothing: load the page again to sign in
    watchingForKey = true;
    window.addEventListener("hashchange", () => {
      if (new URLSearchParams(location.hash.slice(1)).get("key")) location.reload();
    });
  }
  if (key) {
    history.replaceState(null, "", location.pathname + location.search);
    let opened;
    try {
      opened = await api("POST", "/session", { token: key });
    } catch (error) {
      if (error.status === 401 || error.status === 403) notSignedIn = "refused";
      throw error;
    }
    if (opened && opened.event_id) forEvent(opened.event_id); // the day this key is for, from now on
  }
  try {
    return await api("GET", "/session");
  } catch (error) {
    if (error.status !== 401) throw error;
    // a key opened here that does not sign this face in is refused, whatever the cookie
    notSignedIn = key || error.tokenRefused ? "refused" : "none";
    return null;
  }
}

/**
 * A staff page's sign-in (the console, the rapporteur's page; `linkName` is its link's role): the key exchanged for its cookie,
 * the session checked against the roles the page is for, and the meeting day it works on (an
 * organiser's key reaches every event: `?event=…`, else the first). Resolves with
 * `{session, eventId}`; rejects with an Error whose message is what the page shows instead.
 */
export async function signInToEvent(roles, linkName) {
  // the room this page was open on (?event=…): its sign-in before another room's
  const wantedEvent = new URLSearchParams(location.search).get("event");
  if (wantedEvent) forEvent(wantedEvent);
  let session;
  try {
    session = await signIn();
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      throw new Error(t("staff.signin.revoked"), { cause: error });
    }
    throw new Error(t("staff.signin.failed", { message: error.message }), { cause: error });
  }
  if (!session) throw new Error(t("staff.signin.none"));
  if (!roles.includes(session.role)) {
    throw new Error(t("staff.signin.wrong_role", { role: t(`staff.role.${session.role}`), page: t(`staff.page.${linkName}`) }));
  }
  let eventId = session.event_id;
  if (!eventId) {
    const events = await api("GET", "/events");
    const event = events.find((e) => e.id === wantedEvent) || events[0];
    if (!event) throw new Error(t("staff.signin.no_event"));
    eventId = event.id;
  }
  // the day in the address, so that a reload signs in to this room's again (a browser may hold
  // another room's sign-in for this face too)
  forEvent(eventId);
  const params = new URLSearchParams(location.search);
  if (params.get("event") !== eventId) {
    params.set("event", eventId);
    history.replaceState(history.state, "", `${location.pathname}?${params}`);
  }
  return { session, eventId };
}

/** JSON Patch (add, remove, replace, move), as the server's app/patch.py makes it. */
export function applyPatch(document, ops) {
  const tokens = (path) => path.split("/").slice(1).map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  const parentOf = (doc, path) => {
    const parts = tokens(path);
    let node = doc;
    for (const part of parts.slice(0, -1)) node = Array.isArray(node) ? node[Number(part)] : node[part];
    const last = parts[parts.length - 1];
    return [node, Array.isArray(node) ? Number(last) : last];
  };
  const remove = (doc, path) => {
    const [parent, key] = parentOf(doc, path);
    if (Array.isArray(parent)) return parent.splice(key, 1)[0];
    const value = parent[key];
    delete parent[key];
    return value;
  };
  const add = (doc, path, value) => {
    if (path === "") return value;
    const [parent, key] = parentOf(doc, path);
    if (Array.isArray(parent)) parent.splice(key, 0, value);
    else parent[key] = value;
    return doc;
  };
  for (const op of ops) {
    if (op.op === "add") document = add(document, op.path, op.value);
    else if (op.op === "remove") remove(document, op.path);
    else if (op.op === "move") document = add(document, op.path, remove(document, op.from));
    else if (op.op === "replace") {
      if (op.path === "") document = op.value;
      else {
        const [parent, key] = parentOf(document, op.path);
        parent[key] = op.value;
      }
    }
  }
  return document;
}

/**
 * How far the device's wall clock (Date.now) may move apart from the monotonic one in one reading
 * to the next before the monotonic clock is taken to have stopped (ms): on a phone or a Mac,
 * performance.now() does not advance while the device sleeps (w3c/hr-time#115), so after a sleep
 * every offset measured before it is wrong by the sleep's length.
 */
export const CLOCK_JUMP_MS = 1000;

/**
 * The server's clock as seen from here, NTP-style: offset = server_time - (sent + received) / 2
 * from the sample with the lowest round trip among the recent ones.
 *
 * Each reading compares how far the wall clock and the monotonic clock moved since the last
 * one. When they part by more than CLOCK_JUMP_MS (the device slept: the monotonic clock stood
 * still), the samples are dropped (an answer to a ping sent before it is dropped too), the offset
 * moves by what the monotonic clock missed (when the wall clock ran ahead, as a sleep makes it),
 * and `onJump()` is called so that the connection asks the server the time at once.
 */
export class ServerClock {
  constructor(keep = 8) {
    this.keep = keep;
    this.samples = [];
    this.offset = 0;
    this.roundTrip = null;
    this.since = -Infinity; // samples of pings sent before this local instant are not believed
    this.onJump = null;
    this.seen = null; // {wall, mono}: the two clocks at the last reading
  }

  add(sentAt, receivedAt, serverTime) {
    this.checkJump();
    const roundTrip = receivedAt - sentAt;
    if (roundTrip < 0 || typeof serverTime !== "number" || !(sentAt >= this.since)) return;
    this.samples.push({ roundTrip, offset: serverTime - (sentAt + receivedAt) / 2 });
    if (this.samples.length > this.keep) this.samples.shift();
    const best = this.samples.reduce((a, b) => (b.roundTrip < a.roundTrip ? b : a));
    this.offset = best.offset;
    this.roundTrip = best.roundTrip;
  }

  /** A rough first estimate from a snapshot, until a ping has come back. */
  seed(serverTime, receivedAt) {
    this.checkJump();
    if (!this.samples.length && typeof serverTime === "number") this.offset = serverTime - receivedAt;
  }

  /** Whether the monotonic clock stood still (or leapt) since the last reading; if so, start over. */
  checkJump() {
    const wall = Date.now();
    const mono = localNow();
    const seen = this.seen;
    this.seen = { wall, mono };
    if (!seen) return false;
    const missed = wall - seen.wall - (mono - seen.mono);
    if (Math.abs(missed) <= CLOCK_JUMP_MS) return false;
    // a sleep: the wall clock ran on, the monotonic one did not; the server's clock ran on too
    if (missed > 0) this.offset += missed;
    this.samples = [];
    this.roundTrip = null;
    this.since = mono;
    if (this.onJump) this.onJump();
    return true;
  }

  now() {
    this.checkJump();
    return localNow() + this.offset;
  }
}

/** The programme entry `segmentId` (as the server sent it), or null. */
export function entryOf(programme, segmentId) {
  return (segmentId && (programme || []).find((segment) => segment.id === segmentId)) || null;
}

/**
 * Where the meeting goes on after the break `segmentId`: the programme entry the server names as
 * its `resumes_with_id` (the first after it still to come that is no break:
 * app/floor/following.py); null when none is. For what a face shows (a break's "resumes at",
 * whom a phone will ask the floor in), never to decide what may be asked.
 */
export function segmentAfterBreak(programme, segmentId) {
  const entry = entryOf(programme, segmentId);
  return entry ? entryOf(programme, entry.resumes_with_id) : null;
}

/**
 * Whether the hearing has closed once `segmentId` has ended, as the server says it
 * (`closes_hearing`: nothing after it is still to come; app/floor/following.py). False when the
 * programme does not name it (none yet). For what a face says ("The hearing has closed").
 */
export function hearingClosedAfter(programme, segmentId) {
  const entry = entryOf(programme, segmentId);
  return Boolean(entry && entry.closes_hearing);
}

/** Milliseconds left on a timer view at server time `now` (negative in overtime), or null. */
export function remainingMs(timer, now) {
  if (!timer) return null;
  if (timer.state === "running") return timer.deadline_at - now;
  return timer.remaining_ms;
}

/** How long after its line is lost a face stops claiming the timer's phase: a blip of a second
 * or two changes nothing on screen. */
export const LOST_AFTER_MS = 3000;

/**
 * The speaker's time a face shows at server time `now`, its line lost since `since` (the
 * connection's `lostAt`; null while live): `{ms, phase, lost}`. Once lost for LOST_AFTER_MS the
 * time goes on as it was known but claims nothing the server has not said: no amber, red or
 * overtime (the moderator may have paused it or given time), stopping at 0:00 unless the
 * overtime was already known when the line went; `phase` is "offline" then. One rule for the
 * room display, the speaker clock, the console and the phone (outside probe B).
 */
export function timeShown(timer, settings, now, since = null) {
  let ms = remainingMs(timer, now);
  const lost = since !== null && since !== undefined && now - since >= LOST_AFTER_MS;
  if (!lost) return { ms, phase: phaseOf(ms, settings), lost };
  if (ms !== null && ms < 0 && remainingMs(timer, since) >= 0) ms = 0;
  return { ms, phase: "offline", lost };
}

/** normal → warning (amber) → danger (red) → overtime, by the segment's thresholds. */
export function phaseOf(ms, settings) {
  if (ms === null || ms === undefined) return "normal";
  if (ms < 0) return "overtime";
  if (ms <= settings.danger_ms) return "danger";
  if (ms <= settings.warning_ms) return "warning";
  return "normal";
}

/** 2:05 while counting down (whole seconds, rounded up); +0:07 in overtime, counting up. */
export function formatClock(ms) {
  if (ms === null || ms === undefined) return "–:––";
  const over = ms < 0;
  const seconds = over ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  const body = h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  return over ? `+${body}` : body;
}

/**
 * The time `formatClock` shows, in words for a screen reader, in `language` ("2 minutes,
 * 30 seconds"; in overtime the time over): the browser's own unit names and plurals
 * (Intl.NumberFormat's units, joined by Intl.ListFormat), nothing to translate here.
 */
export function spokenClock(ms, language) {
  if (ms === null || ms === undefined) return "";
  const seconds = ms < 0 ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
  const parts = [
    ["hour", Math.floor(seconds / 3600)],
    ["minute", Math.floor((seconds % 3600) / 60)],
    ["second", seconds % 60],
  ].filter(([, n], index, all) => n > 0 || (index === all.length - 1 && seconds === 0));
  try {
    const words = parts.map(([unit, n]) => new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay: "long" }).format(n));
    return new Intl.ListFormat(language, { style: "long", type: "unit" }).format(words);
  } catch {
    return formatClock(ms); // a browser without the units: the digits
  }
}

/**
 * How long until a timer shown with `formatClock` changes, at server time `now`: the instant its
 * remaining time crosses the next whole second (down while counting down, up in overtime). A
 * screen that redraws then, not on a fixed beat, shows each new second within a frame of every
 * other screen that agrees on the server's clock (issue 16: clocks that agree to the frame).
 */
export function msToNextSecond(timer, now) {
  if (!timer || timer.state !== "running") return null;
  const remaining = timer.deadline_at - now;
  return ((remaining % 1000) + 1000) % 1000 || 1000;
}

/**
 * Call `tick()` now and again each time the screen should change: at the next second of the
 * running timer (`next()`: ms, or null when nothing runs), else after `idleMs`: a timeout to just
 * past the boundary, so the new second is in the next frame painted. Returns the redraw, to call
 * when the state changes (a timer started, paused, given more time).
 */
export function tickOnTheSecond(tick, next, idleMs = 250) {
  let timeout = null;
  const run = () => {
    tick();
    const wait = next();
    clearTimeout(timeout);
    timeout = setTimeout(run, wait == null ? idleMs : Math.min(wait + 1, idleMs * 4));
  };
  run();
  return run; // call it when the state changes: it redraws and aims at the new next second
}

/**
 * Keep the screen on (display and clock); asked again whenever the page becomes visible.
 * `onRefused(reason)`, if given, is told when it cannot be: "unsupported" (no Wake Lock API in
 * this browser, at once) or "refused" (the browser said no: battery saver, a policy), so a screen
 * can say it may go to sleep. The page works either way.
 */
export function keepAwake({ onRefused = null } = {}) {
  const report = (reason) => {
    if (onRefused) onRefused(reason);
  };
  if (!("wakeLock" in navigator)) {
    report("unsupported");
    return;
  }
  let lock = null;
  const request = async () => {
    try {
      if (document.visibilityState === "visible" && !lock) {
        lock = await navigator.wakeLock.request("screen");
        lock.addEventListener("release", () => (lock = null));
      }
    } catch {
      lock = null; // refused (e.g. battery saver): the page still works
      report("refused");
    }
  };
  document.addEventListener("visibilitychange", request);
  request();
}

/**
 * A live connection to /ws/segments/{id} or /ws/events/{id}.
 *
 * Fires "change" (state, programme or own requests changed; detail "snapshot", "update", "mine",
 * "programme" or "outcome"), "status" (connecting, live, reconnecting: said at once when the
 * browser reports it is offline, whose socket is then given up), "servererror" (an
 * error frame not tied to a command), "closed" (the socket closed: detail {code, reason}, before
 * any reconnect) and "identify" (the organiser asks this screen to show its
 * name; detail the message). `face` ("console", "display", "clock", "booth"…) is said in every
 * hello, for the organiser's list of connected screens. `send()` resolves with the ack or rejects with the error
 * frame; an unanswered command is sent again, with the same id, after a reconnect, so it is
 * applied once.
 *
 * The line is checked at once (a ping, or a new socket if there is none) when the browser says it
 * is back online, when the page becomes visible again or is resumed, and when the device's
 * monotonic clock is found to have stood still (a sleep: ServerClock), which also drops the clock
 * samples taken before it.
 *
 * The meeting day's outcome (recommendations and pledges) as this socket's audience sees it is
 * `outcome` (the state of GET /events/{id}/contributions: `contributions`, and per audience
 * `shown_id` / `shown`), at `outcomeVersion`; both null until the first snapshot. It is kept by
 * the snapshot's `outcome`, `outcome` frames and `outcome_update` patches (a gap asks again with
 * a hello), and every change of it fires "change" with detail "outcome". `sendOutcome()` sends
 * an outcome command (accept_contribution, show_contribution, ...) like `send()`.
 */
export class FloorConnection extends EventTarget {
  constructor(path, { face = null, pingEveryMs = PING_EVERY_MS } = {}) {
    super();
    this.path = path;
    this.face = face;
    this.pingEveryMs = pingEveryMs;
    this.clock = new ServerClock();
    this.socket = null;
    this.status = "connecting";
    this.segmentId = null;
    this.version = null;
    this.stamp = null; // the server's stamp of `version`: a resume proves its history with it
    this.state = null;
    // the server's instant (as estimated here) the line stopped being live with a state shown,
    // or null while live (and before the first state): what `timeShown` stands on
    this.lostAt = null;
    // what this line has shown of its speed, across its sockets (answerWaitMs): its smoothed
    // round trip and its last handshake, in ms; handshakes given up in a row
    this.smoothedRtt = null;
    this.handshakeMs = null;
    this.unopened = 0;
    this.audience = null;
    this.event = null;
    this.programme = [];
    this.liveSegmentId = null;
    this.mine = [];
    this.mineElsewhere = {}; // segment id → this delegate's requests there, told while following another
    this.turnsElsewhere = {}; // segment id → their turns no request stands for there, told likewise
    this.turns = []; // delegates: their turns no request stands for (queued or given directly)
    this.canRequest = null; // delegates: per kind, what refuses it to them in particular (or null)
    this.outcome = null; // the outcome as this audience sees it: {event_id, version, contributions, ...}
    this.instruments = null; // the console's instruments (moderator audience): balance, order, time
    this.dayEnd = null; // the booth's: the hard stop (when interpretation ends) and the day's forecast end
    this.outcomeVersion = null;
    this.outcomeResync = false; // a hello sent for a missed outcome_update, not yet answered
    this.pending = new Map(); // command_id -> {frame, resolve, reject}
    this.attempt = 0;
    this.pingTimer = null;
    this.silenceTimer = null; // a ping unanswered: the socket is given up when it fires
    this.reconnectTimer = null; // the next try after a socket was lost (backoff)
    this.openTimer = null; // gives up a socket that does not open within OPEN_WAIT_MS
    this.openingSince = 0; // when the socket now opening was asked for (local clock, ms)
    this.switching = false; // a path switch: the socket closed on purpose, reconnect at once
    this.stopped = false;
    this.watching = false;
    this.clock.onJump = () => this.check(); // the device slept: ask the time (and the line) now
  }

  start() {
    this.stopped = false;
    this.watchNetwork();
    this.open();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.openTimer);
    clearTimeout(this.pingTimer);
    clearTimeout(this.silenceTimer);
    clearTimeout(this.reconnectTimer);
    if (this.socket) this.socket.close();
  }

  /** What the browser says of the network and of the page, listened to once per connection. */
  watchNetwork() {
    if (this.watching) return;
    this.watching = true;
    // offline: the socket cannot be trusted (it may take a ping and its wait to fail): give it
    // up now, so the page says it is reconnecting at once; it is tried again with backoff (a
    // server on this very machine still answers), and at once when the browser is back online
    window.addEventListener("offline", () => {
      if (this.stopped || !this.socket) return;
      this.giveUp(this.socket, "the browser is offline");
    });
    window.addEventListener("online", () => this.check());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.check();
    });
    window.addEventListener("pageshow", (event) => event.persisted && this.check());
    document.addEventListener("resume", () => this.check()); // unfrozen (Page Lifecycle)
  }

  /** The line may have gone (back online, shown again, woken up): a socket now, or a ping now. */
  check() {
    if (this.stopped) return;
    const socket = this.socket;
    this.attempt = 0; // a try that fails from here on waits the shortest time again
    if (!socket) {
      this.open(); // waiting out a backoff: try at once
      return;
    }
    if (socket.readyState === WebSocket.CONNECTING) {
      // opening for a while: sent while the line was gone, it may never be answered; a new one
      // now (one just sent is left to open, and its hello pings at once)
      if (localNow() - this.openingSince > this.answerWaitMs()) this.giveUp(socket, "the handshake was not answered");
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    clearTimeout(this.pingTimer);
    this.ping(4); // answered within answerWaitMs(), or the socket is given up
  }

  /** Give a socket up without waiting for it to close (a dead line may never say so). */
  giveUp(socket, reason) {
    this.lost(socket, 4000, reason);
    try {
      socket.close(4000, reason);
    } catch {
      // closing a dead line may fail: it is given up all the same
    }
  }

  /** Follow another segment on a /ws/segments socket (the console's segment list). */
  switchTo(path) {
    this.path = path;
    this.segmentId = null;
    this.version = null;
    this.stamp = null;
    if (this.socket) {
      this.switching = true;
      this.socket.close(); // reconnects at once to the new path
    } else if (!this.stopped) this.open(); // between two tries: the new path now
  }

  open() {
    clearTimeout(this.reconnectTimer);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const asked = new URLSearchParams();
    if (roles.length) asked.set("as", roles.join(","));
    if (eventHint) asked.set("event", eventHint);
    const query = asked.toString();
    const socket = new WebSocket(`${scheme}//${location.host}${this.path}${query ? `?${query}` : ""}`);
    this.socket = socket;
    this.openingSince = localNow();
    clearTimeout(this.openTimer);
    // a handshake not answered in time is tried again, waiting twice as long each time in a row
    // (a lost handshake is retried soon; a slow line's is, in the end, waited for)
    const openWait = Math.min(MAX_OPEN_WAIT_MS, OPEN_WAIT_MS * 2 ** this.unopened);
    this.openTimer = setTimeout(() => {
      if (this.socket === socket && socket.readyState === WebSocket.CONNECTING) {
        this.unopened += 1;
        this.giveUp(socket, "the handshake was not answered");
      }
    }, openWait);
    socket.addEventListener("open", () => {
      clearTimeout(this.openTimer);
      this.unopened = 0;
      this.handshakeMs = localNow() - this.openingSince; // two round trips (TCP, then HTTP)
      const hello = { type: "hello" };
      if (this.face) hello.face = this.face;
      if (this.version !== null && this.segmentId) {
        hello.last_version = this.version;
        hello.segment_id = this.segmentId;
        if (this.stamp) hello.last_stamp = this.stamp; // without it: a snapshot
      }
      socket.send(JSON.stringify(hello));
      this.ping(0);
    });
    socket.addEventListener("message", (message) => {
      if (this.socket !== socket) return; // given up for silence: its late frames are not news
      clearTimeout(this.silenceTimer); // anything heard answers for the line
      this.silenceTimer = null;
      this.receive(JSON.parse(message.data));
    });
    socket.addEventListener("close", (closing) => this.lost(socket, closing.code, closing.reason));
  }

  /** The socket is gone (closed, or silent): reconnect, with backoff, and resume by version. */
  lost(socket, code, reason) {
    if (this.socket !== socket) return;
    clearTimeout(this.openTimer);
    clearTimeout(this.pingTimer);
    clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
    this.socket = null;
    this.dispatchEvent(new CustomEvent("closed", { detail: { code, reason } }));
    if (this.stopped) return;
    this.setStatus(this.segmentId === null ? "connecting" : "reconnecting");
    // exponential backoff with full jitter, 0.25 s to 8 s; a path switch reconnects at once
    const ceiling = Math.min(8000, 250 * 2 ** this.attempt++);
    const wait = this.switching ? 0 : Math.random() * ceiling;
    this.switching = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.open(), wait);
  }

  ping(count) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "ping", t: localNow() }));
    // a line that went dead without closing (Wi-Fi lost, a cable pulled) says nothing for
    // minutes: a ping unanswered within PONG_WAIT_MS gives the socket up, so the screen says it
    // is reconnecting at once and resumes where it was once the line is back
    this.silenceTimer ??= setTimeout(() => this.giveUp(socket, "no answer to a ping"), this.answerWaitMs());
    // a quick burst for a good first estimate, then one every pingEveryMs
    this.pingTimer = setTimeout(() => this.ping(count + 1), count < 4 ? 300 : this.pingEveryMs);
  }

  /**
   * How long this line may be silent after a ping before it is given up: PONG_WAIT_MS, or on a
   * line known to be slow (a congested venue Wi-Fi, a phone roaming: round trips of seconds)
   * three of its smoothed round trips, and twice its last handshake (which took two), at most
   * MAX_ANSWER_WAIT_MS. A fixed 4 s gave up every socket of a line with a round trip over 4 s
   * before it was live (outside probe B: a phone at 5 s was never live in 150 s).
   */
  answerWaitMs() {
    const slow = Math.max(3 * (this.smoothedRtt ?? 0), 2 * (this.handshakeMs ?? 0));
    return Math.min(MAX_ANSWER_WAIT_MS, Math.max(PONG_WAIT_MS, slow));
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    if (status === "live") this.lostAt = null;
    else if (this.lostAt === null && this.state) this.lostAt = this.clock.now();
    this.dispatchEvent(new CustomEvent("status", { detail: status }));
  }

  changed(what) {
    this.dispatchEvent(new CustomEvent("change", { detail: what }));
  }

  receive(frame) {
    switch (frame.type) {
      case "snapshot":
        this.adopt(frame);
        this.live();
        this.changed("snapshot");
        if (frame.outcome) this.changed("outcome");
        if (frame.instruments) this.changed("instruments");
        if (frame.day_end) this.changed("day_end");
        break;
      case "day_end":
        // the booth's: when interpretation ends, and the server's forecast of the day's end against it
        this.dayEnd = frame.hard_stop ?? null;
        this.changed("day_end");
        break;
      case "instruments":
        // the console's balance, suggested order and time, computed on the server
        this.instruments = frame;
        this.changed("instruments");
        break;
      case "update":
        if (frame.segment_id !== this.segmentId || frame.version <= this.version) return;
        // an update starts from the version before it, or from `from_version` when it spans
        // several (the commands the server wrote together)
        if ((frame.from_version ?? frame.version - 1) !== this.version) {
          this.resync(); // a gap: ask for what is missing
          return;
        }
        this.state = applyPatch(this.state, frame.patch);
        this.version = frame.version;
        this.stamp = frame.stamp ?? null;
        this.changed("update");
        break;
      case "synced":
        if (frame.segment_id === this.segmentId && frame.version === this.version) {
          this.stamp = frame.stamp ?? null;
        }
        this.live();
        break;
      case "mine":
        if (frame.segment_id === this.segmentId) {
          this.mine = frame.requests;
          this.turns = frame.turns ?? [];
          this.canRequest = frame.can_request ?? null;
          this.changed("mine");
        } else {
          // another segment's (a place carried on from an ended segment while this phone
          // follows the next live one): kept by segment, for the phone to tell
          this.mineElsewhere = { ...this.mineElsewhere, [frame.segment_id]: frame.requests };
          this.turnsElsewhere = { ...this.turnsElsewhere, [frame.segment_id]: frame.turns ?? [] };
          this.changed("mine");
        }
        break;
      case "programme":
        this.programme = frame.segments;
        this.liveSegmentId = frame.live_segment_id;
        this.changed("programme");
        break;
      case "outcome":
        this.adoptOutcome(frame.version, frame.state);
        this.changed("outcome");
        break;
      case "outcome_update":
        if (this.outcomeVersion !== null && frame.version <= this.outcomeVersion) return; // had it
        if (this.outcomeVersion === null || frame.from_version !== this.outcomeVersion) {
          // a gap: the hello's answer carries the whole outcome (asked once until it comes)
          if (!this.outcomeResync) {
            this.outcomeResync = true;
            this.resync();
          }
          return;
        }
        this.outcome = applyPatch(this.outcome, frame.patch);
        this.outcomeVersion = frame.version;
        this.changed("outcome");
        break;
      case "pong": {
        const received = localNow();
        this.clock.add(frame.t, received, frame.server_time);
        // the line's round trip, what a silence is judged against: up at once to a slower one
        // (one slow answer is enough to wait longer), down slowly (smoothed, as TCP's)
        const rtt = received - frame.t;
        if (rtt >= 0) this.smoothedRtt = rtt >= (this.smoothedRtt ?? 0) ? rtt : 0.8 * this.smoothedRtt + 0.2 * rtt;
        break;
      }
      case "identify":
        this.dispatchEvent(new CustomEvent("identify", { detail: frame }));
        break;
      case "ack":
      case "error": {
        // a stale command's refusal carries the current state: show it at once
        const fresh = frame.code === "stale_version" && frame.state;
        if (fresh && fresh.segment_id === this.segmentId && fresh.version > this.version) {
          this.adopt(fresh);
          this.changed("snapshot");
        }
        const waiting = frame.command_id && this.pending.get(frame.command_id);
        if (waiting) {
          this.pending.delete(frame.command_id);
          this.keptChanged();
          if (frame.type === "ack") waiting.resolve(frame);
          else waiting.reject(frame);
        } else if (frame.type === "error") {
          this.dispatchEvent(new CustomEvent("servererror", { detail: frame }));
        }
        break;
      }
    }
  }

  adopt(snapshot) {
    this.clock.seed(snapshot.server_time, localNow());
    this.segmentId = snapshot.segment_id;
    this.version = snapshot.version;
    this.stamp = snapshot.stamp ?? null; // none (a refusal's state): the next resume is a snapshot
    this.state = snapshot.state;
    this.audience = snapshot.audience;
    this.event = snapshot.event;
    this.programme = snapshot.programme || [];
    this.liveSegmentId = snapshot.live_segment_id;
    this.mine = snapshot.mine || [];
    this.turns = snapshot.turns || [];
    this.you = snapshot.you || null; // a delegate: who they are registered as now
    this.canRequest = snapshot.can_request ?? null;
    if (snapshot.outcome) this.adoptOutcome(snapshot.outcome.version, snapshot.outcome.state);
    if (snapshot.instruments) this.instruments = snapshot.instruments;
    if (snapshot.day_end) this.dayEnd = snapshot.day_end.hard_stop ?? null;
  }

  adoptOutcome(version, state) {
    this.outcome = state;
    this.outcomeVersion = version;
    this.outcomeResync = false;
  }

  live() {
    this.attempt = 0;
    this.setStatus("live");
    for (const { frame } of this.pending.values()) this.socket.send(JSON.stringify(frame));
  }

  resync() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      const hello = { type: "hello", last_version: this.version, segment_id: this.segmentId };
      if (this.stamp) hello.last_stamp = this.stamp;
      this.socket.send(JSON.stringify(hello));
    }
  }

  /**
   * Send a command; `baseVersion` makes it refused if someone else changed the state first.
   * `commandId` (default: a new one) names the intention: the same id is applied once.
   */
  send(command, { baseVersion = null, segmentId = null, commandId = null, within = null } = {}) {
    const frame = { type: "command", command_id: commandId || newId(), command };
    if (baseVersion !== null) frame.base_version = baseVersion;
    if (segmentId) frame.segment_id = segmentId;
    const waiting = this.pending.get(frame.command_id);
    if (waiting) return waiting.promise; // already on its way: one answer for both
    let settle;
    const promise = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.pending.set(frame.command_id, { frame, ...settle, promise, brief: within !== null });
    if (this.status === "live" && this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
    }
    this.keptChanged();
    if (within !== null) {
      // worth sending only now (a booth's signal): unanswered in time, it is dropped, not sent
      // again after a reconnect minutes later (an answer already on its way is then ignored)
      setTimeout(() => {
        const still = this.pending.get(frame.command_id);
        if (!still || still.promise !== promise) return;
        this.pending.delete(frame.command_id);
        this.keptChanged();
        still.reject(new ApiError(0, "not_delivered", "the server did not answer in time", null));
      }, within);
    }
    return promise;
  }

  /**
   * The commands kept to be sent once the line is back (not the brief presses, dropped after
   * their few seconds), oldest first: each its `command`, as sent. A "kept" event says when
   * the list changes (kept, answered, dropped).
   */
  kept() {
    return [...this.pending.values()].filter((entry) => !entry.brief).map((entry) => entry.frame.command);
  }

  /**
   * Drop every kept command: none is sent; each caller's promise is refused `dropped`. One on
   * its way before the line went may still have been applied (its answer is then ignored):
   * the state, once back, says what was.
   */
  dropKept() {
    const dropped = [...this.pending.entries()].filter(([, entry]) => !entry.brief);
    for (const [id] of dropped) this.pending.delete(id);
    this.keptChanged();
    for (const [, entry] of dropped) entry.reject(new ApiError(0, "dropped", "dropped before it was sent", null));
    return dropped.length;
  }

  keptChanged() {
    this.dispatchEvent(new CustomEvent("kept"));
  }

  /**
   * Send a command on the meeting day's outcome ({type: "accept_contribution", contribution_id},
   * {type: "show_contribution", contribution_id: null}, ...) on this socket: resolves with the ack
   * ({command_id, event_id, version, events, contribution_id}) or rejects with the error frame
   * ({code, message, command_id}). Kept and sent again with the same command id after a
   * reconnect, so it is applied once; pass `commandId` to send an earlier intention again.
   */
  sendOutcome(command, { commandId = null } = {}) {
    return this.send(command, { commandId });
  }
}
