// The interpreters' booth: who speaks now and the next three, each with their floor language
// (a large tag) and whether they speak from the room or remotely; three signals to the speaker
// (slow down, no sound from the floor, microphone off), sent over the socket as raise_signal and
// shown on the speaker clock; the signals that hold now, each with a way to clear it. It signs in
// with its access link (#key=…, a "booth" link) and sees what the room display sees. A signal
// names the turn shown when it was pressed (entry_id): the server refuses it (turn_changed) once
// another speaker has the floor, and the booth says so. During an interposed question or answer,
// the turn it paused comes first in the next speakers; a turn that is not a plain intervention
// says its kind; once the segment has ended, what comes next on the programme, not its queue.
//
// It renders what the server says: a signal is listed while it is in the segment's `signals` and
// the server's clock, as estimated here, has not passed its `expires_at`; the signal buttons are
// off while the server's `can_signal` names a refusal (nobody has the floor), with its reason in
// words. The speaker's time shows its phase (the segment's warning_ms/danger_ms) in a word and a
// frame as well as a colour, and says when the timer is paused or not started; the moderator's
// message to the speaker (a preset in the booth's language) shows under them; a floor language
// changed during the turn is pointed out until the turn ends. While the connection is not live,
// everything shown is marked as the last known (dimmed, "no connection since 14:02" in the event's
// time) and the time left stands still at that instant; all comes back at once when it is live.
//
// Its language: the link's ?lang=, else the one chosen on this device with the picker in its
// header (staff-language.js's, which reloads the page; kept under BOOTH_LANGUAGE, so each booth's
// laptop keeps its own), else the event's first, else the browser's. Calm on purpose: dark, no
// flashing, nothing moves but the time left.
import {
  actAs,
  formatClock,
  phaseOf,
  remainingMs,
  whyNotSignedIn,
} from "./client.js";
import { startRoomScreen } from "./room.js";
import { fill, h, nameLang, setText, timeOfDay } from "./dom.js";
import { breakOf, clockLocale, upcomingOf, withTime } from "./speakers.js";
import { languagePicker } from "./staff-language.js";
import {
  SIGNAL_KINDS,
  apply,
  constituencyLabel,
  currentLanguage,
  floorLanguageName,
  floorLanguageTag,
  kindLabel,
  onLanguageChange,
  pickRoomLanguage,
  plural,
  setLanguage,
  signalLabel,
  t,
} from "./i18n.js";

const $ = (id) => document.getElementById(id);
actAs("booth");
/** Where this device keeps the language chosen on the booth's own picker. */
const BOOTH_LANGUAGE = "floorkeeper.booth.language";
const explicitLanguage = new URLSearchParams(location.search).get("lang");

/** The language chosen on this device's booth picker, if any. */
function chosenHere() {
  try {
    return localStorage.getItem(BOOTH_LANGUAGE);
  } catch {
    return null; // storage disabled: the booth follows its link and its event
  }
}

/** The booth's language: the link's, else this device's choice, else the event's (pickRoomLanguage). */
function boothLanguage(eventList) {
  return pickRoomLanguage(explicitLanguage || chosenHere(), eventList);
}

let following = false; // the booth itself sets its language (not a choice on the picker)
function followTo(code) {
  following = true;
  try {
    setLanguage(code, { remember: false });
  } finally {
    following = false;
  }
}

followTo(boothLanguage(null));
apply(document);
// a choice on the picker (it reloads the page): this booth keeps it on this device
onLanguageChange((code) => {
  if (following) return;
  try {
    localStorage.setItem(BOOTH_LANGUAGE, code);
  } catch {
    // not remembered: the page still changes language
  }
});

/** How long a signal holds unless cleared (the server takes 5–600 s). */
const SIGNAL_SECONDS = 60;

