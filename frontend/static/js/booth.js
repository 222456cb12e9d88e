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
// the server's clock, as estimated here, has not passed its `expires_at`. Calm on purpose: dark,
// no flashing, nothing moves but the time left.
import {
  actAs,
  formatClock,
  remainingMs,
} from "./client.js";
import { startRoomScreen } from "./room.js";
import { fill, h, nameLang, setText, timeOfDay } from "./dom.js";
import { breakOf, clockLocale, upcomingOf, withTime } from "./speakers.js";
import {
  SIGNAL_KINDS,
  apply,
  constituencyLabel,
  currentLanguage,
  floorLanguageName,
  floorLanguageTag,
  kindLabel,
  pickRoomLanguage,
  setLanguage,
  signalLabel,
  t,
} from "./i18n.js";

const $ = (id) => document.getElementById(id);
actAs("booth");
const explicitLanguage = new URLSearchParams(location.search).get("lang");
setLanguage(pickRoomLanguage(explicitLanguage, null), { remember: false });
apply(document);

/** How long a signal holds unless cleared (the server takes 5–600 s). */
const SIGNAL_SECONDS = 60;

let connection = null;
let shownPeople = null; // what the speaker and the queue show, to rebuild them only on a change
let shownSignals = null; // the signals listed (ids, kinds, language), likewise

function followLanguage(event) {
  const wanted = pickRoomLanguage(explicitLanguage, event && event.languages);
  if (wanted === currentLanguage()) return;
  setLanguage(wanted, { remember: false });
  apply(document);
  shownPeople = null;
  shownSignals = null;
}

/** The floor language as a tag ("FR"), named in full for screen readers; a dash when not known. */
function languageTag(entry, size) {
  if (!entry.language) return h("span", { class: `booth-lang ${size} unknown`, "aria-hidden": "true" }, "–");
  const name = floorLanguageName(entry.language);
  return h(
    "span",
    { class: `booth-lang ${size}`, role: "img", title: name, "aria-label": t("who.floor_language", { language: name }) },
    floorLanguageTag(entry.language),
  );
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
      [...grid.querySelectorAll(".booth-name, .booth-org")].every((text) => !clamped(text));
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

function person(entry, size, returns = false) {
  return [
    languageTag(entry, size),
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

/** In a break: its title, and when the meeting resumes in the event's time (if the programme says). */
function breakNotice(pause) {
  const time = timeOfDay(pause.resumesAt, connection.event && connection.event.timezone, clockLocale());
  return h(
    "div",
    { class: "booth-break" },
    h("p", { class: "booth-break-title" }, h("bdi", {}, pause.title)),
    h("p", {}, withTime("display.resumes_at", time, "time")),
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
    h("p", {}, withTime("display.starts_at", time, "time")),
    firstAfter(upcoming.first),
  );
}

function renderPeople(state) {
  const current = state ? state.current : null;
  // once the segment has ended its leftover queue is nobody's next: what comes next on the programme
  const upcoming = upcomingOf(state, connection.programme);
  const paused = state && !upcoming ? state.paused : null;
  const next = state && !upcoming ? state.queue.slice(0, paused ? 2 : 3) : [];
  const pause = breakOf(state, connection.programme);
  const key = JSON.stringify([current, paused, next, pause, upcoming, currentLanguage(), connection.event && connection.event.timezone]);
  if (key === shownPeople) return;
  shownPeople = key;
  // in a break: "Break" over its title, and no next speakers (nobody is next); once the segment
  // has ended, "This segment has ended" over what comes next
  const label = $("now-label");
  label.dataset.i18n = upcoming ? "display.segment_ended" : pause && !current ? "display.break_label" : "display.now_speaking";
  setText(label, t(label.dataset.i18n));
  $("next-box").hidden = Boolean(upcoming) || (Boolean(pause) && next.length === 0);
  fill(
    $("now"),
    current
      ? h("div", { class: "booth-person now", dataset: { entryId: current.id } }, person(current, "large"))
      : upcoming
        ? upcomingNotice(upcoming)
        : pause
          ? breakNotice(pause)
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
  fit();
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

function render() {
  const state = connection.state;
  followLanguage(connection.event);
  setText($("segment-title"), state ? state.segment.title : (connection.event && connection.event.title) || "Floorkeeper");
  if (state) document.title = `${t("booth.title")} — ${state.segment.title}`;
  renderPeople(state);
  const ready = Boolean(connection.segmentId) && connection.status === "live";
  for (const button of document.querySelectorAll(".signal-button")) button.disabled = !ready;
  $("clear-all").disabled = !ready;
  tick();
}

function tick() {
  if (!connection) return;
  const state = connection.state;
  const current = state && state.current;
  const remaining = $("remaining");
  if (current) {
    const ms = remainingMs(current.timer, connection.clock.now());
    setText(remaining, formatClock(ms));
    remaining.dataset.over = String(ms !== null && ms < 0);
    // named as well as read: "Time left 2:05", "Overtime +0:12"
    remaining.setAttribute("aria-label", `${t(ms !== null && ms < 0 ? "display.overtime" : "status.time_left")} ${formatClock(ms)}`);
  } else {
    setText(remaining, "");
    remaining.removeAttribute("aria-label");
  }
  if (state) renderSignals();
}

function main() {
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
    invalid: () => setText($("segment-title"), t("booth.invalid_link")),
    ready: (made) => {
      connection = made; // the signal buttons send through it
    },
    render,
    tick,
    fit,
    idleMs: 250,
    onStatus: render,
  });
}

main();
