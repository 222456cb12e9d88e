// Speaker clock: huge remaining time, green → amber → red, overtime counting up and flashing,
// the moderator's message large (a preset in the clock's language), the next speaker small, and the interpreters' signals ("Please
// slow down") in a band above it all while the server says they hold. Faces the podium, in the
// language of its link or its event (i18n.js pickRoomLanguage); the time reads left to right on
// an Arabic screen too ("+0:12"), names in their own direction.
import {
  actAs,
  formatClock,
  phaseOf,
  remainingMs,
} from "./client.js";
import { startRoomScreen } from "./room.js";
import { fill, h, setText, timeOfDay } from "./dom.js";
import { breakOf, clockLocale } from "./speakers.js";
import { apply, currentLanguage, pickRoomLanguage, setLanguage, signalLabel, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
actAs("display");
const explicitLanguage = new URLSearchParams(location.search).get("lang");
setLanguage(pickRoomLanguage(explicitLanguage, null), { remember: false });
apply(document);

let shownSignals = null; // the signals the band shows (ids and language), to rebuild only on a change
let shownLayout = null; // what the screen shows besides the time, to fit it only on a change

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

function renderSignals(connection) {
  const active = activeSignals(connection);
  const key = JSON.stringify([active.map((signal) => [signal.id, signal.kind]), currentLanguage()]);
  if (key === shownSignals) return false;
  shownSignals = key;
  $("signals-box").hidden = active.length === 0;
  fill(
    $("signals"),
    active.map((signal) =>
      h("li", { class: "clock-signal", dataset: { kind: signal.kind } }, signalLabel(signal.kind, { forSpeaker: true })),
    ),
  );
  return true;
}

/** Step the screen's sizes down (data-fit) until the main column holds everything and the time
 * (one line that never wraps) is not wider than its box. */
function fit() {
  const main = $("clock-main");
  const time = $("time");
  for (let step = 0; step < 6; step += 1) {
    main.dataset.fit = String(step);
    const fits = main.scrollHeight <= main.clientHeight + 1 && main.scrollWidth <= main.clientWidth + 1;
    if (fits && time.scrollWidth <= time.clientWidth + 1) return;
  }
}

/** The moderator's message: a preset (the server names it) in the clock's language, else as typed. */
function messageText(state) {
  if (!state || !state.message) return "";
  return state.message_preset ? t(`clock.preset.${state.message_preset}`) : state.message;
}

function followLanguage(event) {
  const wanted = pickRoomLanguage(explicitLanguage, event && event.languages);
  if (wanted === currentLanguage()) return;
  setLanguage(wanted, { remember: false });
  apply(document);
}

/** "Resumes at 15:00" in a break, the time in its own left-to-right island ("" if not known). */
function resumesAt(pause, event) {
  const time = timeOfDay(pause.resumesAt, event && event.timezone, clockLocale());
  if (!time) return [];
  return t("display.resumes_at")
    .split(/(\{time\})/)
    .map((part) => (part === "{time}" ? h("span", { dir: "ltr" }, time) : part))
    .filter(Boolean);
}

function render(connection) {
  followLanguage(connection.event);
  const state = connection.state;
  const current = state && state.current;
  // a break: its title where the speaker's name goes, and when the meeting resumes
  const pause = breakOf(state, connection.programme);
  setText($("speaker"), current ? current.name : pause ? pause.title : "");
  // an interposed question or answer: whose turn waits for the floor back (it comes next, not
  // the queue's first)
  const paused = state && state.paused;
  $("paused").hidden = !paused;
  fill($("paused"), paused ? withName("display.paused", paused.name) : []);
  setText($("message"), messageText(state));
  const next = !paused && state && state.queue[0];
  fill($("next"), next ? withName("clock.next", next.name) : pause ? resumesAt(pause, connection.event) : []);
  const layout = JSON.stringify([
    current && current.name,
    paused && paused.name,
    messageText(state),
    next && next.name,
    pause && [pause.title, pause.resumesAt],
    currentLanguage(),
  ]);
  const signalsChanged = renderSignals(connection);
  tick(connection);
  if (layout !== shownLayout || signalsChanged) {
    shownLayout = layout;
    fit();
  }
}

function tick(connection) {
  const state = connection.state;
  const current = state && state.current;
  const time = $("time");
  // the timer paused, as the server says: a label under the digits (it takes no room)
  $("timer-paused").hidden = !(current && current.timer.state === "paused");
  let phase = "idle";
  if (current) {
    const ms = remainingMs(current.timer, connection.clock.now());
    phase = phaseOf(ms, state.settings);
    setText(time, formatClock(ms));
    if (current.timer.state !== "running") phase += " stopped";
  } else {
    // in a break the podium sees the time of day (the event's), beside when it resumes
    const pause = breakOf(state, connection.programme);
    const now = pause ? timeOfDay(connection.clock.now(), connection.event && connection.event.timezone, clockLocale()) : "";
    setText(time, now || "–:––");
  }
  // "+0:01" and "+12:05" are longer than "4:59": a time that grows by a character is fitted
  // again as it ticks, not only when the names or the message change
  let refit = false;
  const chars = String(time.textContent.length);
  if (time.dataset.chars !== chars) {
    time.dataset.chars = chars;
    refit = true;
  }
  if (state && renderSignals(connection)) refit = true; // a signal ran out on the server's clock
  const signalled = !$("signals-box").hidden;
  const className = `clock phase-${phase}${state && state.message ? " has-message" : ""}${signalled ? " has-signal" : ""}`;
  if (document.body.className !== className) {
    document.body.className = className;
    refit = true;
  }
  if (refit) fit();
}

function main() {
  startRoomScreen({
    face: "clock",
    invalid: () => setText($("message"), t("clock.invalid_link")),
    render,
    tick,
    fit,
  });
}

main();