let connection = null;
let shownPeople = null; // what the speaker and the queue show, to rebuild them only on a change
let shownSignals = null; // the signals listed (ids, kinds, language), likewise
let shownMarks = null; // the words under the time (phase, paused, not live), likewise
let lostAt = null; // the server's instant (as estimated here) the connection stopped being live
let floorTurn = null; // the turn on the floor and its language when last drawn: {id, language}
let languageChange = null; // its language changed during the turn: {id, from, to}, until it ends
let startShown = null; // the scheduled start said (what comes next, a segment not started), or null
let shownDue = false; // whether it was said as past ("Was due at"), not to come
let shownDayEnd = null; // the hard stop and the forecast end shown, to redraw them only on a change

function followLanguage(event) {
  const wanted = boothLanguage(event && event.languages);
  if (wanted === currentLanguage()) return;
  followTo(wanted);
  apply(document);
  $("language").value = wanted; // the picker shows what the booth now reads
  shownPeople = null;
  shownSignals = null;
  shownMarks = null;
}

/** The event's time zone (times of day are the room's, never the browser's). */
function timeZone() {
  return connection && connection.event ? connection.event.timezone : null;
}

/** Whether what the booth shows is the last known: it had the floor's state, and the connection
 * is lost now (reconnecting, or refused for its link's cap); not while it first connects. */
function stale() {
  return Boolean(connection && connection.state) && connection.status === "reconnecting";
}

/** The floor language as a tag ("FR"), named in full for screen readers; "Language not known" in
 * words (in the same box) when the server does not know it; "Other" in the same box, smaller. */
function languageTag(entry, size, changed = false) {
  const mark = changed ? " changed" : "";
  if (!entry.language) {
    return h("span", { class: `booth-lang ${size} unknown${mark}` }, h("span", { class: "booth-lang-word" }, t("booth.language_unknown")));
  }
  const name = floorLanguageName(entry.language);
  const tag = floorLanguageTag(entry.language);
  return h(
    "span",
    {
      class: `booth-lang ${size}${[...tag].length > 2 ? " word" : ""}${mark}`,
      role: "img",
      title: name,
      "aria-label": t("who.floor_language", { language: name }),
    },
    [...tag].length > 2 ? h("span", { class: "booth-lang-word" }, tag) : tag,
  );
}

/** A floor language in words, for the note of a change ("French", "Language not known"). */
function languageWords(code) {
  return code ? floorLanguageName(code) : t("booth.language_unknown");
}

/** In the room, or the remote marker (an interpreter hears a remote speaker through another line). */
function attendance(entry) {
  return entry.attendance === "remote"
    ? h("span", { class: "remote-tag" }, t("who.remote"))
    : h("span", { class: "in-room" }, t("who.in_room"));
}

/** Organisation and constituency, as on the room display: the line in the page's direction,
 * the organisation (people's text) in its own bidi island. */
function affiliation(entry) {
  const constituency = entry.constituency === "other" ? "" : constituencyLabel(entry.constituency);
  const organisation = entry.organisation || "";
  const parts = [organisation ? h("bdi", {}, organisation) : null];
  if (constituency && constituency.toLowerCase() !== organisation.toLowerCase()) parts.push(constituency);
  return parts.filter(Boolean).flatMap((part, index) => (index ? [" · ", part] : [part]));
}

/** A size for a name by its length, so a long one wraps onto few lines instead of many. */
function lengthClass(text) {
  const length = [...(text || "")].length;
  if (length <= 30) return "s";
  if (length <= 60) return "m";
  return "l";
}

/** A line-clamped text is cut when it holds more than it shows (by a line: not the glyphs' overhang). */
function clamped(text) {
  return text.scrollHeight - text.clientHeight > parseFloat(getComputedStyle(text).fontSize) * 0.6;
}

/** Step the people's sizes down (data-fit) until the screen holds them, uncut; the clamps are the floor. */
function fit() {
  const grid = $("grid");
  const boxes = [grid, $("now-box"), $("next-box")];
  for (let step = 0; step < 5; step += 1) {
    grid.dataset.fit = String(step);
    const fits =
      boxes.every((box) => box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1) &&
      [...grid.querySelectorAll(".booth-name, .booth-org, .booth-message-text")].every((text) => !clamped(text));
    if (fits) return;
  }
}

