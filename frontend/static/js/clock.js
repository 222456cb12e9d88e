// Speaker clock: huge remaining time, green → amber → red and the phase in words and in the
// frame's line too (not colour alone), overtime counting up and flashing for its first seconds
// (not at all under reduced motion), the moderator's message large (a preset in the clock's
// language), the next speaker small, and the interpreters' signals ("Please slow down") in a
// band above it all while the server says they hold. Faces the podium, in the
// language of its link or its event (i18n.js pickRoomLanguage); the time reads left to right on
// an Arabic screen too ("+0:12"), names in their own direction. The signals and a preset are
// said in the speaker's floor language too (current.language, one of the six), large, over the
// clock's own. In a break, once the segment has ended, before it starts and between turns, the
// time of day, labelled and smaller than a speaker's time, with when the meeting resumes, what
// comes next on the programme and when it starts (or was due to), or that the floor waits for the
// next speaker. A timer paused or not started is labelled under the digits, in the speaker's floor
// language too. A few seconds after the line is lost (room.js notLiveSince), the clock says so,
// large: the time goes on, dimmed and marked, but no phase is asserted (no amber, red or "Time is
// up") until it is live again. For the technician: the pointer hides when still, a double-click
// or F toggles full screen (a hint shows with the pointer), and a screen that cannot be kept
// awake says so.
import { LOST_AFTER_MS, actAs, formatClock, timeShown, whyNotSignedIn } from "./client.js";
import { notLiveSince, startRoomScreen } from "./room.js";
import { fill, h, setNameLang, setText, timeOfDay } from "./dom.js";
import { breakOf, clockLocale, upcomingOf, withTime } from "./speakers.js";
import { STRINGS, apply, currentLanguage, languageOf, pickRoomLanguage, setLanguage, signalLabel, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
/** How long the mouse pointer (and the technician's hint) stays once it stops moving. */
const POINTER_IDLE_MS = 3000;
/** How long "this screen may go to sleep" shows by itself (then with the pointer's hint). */
const SLEEP_NOTE_MS = 60000;
actAs("display");
const explicitLanguage = new URLSearchParams(location.search).get("lang");
setLanguage(pickRoomLanguage(explicitLanguage, null), { remember: false });
apply(document);

let shownSignals = null; // the signals the band shows (ids and language), to rebuild only on a change
let shownLayout = null; // what the screen shows besides the time, to fit it only on a change
let shownPhase = null; // the phase word shown (phase and languages), to rebuild only on a change
let shownOffline = null; // the "not connected" line shown (since when, languages), likewise
let shownAfter = null; // what the line under the time says (next speaker, start, resumption)
let shownMark = null; // the mark under the digits (paused, not started, not live) and its languages

/** A translated sentence whose {name} is the person's name in its own bidi island. */
function withName(key, name) {
  return t(key)
    .split(/(\{name\})/)
    .map((part) => (part === "{name}" ? h("bdi", {}, name) : part))
    .filter(Boolean);
}

/** The signals that hold now: listed by the server and not past `expires_at` on its clock. */
function activeSignals(connection) {
  const now = connection.clock.now();
  return ((connection.state && connection.state.signals) || []).filter((signal) => signal.expires_at > now);
}

/** The speaker's floor language, when it is one of the six and not the clock's own: what the
 * booth's signals and the moderator's presets are also said in, first and large. */
function speakerLanguage(state) {
  return floorLanguage(state && state.current);
}

/** A turn's floor language, when it is one of the six and not the clock's own, else null. */
function floorLanguage(entry) {
  const language = entry && entry.language;
  return language && language !== currentLanguage() && Object.hasOwn(STRINGS, language) ? language : null;
}

/** `key` in `language` (one of the six), as the dictionary has it. */
function said(key, language) {
  return (STRINGS[language] || {})[key] ?? t(key);
}

/** A signal or a preset in the speaker's language, large, over the clock's, smaller; in the
 * clock's language alone when the speaker's is the same, not one of the six, or not known. */
function bilingual(key, language) {
  if (!language) return [t(key)];
  return [
    h("span", { class: "said-speaker", lang: language, dir: languageOf(language).dir }, said(key, language)),
    h("span", { class: "said-clock" }, t(key)),
  ];
}

function renderSignals(connection) {
  const active = activeSignals(connection);
  const language = speakerLanguage(connection.state);
  const key = JSON.stringify([active.map((signal) => [signal.id, signal.kind]), currentLanguage(), language]);
  if (key === shownSignals) return false;
  shownSignals = key;
  $("signals-box").hidden = active.length === 0;
  fill(
    $("signals"),
    active.map((signal) =>
      h(
        "li",
        { class: "clock-signal", dataset: { kind: signal.kind, bilingual: String(Boolean(language)) } },
        language ? bilingual(`clock.signal.${signal.kind}`, language) : signalLabel(signal.kind, { forSpeaker: true }),
      ),
    ),
  );
  return true;
}

/** The steps of the screen's sizes (clock.css data-fit): each shrinks the words (the signals
 * band's too) faster than the time, which stays the biggest thing on any screen. */
const FIT_STEPS = 9;

/** Step the screen's sizes down (data-fit on the body) until the main column holds everything
 * and the time (one line that never wraps) is not wider than its box. */
function fit() {
  const main = $("clock-main");
  const time = $("time");
  // a speaker's time stays the biggest thing (clock.css: no words over a quarter of its size), and
  // the moderator's message is no taller than two of its lines, the interpreters' band than one
  // (a long message on a phone)
  const speaking = !document.body.classList.contains("time-of-day");
  const ruled = () =>
    !speaking ||
    ($("message").offsetHeight <= 2 * time.offsetHeight && $("signals-box").offsetHeight <= time.offsetHeight);
  for (let step = 0; step < FIT_STEPS; step += 1) {
    document.body.dataset.fit = String(step);
    const fits = main.scrollHeight <= main.clientHeight + 1 && main.scrollWidth <= main.clientWidth + 1;
    if (fits && time.scrollWidth <= time.clientWidth + 1 && ruled()) return;
  }
}

/** The moderator's message: a preset (the server names it) in the speaker's floor language over
 * the clock's, else as typed. */
function renderMessage(state) {
  const box = $("message");
  if (!state || !state.message) {
    box.dataset.bilingual = "false";
    return fill(box);
  }
  if (!state.message_preset) {
    box.dataset.bilingual = "false";
    return setText(box, state.message);
  }
  const language = speakerLanguage(state);
  box.dataset.bilingual = String(Boolean(language));
  return fill(box, bilingual(`clock.preset.${state.message_preset}`, language));
}

/** What the message shows, to fit the screen again when it changes. */
function messageKey(state) {
  if (!state || !state.message) return "";
  return state.message_preset ? [state.message_preset, speakerLanguage(state)] : state.message;
}

function followLanguage(event) {
  const wanted = pickRoomLanguage(explicitLanguage, event && event.languages);
  if (wanted === currentLanguage()) return;
  setLanguage(wanted, { remember: false });
  apply(document);
}

/** Whether the line has been lost for long enough to say so (the state shown is the last known). */
function offline(connection) {
  const since = notLiveSince(connection);
  return since !== null && connection.clock.now() - since >= LOST_AFTER_MS;
}

/**
 * What the podium is shown besides a speaker's time, from what the server says of the followed
 * segment: `speaker` (someone has the floor); `break` (its title, when the meeting resumes);
 * `coming` (what comes next on the programme and when it is due: after a segment has ended, or a
 * segment not started yet, so a clock reloaded at lunch or before the opening shows what one left
 * open shows); `closed` (the day's last segment has ended); `waiting` (the segment is under way,
 * nobody has the floor); `none` (nothing known yet).
 */
function sceneOf(connection) {
  const state = connection.state;
  if (!state) return { kind: "none" };
  if (state.current) return { kind: "speaker" };
  const upcoming = upcomingOf(state, connection.programme);
  if (upcoming && upcoming.closed) return { kind: "closed" };
  if (upcoming) return { kind: "coming", title: upcoming.title, startsAt: upcoming.startsAt };
  const pause = breakOf(state, connection.programme);
  if (pause) return { kind: "break", title: pause.title, resumesAt: pause.resumesAt };
  const segment = state.segment;
  if (segment.status === "scheduled") return { kind: "coming", title: segment.title, startsAt: segment.scheduled_start_at ?? null };
  if (segment.status === "live") return { kind: "waiting", title: segment.title };
  return { kind: "none" };
}

/** Whether the scene shows the time of day (labelled) where a speaker's time would be. */
function showsTimeOfDay(scene) {
  return scene.kind !== "speaker" && scene.kind !== "none";
}

/** The event's time of day at the server's instant `ms` ("14:58"), or "" until its zone is known. */
function eventTime(connection, ms) {
  return timeOfDay(ms, connection.event && connection.event.timezone, clockLocale());
}

/** The line under the time: the next speaker; when the next segment starts, or was due to (a
 * start already past is not "Starts at"); when the meeting resumes, or was due to. Redrawn when it changes
 * (a start passes while it shows). True when it changed. */
function renderAfter(connection, scene) {
  const state = connection.state;
  const paused = state && state.paused;
  const speaking = scene.kind === "speaker" || scene.kind === "waiting";
  const next = speaking && !paused && state.queue[0];
  let key = null;
  let after = [];
  if (next) {
    key = ["next", next.name];
    after = withName("clock.next", next.name);
  } else if (scene.kind === "coming" && scene.startsAt !== null && scene.startsAt !== undefined) {
    const due = scene.startsAt <= connection.clock.now();
    const time = eventTime(connection, scene.startsAt);
    key = [due ? "due" : "starts", time];
    after = withTime(due ? "clock.was_due_at" : "display.starts_at", time, "");
  } else if (scene.kind === "break") {
    // past its end (a break that runs over): when the meeting was due to resume
    const due = scene.resumesAt !== null && scene.resumesAt !== undefined && scene.resumesAt <= connection.clock.now();
    const time = eventTime(connection, scene.resumesAt);
    key = [due ? "due_resume" : "resumes", time];
    after = withTime(due ? "display.was_due_to_resume_at" : "display.resumes_at", time, "");
  }
  const shown = JSON.stringify([key, currentLanguage()]);
  if (shown === shownAfter) return false;
  shownAfter = shown;
  fill($("next"), after);
  return true;
}

function render(connection) {
  followLanguage(connection.event);
  const state = connection.state;
  const current = state && state.current;
  const scene = sceneOf(connection);
  // over the title: "Next on the programme"; between turns, the segment's title over "Waiting
  // for the next speaker" (in the next speaker's floor language too)
  let kicker = "";
  if (scene.kind === "coming" && scene.title) kicker = t("display.coming_next");
  else if (scene.kind === "waiting") kicker = scene.title || "";
  $("kicker").hidden = !kicker;
  setText($("kicker"), kicker);
  let title = [];
  let titleKey = null;
  if (current) title = [current.name];
  else if (scene.kind === "closed") title = [t("display.hearing_closed")];
  else if (scene.kind === "coming" || scene.kind === "break") title = [scene.title || ""];
  else if (scene.kind === "waiting") {
    const language = floorLanguage(state.queue[0]);
    titleKey = ["waiting", language];
    title = bilingual("clock.waiting", language);
  }
  fill($("speaker"), title);
  $("speaker").dataset.bilingual = String(title.length > 1);
  setNameLang($("speaker"), current); // a name in its own voice; a title in the page's
  // an interposed question or answer: whose turn waits for the floor back (it comes next, not
  // the queue's first)
  const paused = scene.kind === "speaker" && state.paused;
  $("paused").hidden = !paused;
  fill($("paused"), paused ? withName("display.paused", paused.name) : []);
  renderMessage(state);
  renderAfter(connection, scene);
  const layout = JSON.stringify([
    scene,
    current && current.name,
    titleKey,
    paused && paused.name,
    messageKey(state),
    shownAfter,
    currentLanguage(),
  ]);
  const signalsChanged = renderSignals(connection);
  tick(connection);
  if (layout !== shownLayout || signalsChanged) {
    shownLayout = layout;
    fit();
  }
}

/** The phase said in words over the time, not by colour alone (a speaker who does not tell
 * green from red): nothing while there is time, then "Time to conclude", "Conclude now", "Time is
 * up", in the speaker's floor language too (as the presets are). The frame round the screen
 * (clock.css) differs by phase as well. True when it changed (the screen is fitted again). */
function renderPhase(phase, state) {
  const worded = phase === "warning" || phase === "danger" || phase === "overtime";
  const language = worded ? speakerLanguage(state) : null;
  const key = JSON.stringify([worded ? phase : null, currentLanguage(), language]);
  if (key === shownPhase) return false;
  shownPhase = key;
  const box = $("phase");
  box.hidden = !worded;
  box.dataset.bilingual = String(Boolean(language));
  fill(box, worded ? bilingual(`clock.phase.${phase}`, language) : []);
  return true;
}

/** The line is lost (for LOST_AFTER_MS): said large, in the speaker's floor language too,
 * with since when (the event's time). True when it changed (the screen is fitted again). */
function renderOffline(connection, lost) {
  const since = lost ? notLiveSince(connection) : null;
  const language = lost ? speakerLanguage(connection.state) : null;
  const key = JSON.stringify([lost, since, currentLanguage(), language]);
  if (key === shownOffline) return false;
  shownOffline = key;
  $("offline").hidden = !lost;
  fill($("offline-line"), lost ? bilingual("clock.offline", language) : []);
  const time = lost ? eventTime(connection, since) : "";
  fill($("offline-since"), !lost ? [] : time ? withTime("booth.stale", time, "") : t("booth.stale_no_time"));
  return true;
}

/** The mark under the digits, in the speaker's floor language over the clock's: the line is lost
 * ("No connection"), the timer is paused, or the speaker has been called and the timer not started. */
function renderMark(state, lost) {
  const current = state && state.current;
  const timer = current && current.timer.state;
  let mark = null;
  if (current && lost) mark = "stale";
  else if (timer === "paused") mark = "paused";
  else if (timer === "idle") mark = "idle";
  const language = mark ? speakerLanguage(state) : null;
  const key = JSON.stringify([mark, currentLanguage(), language]);
  if (key === shownMark) return;
  shownMark = key;
  const keys = { stale: "booth.not_live", paused: "display.timer_paused", idle: "clock.timer_idle" };
  for (const each of Object.keys(keys)) $(`timer-${each}`).hidden = mark !== each;
  const box = $("timer-said");
  box.hidden = !language;
  if (language) {
    box.lang = language;
    box.dir = languageOf(language).dir;
    setText(box, said(keys[mark], language));
  }
}

function tick(connection) {
  const state = connection.state;
  const current = state && state.current;
  const time = $("time");
  const lost = Boolean(state) && offline(connection);
  renderMark(state, lost);
  const scene = sceneOf(connection);
  let phase;
  if (current) {
    // lost: the time goes on as it was known, but nothing is asserted that the server has not
    // said: no amber, red or overtime (the moderator may have given time), as on every face
    const shown = timeShown(current.timer, state.settings, connection.clock.now(), lost ? notLiveSince(connection) : null);
    phase = shown.phase;
    if (!shown.lost && current.timer.state !== "running") phase += " stopped";
    setText(time, formatClock(shown.ms));
  } else {
    // in a break, before or after a segment, and between turns, the podium sees the time of day
    // (the event's), smaller than a speaker's time and labelled so: never read as minutes left
    const now = showsTimeOfDay(scene) ? eventTime(connection, connection.clock.now()) : "";
    setText(time, now || "–:––");
    phase = now ? "idle time-of-day" : "idle";
  }
  $("time-label").hidden = !/time-of-day/.test(phase);
  // "+0:01" and "+12:05" are longer than "4:59": a time that grows by a character is fitted
  // again as it ticks, not only when the names or the message change
  let refit = renderPhase(phase.split(" ")[0], state);
  if (renderOffline(connection, lost)) refit = true;
  if (state && renderAfter(connection, scene)) refit = true; // a start passed: "Was due at"
  const chars = String(time.textContent.length);
  if (time.dataset.chars !== chars) {
    time.dataset.chars = chars;
    refit = true;
  }
  if (state && renderSignals(connection)) refit = true; // a signal ran out on the server's clock
  const signalled = !$("signals-box").hidden;
  const marks = `${state && state.message ? " has-message" : ""}${signalled ? " has-signal" : ""}${lost ? " offline" : ""}`;
  const className = `clock phase-${phase}${marks}`;
  if (document.body.className !== className) {
    document.body.className = className;
    refit = true;
  }
  if (refit) fit();
}

/** Full screen on and off (a double-click, or F on a keyboard): on a tablet or the podium's
 * monitor, for the technician who sets it up. */
function toggleFullScreen() {
  const root = document.documentElement;
  const active = document.fullscreenElement || document.webkitFullscreenElement;
  const call = active
    ? document.exitFullscreen || document.webkitExitFullscreen
    : root.requestFullscreen || root.webkitRequestFullscreen;
  if (!call) return;
  try {
    Promise.resolve(call.call(active ? document : root)).catch(() => {});
  } catch {
    // refused (not from a gesture): nothing changes
  }
}

/** The mouse pointer hides when it has not moved for POINTER_IDLE_MS (a podium monitor driven by
 * a laptop); while it shows, so does the technician's hint (full screen; the screen may sleep). */
function technicianControls() {
  const root = document.documentElement;
  let idleTimer = null;
  let sleepy = false;
  let sleepNoteUntil = 0;
  const idle = () => {
    root.classList.add("pointer-idle");
    $("help").hidden = true;
    $("sleep").hidden = !(sleepy && performance.now() < sleepNoteUntil);
  };
  const moved = () => {
    root.classList.remove("pointer-idle");
    $("help").hidden = false;
    $("sleep").hidden = !sleepy;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(idle, POINTER_IDLE_MS);
  };
  document.addEventListener("mousemove", moved);
  document.addEventListener("pointerdown", moved);
  document.addEventListener("dblclick", toggleFullScreen);
  document.addEventListener("keydown", (event) => {
    if (event.code !== "KeyF" || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    toggleFullScreen();
  });
  idleTimer = setTimeout(idle, POINTER_IDLE_MS);
  // the screen cannot be kept awake: said once, small, for a minute (and again with the hint)
  return () => {
    if (sleepy) return;
    sleepy = true;
    sleepNoteUntil = performance.now() + SLEEP_NOTE_MS;
    $("sleep").hidden = false;
    setTimeout(() => {
      if (root.classList.contains("pointer-idle")) $("sleep").hidden = true;
    }, SLEEP_NOTE_MS);
  };
}

function main() {
  const sleepRisk = technicianControls();
  startRoomScreen({
    face: "clock",
    invalid: (reason) => {
      const none = whyNotSignedIn() === "none"; // never signed in here, not a link refused
      setText($("message"), reason === "other_event" ? t("room.other_event") : none ? t("clock.not_signed_in") : t("clock.invalid_link"));
    },
    render,
    tick,
    fit,
    onStatus: render,
    onSleepRisk: sleepRisk,
  });
}

main();
