// Speaker clock: huge remaining time, green → amber → red and the phase in words and in the
// frame's line too (not colour alone), overtime counting up and flashing for its first seconds
// (not at all under reduced motion), the moderator's message large (a preset in the clock's
// language), the next speaker small, and the interpreters' signals ("Please slow down") in a
// band above it all while the server says they hold. Faces the podium, in the
// language of its link or its event (i18n.js pickRoomLanguage); the time reads left to right on
// an Arabic screen too ("+0:12"), names in their own direction. The signals and a preset are
// said in the speaker's floor language too (current.language, one of the six), large, over the
// clock's own. In a break, or once the segment has ended, the time of day, labelled and smaller
// than a speaker's time, with when the meeting resumes or what comes next on the programme.
import {
  actAs,
  formatClock,
  phaseOf,
  remainingMs,
} from "./client.js";
import { startRoomScreen } from "./room.js";
import { fill, h, setNameLang, setText, timeOfDay } from "./dom.js";
import { breakOf, clockLocale, upcomingOf, withTime } from "./speakers.js";
import { STRINGS, apply, currentLanguage, languageOf, pickRoomLanguage, setLanguage, signalLabel, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
actAs("display");
const explicitLanguage = new URLSearchParams(location.search).get("lang");
setLanguage(pickRoomLanguage(explicitLanguage, null), { remember: false });
apply(document);

let shownSignals = null; // the signals the band shows (ids and language), to rebuild only on a change
let shownLayout = null; // what the screen shows besides the time, to fit it only on a change
let shownPhase = null; // the phase word shown (phase and languages), to rebuild only on a change

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
  const language = state && state.current && state.current.language;
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

function render(connection) {
  followLanguage(connection.event);
  const state = connection.state;
  const current = state && state.current;
  // a break: its title where the speaker's name goes, and when the meeting resumes; once the
  // segment has ended, what comes next on the programme and when (not its leftover queue), or
  // that the hearing has closed
  const pause = breakOf(state, connection.programme);
  const upcoming = upcomingOf(state, connection.programme);
  const zone = connection.event && connection.event.timezone;
  const coming = Boolean(upcoming && !upcoming.closed && upcoming.title);
  $("kicker").hidden = !coming;
  setText($("kicker"), coming ? t("display.coming_next") : "");
  let title = "";
  if (current) title = current.name;
  else if (upcoming) title = (upcoming.closed ? t("display.hearing_closed") : upcoming.title) || "";
  else if (pause) title = pause.title;
  setText($("speaker"), title);
  setNameLang($("speaker"), current); // a name in its own voice; a title in the page's
  // an interposed question or answer: whose turn waits for the floor back (it comes next, not
  // the queue's first)
  const paused = !upcoming && state && state.paused;
  $("paused").hidden = !paused;
  fill($("paused"), paused ? withName("display.paused", paused.name) : []);
  renderMessage(state);
  const next = !paused && !upcoming && state && state.queue[0];
  let after = [];
  if (next) after = withName("clock.next", next.name);
  else if (upcoming && !upcoming.closed) after = withTime("display.starts_at", timeOfDay(upcoming.startsAt, zone, clockLocale()), "");
  else if (pause) after = withTime("display.resumes_at", timeOfDay(pause.resumesAt, zone, clockLocale()), "");
  fill($("next"), after);
  const layout = JSON.stringify([
    title,
    paused && paused.name,
    messageKey(state),
    next && next.name,
    pause && [pause.title, pause.resumesAt],
    upcoming,
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

function tick(connection) {
  const state = connection.state;
  const current = state && state.current;
  const time = $("time");
  // the timer paused, as the server says: a label under the digits (it takes no room)
  $("timer-paused").hidden = !(current && current.timer.state === "paused");
  let phase;
  if (current) {
    const ms = remainingMs(current.timer, connection.clock.now());
    phase = phaseOf(ms, state.settings);
    setText(time, formatClock(ms));
    if (current.timer.state !== "running") phase += " stopped";
  } else {
    // in a break, or once the segment has ended, the podium sees the time of day (the event's),
    // smaller than a speaker's time and labelled so: never read as minutes left
    const between = breakOf(state, connection.programme) || upcomingOf(state, connection.programme);
    const now = between ? timeOfDay(connection.clock.now(), connection.event && connection.event.timezone, clockLocale()) : "";
    setText(time, now || "–:––");
    phase = now ? "idle time-of-day" : "idle";
  }
  $("time-label").hidden = !/time-of-day/.test(phase);
  // "+0:01" and "+12:05" are longer than "4:59": a time that grows by a character is fitted
  // again as it ticks, not only when the names or the message change
  let refit = renderPhase(phase.split(" ")[0], state);
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