/** Under a next speaker's name, what the booth must know before they speak: the turn an
 * interposed question or answer paused comes back ("Returns to the floor"); a turn that is not a
 * plain floor intervention says its kind (a point of order, a right of reply, a panellist…). */
function turnMark(entry, returns) {
  if (returns) return h("span", { class: "booth-returns" }, t("display.returns_to_floor"));
  if (entry.kind && entry.kind !== "intervention") return h("span", { class: "booth-kind" }, kindLabel(entry.kind));
  return null;
}

function person(entry, size, returns = false, changed = false) {
  return [
    languageTag(entry, size, changed),
    h(
      "div",
      { class: "booth-who" },
      h(
        "p",
        { class: "booth-name", dir: "auto", lang: nameLang(entry), dataset: { length: lengthClass(entry.name) } },
        entry.name,
      ),
      h("p", { class: "booth-org" }, affiliation(entry)),
      h(
        "p",
        { class: "booth-meta" },
        attendance(entry),
        size === "large" ? h("span", {}, kindLabel(entry.kind)) : turnMark(entry, returns),
      ),
    ),
  ];
}

/** In a break: its title, and when the meeting resumes in the event's time (if the programme says),
 * or was due to once that is past (a break that runs over; `tick` draws it again then). */
function breakNotice(pause) {
  const time = timeOfDay(pause.resumesAt, connection.event && connection.event.timezone, clockLocale());
  return h(
    "div",
    { class: "booth-break" },
    h("p", { class: "booth-break-title" }, h("bdi", {}, pause.title)),
    h("p", {}, withTime(isDue(pause.resumesAt) ? "display.was_due_to_resume_at" : "display.resumes_at", time, "time")),
    firstAfter(pause.first),
  );
}

/** Who speaks first in the segment that comes next (the server's `first`): whose language the
 * booth starts in after the break, with where they speak from. */
function firstAfter(first) {
  if (!first) return null;
  return h(
    "div",
    { class: "booth-first" },
    h("p", { class: "booth-first-label" }, t("booth.first_speaker")),
    h("div", { class: "booth-person", dataset: { entryId: first.id, first: "true" } }, person(first, "small")),
  );
}

/** A segment not started yet (nobody on the floor): when it is to start, if the programme says. */
function notStartedNotice(segment) {
  const time = timeOfDay(segment.scheduled_start_at ?? null, timeZone(), clockLocale());
  return h("div", { class: "booth-break booth-not-started" }, h("p", { class: "booth-break-title" }, withTime(startKey(segment.scheduled_start_at), time, "time")));
}

/** "Starts at 14:58", or "Was due at 14:58" once that is past (a late day), as the speaker clock
 * and the room display say it; `tick` draws it again when the time comes. */
function startKey(at) {
  return isDue(at) ? "clock.was_due_at" : "display.starts_at";
}

function isDue(at) {
  return at !== null && at !== undefined && at <= connection.clock.now();
}

/** The segment has ended: what comes next on the programme and when, or that the hearing has closed. */
function upcomingNotice(upcoming) {
  if (upcoming.closed) {
    return h("div", { class: "booth-break" }, h("p", { class: "booth-break-title" }, t("display.hearing_closed")));
  }
  if (!upcoming.title) return h("div", { class: "booth-break" }); // no programme yet
  const time = timeOfDay(upcoming.startsAt, connection.event && connection.event.timezone, clockLocale());
  return h(
    "div",
    { class: "booth-break" },
    h("p", {}, t("display.coming_next")),
    h("p", { class: "booth-break-title" }, h("bdi", {}, upcoming.title)),
    h("p", {}, withTime(startKey(upcoming.startsAt), time, "time")),
    firstAfter(upcoming.first),
  );
}

/** The floor language of the turn on the floor changed since it was last drawn (a correction, a
 * speaker who switches): remembered until the turn ends. */
