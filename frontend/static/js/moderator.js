// The moderator console: sign in, follow one segment live, and run its floor.
// This module wires the pieces (moderator/*.js) to the shared connection and renders on change;
// the timer is computed here every animation frame from its facts and the server's clock. The
// instruments (balance, budgets, suggested order, the day's time, who still waits elsewhere) are
// the server's: they come with the snapshot and as `instruments` messages, and are shown as such.

import "./i18n/console.js";
import { FloorConnection, actAs, api, signInToEvent } from "./client.js";
import { setText, timeOfDay } from "./dom.js";
import { plural, t } from "./i18n.js";
import { identifyOnRequest } from "./identify.js";
import { createAddSpeaker } from "./moderator/add-speaker.js";
import { createBalance } from "./moderator/balance.js";
import { createContributions } from "./moderator/contributions.js";
import { createInterpose } from "./moderator/interpose.js";
import { createMessage } from "./moderator/message.js";
import { createNotes } from "./moderator/notes.js";
import { Notices } from "./moderator/notices.js";
import { createProgramme } from "./moderator/programme.js";
import { createQueue } from "./moderator/queue.js";
import { createRequests } from "./moderator/requests.js";
import { createResumption } from "./moderator/resumption.js";
import { createSettings } from "./moderator/settings.js";
import { installShortcuts } from "./moderator/shortcuts.js";
import { createSignals } from "./moderator/signals.js";
import { createSpeakerPanel } from "./moderator/speaker.js";
import { createSuggested } from "./moderator/suggested.js";
import { createTime } from "./moderator/time.js";
import { commandWhat, createUndo } from "./moderator/undo.js";
import { createWaiting } from "./moderator/waiting.js";
import { refusalText } from "./refusal.js";
import { languagePicker, startLanguage } from "./staff-language.js";

startLanguage();
const $ = (id) => document.getElementById(id);
const picker = languagePicker($("language"));
actAs("moderator", "organiser");
/** The connection's states, in words (any other is shown as its code). */
const STATUS_KEYS = {
  connecting: "console.status.connecting",
  live: "console.status.live",
  reconnecting: "console.status.reconnecting",
};
const SLOW_ACK_MS = 2000;
const RECHECK_SESSION_MS = 5000;
const QUIET_SWITCH_MS = 3000;
/** A press on the floor (the timer, a turn's end, the message) is worth sending only this soon:
 * kept longer while the connection is down, it would act on whoever has the floor by then. */
const PRESS_WITHIN_MS = 10000;

const notices = new Notices($("notices"));

function signedOut(message) {
  $("console").hidden = true;
  $("signin").hidden = false;
  setText($("signin-message"), message);
  setText($("event-title"), t("console.signin.not_signed_in"));
  $("help-open").hidden = true;
  const status = $("connection-status");
  status.dataset.status = "signed-out";
  setText(status, t("console.status.signed_out"));
  $("connection-banner").hidden = true;
}

async function start() {
  let eventId;
  try {
    ({ eventId } = await signInToEvent(["moderator", "organiser"], "moderator"));
  } catch (error) {
    signedOut(refusalText(error, { clause: true }));
    return;
  }
  const event = await api("GET", `/events/${encodeURIComponent(eventId)}`);
  const asked = new URLSearchParams(location.search).get("segment");
  const firstScheduled = event.segments.find((s) => s.status === "scheduled");
  const segmentId =
    (event.segments.some((s) => s.id === asked) && asked) ||
    event.live_segment_id ||
    (firstScheduled || event.segments[0] || {}).id;
  if (!segmentId) {
    signedOut(t("console.signin.no_segments"));
    return;
  }
  run(eventId, segmentId);
}