function followFloorLanguage(current) {
  if (!current) {
    floorTurn = null;
    languageChange = null;
    return;
  }
  const language = current.language ?? null;
  if (floorTurn && floorTurn.id === current.id) {
    if (floorTurn.language !== language) languageChange = { id: current.id, from: floorTurn.language, to: language };
  } else {
    languageChange = null;
  }
  floorTurn = { id: current.id, language };
}

/** Said once (a polite status), shown until the turn ends: "Floor language changed to French (was Arabic)". */
function renderLanguageChange() {
  const text = languageChange
    ? t("booth.language_changed", { language: languageWords(languageChange.to), before: languageWords(languageChange.from) })
    : "";
  const box = $("language-changed");
  if (box.textContent === text) return false;
  setText(box, text);
  return true;
}

function renderPeople(state) {
  const current = state ? state.current : null;
  followFloorLanguage(current);
  // once the segment has ended its leftover queue is nobody's next: what comes next on the programme
  const upcoming = upcomingOf(state, connection.programme);
  const paused = state && !upcoming ? state.paused : null;
  const next = state && !upcoming ? state.queue.slice(0, paused ? 2 : 3) : [];
  const pause = breakOf(state, connection.programme);
  // a segment still to come, nobody on the floor: not started, and when it starts (not "live")
  const notStarted = Boolean(state) && !current && !upcoming && !pause && state.segment.status === "scheduled";
  // how many more wait after those shown (a booth plans its shifts and relay by it)
  const more = state && !upcoming ? Math.max(0, state.queue.length - next.length) : 0;
  const changed = Boolean(languageChange);
  // the start or the resumption said (to come, or due): drawn again by `tick` once it is past
  startShown = upcoming && upcoming.title ? upcoming.startsAt : notStarted ? state.segment.scheduled_start_at : pause ? pause.resumesAt : null;
  const due = isDue(startShown);
  shownDue = due;
  const key = JSON.stringify([current, paused, next, pause, upcoming, notStarted && state.segment, due, more, changed, currentLanguage(), timeZone()]);
  if (key === shownPeople) return false;
  shownPeople = key;
  // in a break: "Break" over its title, and no next speakers (nobody is next); once the segment
  // has ended, "This segment has ended" over what comes next; before it starts, "This segment
  // has not started" over when it starts, and who is queued
  const label = $("now-label");
  label.dataset.i18n = upcoming
    ? "display.segment_ended"
    : pause && !current
      ? "display.break_label"
      : notStarted
        ? "booth.not_started"
        : "display.now_speaking";
  setText(label, t(label.dataset.i18n));
  $("next-box").hidden = Boolean(upcoming) || (Boolean(pause) && next.length === 0);
  fill(
    $("now"),
    current
      ? h("div", { class: "booth-person now", dataset: { entryId: current.id } }, person(current, "large", false, changed))
      : upcoming
        ? upcomingNotice(upcoming)
        : pause
          ? breakNotice(pause)
          : notStarted
            ? notStartedNotice(state.segment)
            : h("p", { class: "booth-empty" }, t("booth.no_speaker")),
  );
  // the turn an interposed question or answer paused has the floor back next: first, with its
  // language and whether it is remote, then the queue
  const people = [
    ...(paused ? [h("li", { class: "booth-person", dataset: { entryId: paused.id, returns: "true" } }, person(paused, "small", true))] : []),
    ...next.map((entry) => h("li", { class: "booth-person", dataset: { entryId: entry.id } }, person(entry, "small"))),
  ];
  fill(
    $("next"),
    people.length
      ? people
      : pause || upcoming
        ? [] // nobody is next in a break
        : h("li", { class: "booth-empty" }, t("display.no_one_queued")),
  );
  $("more").hidden = more === 0;
  setText($("more"), more ? t("booth.more", { n: more }) : ""); // a number-agnostic wording: no plural forms
  return true;
}

/** The moderator's message to the speaker, calm, under who speaks: a preset (the server names
 * it) in the booth's language, else as typed (the moderator's own words, in their direction). */
function renderMessage(state) {
  const ended = state && state.segment.status === "ended";
  const message = state && !ended ? state.message : null;
  const preset = message ? state.message_preset : null;
  const text = !message ? "" : preset ? t(`clock.preset.${preset}`) : message;
  const box = $("message");
  if (box.textContent === text && $("message-box").hidden === !text) return false;
  $("message-box").hidden = !text;
  if (preset) box.removeAttribute("dir");
  else box.setAttribute("dir", "auto");
  setText(box, text);
  return true;
}

/** When interpretation ends (the event's hard stop, as the server reads it for this run) and,
 * once the server's forecast of the day's end passes it (its `timing`: "over"), that end, marked.
 * Nothing is computed here: the figures are the server's `day_end`. */
function renderDayEnd() {
  const end = connection.dayEnd;
  const zone = timeZone();
  const stop = end ? timeOfDay(end.stop_at, zone, clockLocale()) : "";
  const past = Boolean(stop) && end.timing === "over" && !end.ended;
  const forecast = past ? timeOfDay(end.forecast_end_at, zone, clockLocale()) : "";
  // a night session's stop past midnight: "+1 day" after its time
  const later = stop && end.days_after > 0 ? plural("booth.days_later", end.days_after) : "";
  const key = JSON.stringify([stop, later, forecast, currentLanguage()]);
  if (key === shownDayEnd) return false;
  shownDayEnd = key;
  $("day-end").hidden = !stop;
  fill($("day-end-stop"), withTime("booth.interpretation_until", stop, "time"), later ? ` ${later}` : "");
  const box = $("day-end-forecast");
  box.hidden = !forecast;
  box.dataset.timing = forecast ? "over" : "";
  fill(box, forecast ? [...withTime("booth.forecast_end", forecast, "time"), h("span", { class: "visually-hidden" }, ` (${t("booth.forecast_past")})`)] : []);
  box.title = forecast ? t("booth.forecast_past") : "";
  return true;
}

/** While the connection is not live: everything shown is the last known, since when (the event's time). */
function renderStale() {
  const old = stale();
  $("grid").dataset.live = String(!old);
  const time = old ? timeOfDay(lostAt, timeZone(), clockLocale()) : "";
  const box = $("stale");
  const text = !old ? "" : time ? t("booth.stale").replace("{time}", time) : t("booth.stale_no_time");
  if (box.textContent === text) return false;
  fill(box, !old ? [] : time ? withTime("booth.stale", time, "time") : t("booth.stale_no_time"));
  return true;
}

/** The signals that hold now: listed by the server, not past `expires_at` on its clock. */
function activeSignals() {
  const state = connection && connection.state;
  const now = connection ? connection.clock.now() : 0;
  return ((state && state.signals) || []).filter((signal) => signal.expires_at > now);
}

function renderSignals() {
  const active = activeSignals();
  const now = connection.clock.now();
  const key = JSON.stringify([active.map((signal) => [signal.id, signal.kind, signal.expires_at]), currentLanguage()]);
  if (key !== shownSignals) {
    shownSignals = key;
    fill(
      $("active"),
      active.map((signal) =>
        h(
          "li",
          { class: "active-signal", dataset: { kind: signal.kind, signalId: signal.id } },
          h("span", { class: "active-name" }, signalLabel(signal.kind)),
          h("span", { class: "active-ends" }, ""),
          h(
            "button",
            {
              type: "button",
              class: "clear-one",
              disabled: connection.status !== "live",
              "aria-label": `${t("booth.clear")}: ${signalLabel(signal.kind)}`,
              onclick: () => {
                // this button goes with its signal: the focus goes to the signal's own button
                focusSignalButton(signal.kind);
                send({ type: "clear_signal", signal_id: signal.id });
              },
            },
            t("booth.clear"),
          ),
        ),
      ),
    );
    $("none-active").hidden = active.length > 0;
    $("clear-all").hidden = active.length === 0;
    const kinds = new Set(active.map((signal) => signal.kind));
    for (const button of document.querySelectorAll(".signal-button")) {
      button.setAttribute("aria-pressed", String(kinds.has(button.dataset.kind)));
    }
  }
  // the time each has left, left to right on an Arabic screen too
  for (const item of $("active").children) {
    const signal = active.find((s) => s.id === item.dataset.signalId);
    if (!signal) continue;
    const ends = item.querySelector(".active-ends");
    const time = formatClock(Math.max(0, signal.expires_at - now));
    const parts = t("booth.ends_in").split(/(\{time\})/).filter(Boolean);
    const text = parts.map((part) => (part === "{time}" ? time : part)).join("");
    if (ends.textContent !== text) {
      fill(ends, parts.map((part) => (part === "{time}" ? h("span", { class: "time", dir: "ltr" }, time) : part)));
    }
  }
}