function run(eventId, firstSegmentId) {
  $("signin").hidden = true;
  $("console").hidden = false;
  const conn = new FloorConnection(`/ws/segments/${firstSegmentId}`, { face: "console" });
  picker.watch(conn); // no reload while the line is down: it would lose the page
  window.floorConnection = conn; // for the browser tests and for debugging
  identifyOnRequest(conn); // the organiser's desk can ask which screen this is
  let viewing = firstSegmentId;
  let follow = null; // a segment this console just made live: show it once it is
  let lastLive = null;
  let lastSecond = 0;
  let switchedAt = -Infinity;

  const ctx = {
    conn,
    notices,
    eventId,
    state: () => (conn.segmentId === viewing ? conn.state : null),
    viewingId: () => viewing,
    viewSegment,
    followSegment: (id) => (follow = id),
    /**
     * Send a command; resolve to the ack, or to null after showing why it was refused.
     * `forTurn`: a press meant for the turn on the floor now: it names that turn (`entry_id`: the
     * server refuses it, `turn_changed`, once another has the floor) and is dropped, not kept,
     * when it cannot be sent within PRESS_WITHIN_MS. `brief`: dropped likewise, naming no turn.
     */
    run(command, { versioned = false, segmentId = null, forTurn = false, brief = false } = {}) {
      const options = { segmentId };
      if (versioned && conn.version !== null) options.baseVersion = conn.version;
      let sent = command;
      if (forTurn) {
        const state = ctx.state();
        if (state && state.current) sent = { ...command, entry_id: state.current.id };
      }
      const within = forTurn || brief ? PRESS_WITHIN_MS : null;
      if (within !== null) options.within = within;
      return answered(conn.send(sent, options), within);
    },
    /** A command on the meeting day's outcome (recommendations and pledges): the same answers;
     * `said`: a sentence of this console's own for a refusal's code (else refusal.js words it). */
    runOutcome: (command, { said = {} } = {}) => answered(conn.sendOutcome(command), null, said),
  };

  /** The ack of a sent command, or null after saying why it was refused (or that it waits).
   * `within`: the press is dropped if not answered that soon (it says so then). */
  async function answered(sent, within = null, said = {}) {
    const slow = setTimeout(
      () => notices.show(t(within === null ? "console.notice.slow_ack" : "console.notice.slow_ack_brief"), "warning"),
      SLOW_ACK_MS,
    );
    try {
      return await sent;
    } catch (error) {
      if (said[error.code]) notices.show(said[error.code], "warning");
      else if (error.code === "stale_version") notices.show(t("console.notice.stale"), "warning");
      else if (error.code === "turn_changed") notices.show(t("console.notice.turn_changed"), "warning");
      else if (error.code === "dropped") return null; // dropped from the banner: it said so
      else if (error.code === "not_delivered") {
        // dropped by client.js after `within`: never sent, or sent and never answered
        notices.show(t(conn.status === "live" ? "console.notice.not_answered" : "console.notice.not_sent"), "error");
      } else notices.show(refusalText(error) || t("console.notice.refused"), "error");
      return null;
    } finally {
      clearTimeout(slow);
    }
  }

  const speaker = createSpeakerPanel(ctx);
  /** This console is interposing a turn of `kind` (null: refused): its own notice will say it. */
  ctx.interposing = (kind) => speaker.ours(kind);
  const queue = createQueue(ctx);
  const requests = createRequests(ctx);
  const message = createMessage(ctx);
  const settings = createSettings(ctx);
  const addSpeaker = createAddSpeaker(ctx);
  const programme = createProgramme(ctx);
  const undo = createUndo(ctx);
  notices.setUndo(() => undo.offer()); // a notice of something undo takes back has its own Undo
  const contributions = createContributions(ctx);
  const interpose = createInterpose(ctx);
  const notes = createNotes(ctx);
  const balance = createBalance(ctx);
  const suggested = createSuggested(ctx);
  const time = createTime(ctx);
  const signals = createSignals(ctx);
  const waiting = createWaiting(ctx);
  const resumption = createResumption(ctx);
  // a letter dropped as part of a word said, not silent (E then N pressed fast)
  const tooFast = (key, after) => notices.show(t("console.notice.shortcut_too_fast", { key, after }), "warning");
  // turned on or off: the buttons' titles name their key again, or no longer
  // F: the floor requests' heading, as the second skip link goes there
  const toRequests = () => $("requests-heading").focus();
  installShortcuts({ speaker, undo, message, interpose, requests: toRequests, tooFast, changed: () => render() });

  function viewSegment(id) {
    if (id === viewing) return;
    viewing = id;
    // the day and the segment: a reload opens this room's console on it again
    const params = new URLSearchParams({ event: eventId, segment: id });
    history.replaceState(null, "", `${location.pathname}?${params}`);
    queue.reset();
    requests.reset();
    undo.reset();
    notes.reset();
    balance.reset();
    signals.reset();
    $("console").dataset.loading = "true";
    switchedAt = performance.now();
    setTimeout(showStatus, QUIET_SWITCH_MS + 50); // still not back by then: say so
    conn.switchTo(`/ws/segments/${id}`);
    programme.renderList();
    time.renderForecasts();
  }

  function renderHeader() {
    const event = conn.event;
    if (!event) return;
    setText($("event-title"), event.title);
    setText($("event-meta"), [event.room, event.venue, event.date].filter(Boolean).join(" · "));
    document.title = t("console.document_title", { title: conn.state ? conn.state.segment.title : event.title });
  }

  function render() {
    renderHeader();
    const state = ctx.state();
    programme.renderList();
    time.renderForecasts();
    contributions.render(); // the meeting day's, whichever segment is shown
    waiting.render(); // the meeting day's too
    if (!state) return;
    $("console").dataset.loading = "false";
    speaker.render(state);
    queue.render(state);
    undo.render(state);
    interpose.render(state);
    notes.render(state);
    requests.render(state);
    message.render(state);
    settings.render(state);
    addSpeaker.render(state);
    programme.render(state);
    time.render(state);
    balance.render();
    suggested.render(state);
    signals.render(state);
    resumption.render(state);
    lastSecond = 0; // redo the once-a-second work now
  }

  /** Follow the live segment when it moves on from the one shown, or when we made it live. */
  function followLive() {
    const live = conn.liveSegmentId;
    if (live !== lastLive) {
      const wasShowingLive = lastLive !== null && viewing === lastLive;
      if (live && live !== viewing && (wasShowingLive || follow === live)) {
        const segment = (conn.programme || []).find((s) => s.id === live);
        notices.show(t("console.notice.following_live", { title: segment ? segment.title : live }), "info");
        viewSegment(live);
      }
      if (follow === live) follow = null;
      lastLive = live;
    }
  }

  /** The segment shown was taken out of the programme (the desk's Remove): show the live one,
   * else the first of the programme, and say why. */
  function leaveRemoved() {
    const programme = conn.programme;
    if (!programme || !programme.length || programme.some((s) => s.id === viewing)) return;
    const next = conn.liveSegmentId || programme[0].id;
    notices.show(t("console.notice.segment_removed"), "info");
    viewSegment(next);
  }

  conn.addEventListener("change", (event) => {
    if (event.detail === "snapshot" && lastLive === null) lastLive = conn.liveSegmentId;
    followLive();
    leaveRemoved();
    render();
  });

  let sessionCheck = null;
  let lastStatus = null;
  /** Show the connection's state; a segment switch reconnects on purpose, so it stays quiet. */
  function showStatus() {
    const switching = conn.status !== "live" && performance.now() - switchedAt < QUIET_SWITCH_MS;
    const status = switching ? "connecting" : conn.status;
    const pill = $("connection-status");
    pill.dataset.status = status;
    setText(pill, switching ? t("console.status.loading_segment") : STATUS_KEYS[status] ? t(STATUS_KEYS[status]) : status);
    $("connection-banner").hidden = status !== "reconnecting";
    placeNotices();
    document.body.dataset.connection = status;
    if (status !== lastStatus) {
      clearInterval(sessionCheck);
      if (status === "reconnecting") sessionCheck = setInterval(checkSession, RECHECK_SESSION_MS);
      lastStatus = status;
    }
  }
  conn.addEventListener("status", showStatus);

  /** The banner of a lost line lists the commands kept to send once it is back, in the page's
   * words, and offers to drop them (a list made while offline that is no longer meant). */
  function showKept() {
    const kept = conn.kept();
    $("connection-kept").hidden = !kept.length;
    if (kept.length) {
      const list = kept.map((command) => commandWhat(command.type)).join(" · ");
      setText($("connection-kept-text"), plural("console.kept.list", kept.length, { list }));
    }
    placeNotices();
  }

  /** The notices stand above the banner of a lost line, however tall its list makes it. */
  function placeNotices() {
    const banner = $("connection-banner");
    const height = banner.hidden ? 0 : banner.offsetHeight;
    document.body.style.setProperty("--connection-banner", `${height}px`);
  }
  conn.addEventListener("kept", showKept);
  $("btn-drop-kept").addEventListener("click", () => {
    const dropped = conn.dropKept();
    if (dropped) notices.show(plural("console.kept.dropped", dropped), "info");
  });

  /** While reconnecting, find out whether the link was revoked (a socket cannot say why). */
  async function checkSession() {
    try {
      await api("GET", "/session");
    } catch (error) {
      if (error.status === 401) {
        clearInterval(sessionCheck);
        conn.stop();
        signedOut(t("console.signin.revoked"));
      }
    }
  }

  conn.addEventListener("servererror", (event) => {
    const frame = event.detail;
    if (frame.code === "unauthenticated" || frame.code === "forbidden") {
      conn.stop();
      signedOut(t("console.signin.closed", { message: refusalText(frame, { clause: true }) }));
      return;
    }
    notices.show(refusalText(frame), "error");
  });

  // the timer every frame; request ages, signals' expiry, the venue clock once a second
  function frame() {
    const state = ctx.state();
    const now = conn.clock.now();
    if (state) speaker.tick(state, now);
    if (now - lastSecond >= 1000) {
      lastSecond = now;
      if (conn.event) {
        setText($("event-clock"), timeOfDay(now, conn.event.timezone, "en-GB"));
        setText($("event-zone"), (conn.event.timezone.split("/").pop() || "").replace(/_/g, " "));
      }
      time.tick(now);
      if (state) {
        requests.tick(now);
        signals.tick(now);
        resumption.render(state); // "was due to resume" once the time told has passed
      }
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  conn.start();
}

start().catch((error) => {
  signedOut(t("console.signin.failed", { message: refusalText(error, { clause: true }) }));
});