function showError(error) {
  const box = $("signal-error");
  box.hidden = !error;
  if (error && (error.code === "not_delivered" || error.code === "signal_stale")) {
    return setText(box, t("booth.not_delivered"));
  }
  // pressed for the speaker shown, who no longer has the floor: not passed on to the next one
  if (error && error.code === "turn_changed") return setText(box, t("booth.turn_changed"));
  setText(box, error ? t("booth.not_sent", { message: error.message || error.code || String(error) }) : "");
}

/** The turn the booth shows on the floor (its entry id), the one a press is meant for, or null. */
function shownTurn() {
  const shown = $("now").querySelector(".booth-person.now");
  return shown ? shown.dataset.entryId : null;
}

/** Put the focus on the button that raises a signal of this kind (a Clear button is about to go). */
function focusSignalButton(kind) {
  const button = document.querySelector(`.signal-button[data-kind="${CSS.escape(kind)}"]`);
  if (button) button.focus();
}

/** How long a signal may take to reach the server: later it is stale, and dropped (ms). */
const SIGNAL_WITHIN_MS = 4000;

/** A command on the followed segment; the server's answer (the view) is what the page shows. */
async function send(command) {
  if (!connection || !connection.segmentId) return;
  showError(null);
  try {
    await connection.send(command, { segmentId: connection.segmentId, within: SIGNAL_WITHIN_MS });
  } catch (error) {
    showError(error);
  }
}

/** Why the signal buttons are off, in words: the connection, else the server's `can_signal`. */
function signalOffText(live, refusal) {
  if (!connection.segmentId) return "";
  if (!live) return t("booth.signal_off.offline");
  if (!refusal) return "";
  if (refusal === "no_speaker") return t("booth.signal_off.no_speaker");
  if (refusal === "not_live") return t("booth.signal_off.not_live");
  return t("booth.signal_off.other");
}

function render() {
  const state = connection.state;
  followLanguage(connection.event);
  const live = connection.status === "live";
  if (!stale()) lostAt = null;
  else if (lostAt === null) lostAt = connection.clock.now();
  setText($("segment-title"), state ? state.segment.title : (connection.event && connection.event.title) || "Floorkeeper");
  // the room ("Room B"): which of the day's rooms this booth follows
  const room = (connection.event && connection.event.room) || "";
  $("room-line").hidden = !room; // "·" in the page's direction, the name in its own
  setText($("room"), room);
  if (state) document.title = [`${t("booth.title")} — ${state.segment.title}`, room].filter(Boolean).join(" · ");
  const people = renderPeople(state);
  const note = renderLanguageChange();
  const message = renderMessage(state);
  const old = renderStale();
  const dayEnd = renderDayEnd();
  if (people || note || message || old || dayEnd) fit();
  // the server says whether a signal may be raised now (can_signal: null, or its refusal's code)
  const refusal = state ? (state.can_signal ?? null) : null;
  const ready = Boolean(connection.segmentId) && live && !refusal;
  for (const button of document.querySelectorAll(".signal-button")) button.disabled = !ready;
  const off = signalOffText(live, refusal);
  $("signal-off").hidden = !off;
  setText($("signal-off"), off);
  // clearing is always possible on the server; only a dead line stops it
  $("clear-all").disabled = !(connection.segmentId && live);
  for (const button of document.querySelectorAll(".clear-one")) button.disabled = !live;
  tick();
}

/** The words under the time: its phase (not normal), the timer paused or not started, not live. */
function clockMarks(phase, timerState, old) {
  const marks = [];
  if (phase === "warning") marks.push(["phase", t("booth.phase.warning")]);
  if (phase === "danger") marks.push(["phase", t("booth.phase.danger")]);
  if (phase === "overtime") marks.push(["phase", t("display.overtime")]);
  if (timerState === "paused") marks.push(["paused", t("display.timer_paused")]);
  if (timerState === "idle") marks.push(["idle", t("booth.timer_idle")]);
  if (old) marks.push(["stale", t("booth.not_live")]);
  return marks;
}

function tick() {
  if (!connection) return;
  if (startShown !== null && startShown !== undefined && !shownDue && isDue(startShown)) {
    render(); // "Starts at 14:58" has become "Was due at 14:58"
    return;
  }
  const state = connection.state;
  const current = state && state.current;
  const remaining = $("remaining");
  const clock = $("clock");
  clock.hidden = !current;
  if (current) {
    // not live: the time as it was when the line went, standing still (the turn may have ended)
    const old = stale();
    const at = old && lostAt !== null ? lostAt : connection.clock.now();
    const ms = remainingMs(current.timer, at);
    const phase = phaseOf(ms, state.settings);
    setText(remaining, formatClock(ms));
    clock.dataset.phase = phase;
    clock.dataset.timer = current.timer.state;
    remaining.dataset.over = String(phase === "overtime");
    // named as well as read: "Time left 2:05", "Overtime +0:12"
    remaining.setAttribute("aria-label", `${t(phase === "overtime" ? "display.overtime" : "status.time_left")} ${formatClock(ms)}`);
    const marks = clockMarks(phase, current.timer.state, old);
    const key = JSON.stringify(marks);
    if (key !== shownMarks) {
      shownMarks = key;
      fill($("clock-marks"), marks.map(([kind, text]) => h("span", { class: "booth-clock-mark", dataset: { mark: kind } }, text)));
    }
  } else {
    setText(remaining, "");
    remaining.removeAttribute("aria-label");
    shownMarks = null;
    fill($("clock-marks"));
  }
  if (state) renderSignals();
}

function main() {
  const picker = languagePicker($("language"), { remember: false }); // kept as the booth's own (onLanguageChange)
  for (const button of document.querySelectorAll(".signal-button")) {
    const kind = button.dataset.kind;
    if (!SIGNAL_KINDS.includes(kind)) continue;
    // sent_at: the server refuses a signal held by a dead line and delivered late (signal_stale);
    // entry_id: the turn shown when it was pressed, so that a press that arrives after the
    // moderator called the next speaker is refused (turn_changed), not shown to them
    button.addEventListener("click", () => {
      const command = { type: "raise_signal", kind, duration_s: SIGNAL_SECONDS, sent_at: Math.round(connection.clock.now()) };
      const entryId = shownTurn();
      if (entryId) command.entry_id = entryId;
      send(command);
    });
  }
  $("clear-all").addEventListener("click", () => {
    // "Clear all" hides itself: the focus goes to the first signal it cleared
    const first = activeSignals()[0];
    focusSignalButton(first ? first.kind : SIGNAL_KINDS[0]);
    send({ type: "clear_signal", signal_id: null });
  });
  startRoomScreen({
    face: "booth",
    invalid: (reason) => {
      const none = whyNotSignedIn() === "none"; // never signed in here, not a link refused
      setText($("segment-title"), reason === "other_event" ? t("room.other_event") : none ? t("booth.not_signed_in") : t("booth.invalid_link"));
    },
    ready: (made) => {
      connection = made; // the signal buttons send through it
      picker.watch(made); // no reload while the line is down: it would lose the page
    },
    render,
    tick,
    fit,
    idleMs: 250,
    onStatus: render,
  });
}

main();
