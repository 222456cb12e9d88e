// Room display: the segment, the current speaker and their time, who is next, how to join.
// Read from the back of the room; changes only when the state does, plus the clock's tick.
// In the group reflection, the contribution the moderator or rapporteur shows (the outcome's
// `shown`) takes the speaker's place, large; the speaker, if any, stays below it, small.
// While an interposed question or answer has the floor, the turn it paused is named under it.
// Each speaker's floor language ("FR") and a remote marker go with their name, for the room and
// the interpreters. Its language: ?lang= in its link, else the event's (i18n.js pickRoomLanguage);
// times, the clock and the join link read left to right on an Arabic screen too, names and titles
// in their own direction. What is long shrinks to fit the screen (fitInside), never off it.
import {
  actAs,
  formatClock,
  phaseOf,
  remainingMs,
} from "./client.js";
import { eventIdFromPath, startRoomScreen } from "./room.js";
import { fill, h, setText, timeOfDay } from "./dom.js";
import { GCM_OBJECTIVES } from "./gcm.js";
import { OTHER, neighbours, reflectionOrder } from "./reflection.js";
import {
  apply,
  constituencyLabel,
  contributionKindLabel,
  currentLanguage,
  floorLanguageName,
  floorLanguageTag,
  kindLabel,
  pickRoomLanguage,
  setLanguage,
  t,
} from "./i18n.js";

const $ = (id) => document.getElementById(id);
actAs("display");
const eventId = eventIdFromPath();
let shownJoinCode = null;
let shownReflection = null; // what the reflection shows, to rebuild it only on a change
let shownLayout = null; // what the speaker and the queue show, to fit them only on a change
const explicitLanguage = new URLSearchParams(location.search).get("lang");
setLanguage(pickRoomLanguage(explicitLanguage, null), { remember: false });
apply(document);

/** The event's languages are known (or changed): follow them unless the link names one. */
function followLanguage(event) {
  const wanted = pickRoomLanguage(explicitLanguage, event && event.languages);
  if (wanted === currentLanguage()) return;
  setLanguage(wanted, { remember: false });
  apply(document);
  shownReflection = null;
  shownLayout = null;
}

/**
 * Organisation and constituency, without saying the same thing twice: the line reads in the
 * page's direction, the organisation (people's text) in its own bidi island within it.
 */
function affiliation(entry) {
  const constituency = entry.constituency === "other" ? "" : constituencyLabel(entry.constituency);
  const organisation = entry.organisation || "";
  const parts = [organisation ? h("bdi", { class: "organisation" }, organisation) : null];
  if (constituency && constituency.toLowerCase() !== organisation.toLowerCase()) parts.push(constituency);
  return parts.filter(Boolean).flatMap((part, index) => (index ? [" · ", part] : [part]));
}

/** The speaker's floor language ("FR") and, when they speak from elsewhere, a remote marker. */
function tags(entry) {
  const language = entry.language
    ? h(
        "span",
        { class: "lang-tag", title: floorLanguageName(entry.language), "aria-label": t("who.floor_language", { language: floorLanguageName(entry.language) }) },
        floorLanguageTag(entry.language),
      )
    : null;
  const remote = entry.attendance === "remote" ? h("span", { class: "remote-tag" }, t("who.remote")) : null;
  return [language, remote].filter(Boolean);
}

/** A size for a name by its length, so a long one wraps onto few lines instead of many. */
function lengthClass(text) {
  const length = [...(text || "")].length;
  if (length <= 22) return "s";
  if (length <= 44) return "m";
  if (length <= 80) return "l";
  return "xl";
}

/** A line-clamped text is cut when it holds more than it shows (by a line: not the glyphs' overhang). */
function clamped(text) {
  return text.scrollHeight - text.clientHeight > parseFloat(getComputedStyle(text).fontSize) * 0.6;
}

/**
 * Step `node`'s data-fit down (CSS makes each step smaller) until `box` holds its content and no
 * line-clamped text in it is cut; at the last step the clamps (…) are the floor. Runs on a change
 * of content or size, not on the tick.
 */
function fitInside(box, node, steps = 5) {
  const fits = () =>
    box.scrollHeight <= box.clientHeight + 1 &&
    box.scrollWidth <= box.clientWidth + 1 &&
    [...node.querySelectorAll(".clamp")].every((text) => !clamped(text));
  for (let step = 0; step < steps; step += 1) {
    node.dataset.fit = String(step);
    if (fits()) return step;
  }
  return steps - 1;
}

function fitAll() {
  fitInside($("now"), $("speaker"));
  fitInside($("next-box"), $("next"));
}

/** A size for the shown text by its length: a pledge of one line reads from the back row. */
function sizeOf(text) {
  const length = [...text].length;
  if (length <= 140) return "xl";
  if (length <= 280) return "l";
  if (length <= 480) return "m";
  if (length <= 800) return "s";
  return "xs";
}

/** The first few words of a contribution, for the list of its theme's others. */
function firstWords(text, count = 6) {
  const words = text.trim().split(/\s+/);
  return words.length > count ? `${words.slice(0, count).join(" ")}…` : words.join(" ");
}

/** Above the shown one: its theme and place ("Pathways — 2 of 5 · 7 accepted"), and its group. */
function renderPlace(place, group, shownId) {
  $("reflection-place").hidden = !group;
  $("reflection-group").hidden = !group || group.items.length < 2;
  if (!group) {
    fill($("reflection-group"));
    return;
  }
  const theme = place.theme === OTHER ? t("display.other_theme") : place.theme;
  fill(
    $("reflection-place"),
    h("bdi", { class: "reflection-theme" }, theme),
    ` — ${t("display.n_of_count", { n: place.themePosition, count: place.themeCount })}`,
    ` · ${t("display.accepted_count", { count: place.count })}`,
  );
  fill(
    $("reflection-group"),
    group.items.map((item) =>
      h(
        "li",
        { class: "reflection-group-item", dir: "auto", dataset: { current: String(item.id === shownId) } },
        firstWords(item.text),
      ),
    ),
  );
}

function renderReflection(connection) {
  const shown = (connection.outcome && connection.outcome.shown) || null;
  document.body.classList.toggle("reflecting", Boolean(shown));
  $("reflection").hidden = !shown;
  if (!shown) {
    shownReflection = null;
    return;
  }
  const titles = (connection.programme || []).map((segment) => segment.title);
  const order = reflectionOrder(connection.outcome.contributions, titles);
  const place = neighbours(order, shown.id);
  const group = place.theme ? order.find((entry) => entry.theme === place.theme) : null;
  const key = JSON.stringify([shown, place, group, currentLanguage()]);
  if (key === shownReflection) return;
  shownReflection = key;
  renderPlace(place, group, shown.id);
  const kind = $("reflection-kind");
  setText(kind, contributionKindLabel(shown.kind));
  kind.dataset.kind = shown.kind;
  const text = $("reflection-text");
  setText(text, shown.text);
  text.dataset.size = sizeOf(shown.text);
  // the organisation in its own direction (an Arabic name on a French page), then the constituency
  const constituency = shown.constituency === "other" ? "" : constituencyLabel(shown.constituency);
  const by = [shown.organisation ? h("bdi", {}, shown.organisation) : null, constituency].filter(Boolean);
  fill($("reflection-by"), by.flatMap((part, index) => (index ? [" · ", part] : [part])));
  const objectives = shown.objectives || [];
  $("reflection-objectives-box").hidden = objectives.length === 0;
  const titled = currentLanguage() === "en"; // the titles are in English only
  fill(
    $("reflection-objectives"),
    objectives.map((number) =>
      h(
        "li",
        { class: "objective" },
        h("span", { class: "objective-number" }, t("display.objective", { n: number })),
        titled && GCM_OBJECTIVES.has(number) ? h("span", { class: "objective-title" }, GCM_OBJECTIVES.get(number)) : null,
      ),
    ),
  );
}

function render(connection) {
  const state = connection.state;
  const event = connection.event || {};
  followLanguage(connection.event);
  renderReflection(connection);
  document.body.dataset.speaker = state && state.current ? "on" : "none";
  setText($("event-title"), [event.title, event.room].filter(Boolean).join(" · "));
  if (!state) {
    setText($("segment-title"), event.title || "Floorkeeper");
    return;
  }
  setText($("segment-title"), state.segment.title);
  document.title = `${state.segment.title} — Floorkeeper`;
  const current = state.current;
  const next = state.queue.slice(0, 3);
  renderJoin(event);
  let notice = "";
  if (state.segment.status === "ended") notice = t("display.segment_ended");
  else if (!current) notice = t("display.waiting");
  if (!state.settings.list_open) notice = [notice, t("display.list_closed")].filter(Boolean).join(" · ");
  setText($("notice"), notice);
  const layout = JSON.stringify([current, state.paused, next, notice, currentLanguage(), document.body.className]);
  if (layout !== shownLayout) {
    shownLayout = layout;
    renderSpeaker(current, state.paused);
    renderNext(next);
    tick(connection);
    fitAll();
  } else tick(connection);
}

function renderSpeaker(current, paused) {
  const name = $("speaker-name");
  setText(name, current ? current.name : "");
  name.dataset.length = lengthClass(current && current.name);
  fill($("speaker-org"), current ? affiliation(current) : []);
  fill($("speaker-meta"), current ? [h("span", { class: "speaker-kind" }, kindLabel(current.kind)), tags(current)] : []);
  // an interposed question or answer: the turn it paused, small, under it (it comes back after)
  $("speaker-paused").hidden = !paused;
  if (paused) {
    fill(
      $("speaker-paused"),
      t("display.paused")
        .split(/(\{name\})/)
        .map((part) => (part === "{name}" ? h("bdi", {}, paused.name) : part))
        .filter(Boolean),
    );
  } else fill($("speaker-paused"));
}

function renderNext(next) {
  fill(
    $("next"),
    next.length
      ? next.map((entry) =>
          h(
            "li",
            { class: "next-entry" },
            h(
              "p",
              { class: "next-head" },
              h("span", { class: "next-name clamp", dir: "auto", dataset: { length: lengthClass(entry.name) } }, entry.name),
              h("span", { class: "next-tags" }, tags(entry)),
            ),
            h("p", { class: "next-org clamp" }, affiliation(entry)),
          ),
        )
      : h("li", { class: "next-empty" }, t("display.no_one_queued")),
  );
}

function renderJoin(event) {
  if (event.join_code && event.join_code !== shownJoinCode) {
    // a new code (the organiser rotated it) means a new link and a new QR code
    shownJoinCode = event.join_code;
    setText($("join-url"), `${location.host}/join/${event.join_code}`);
    $("qr").src = `/api/v1/events/${encodeURIComponent(eventId)}/join-qr.svg?code=${encodeURIComponent(event.join_code)}`;
  }
}

/** The time of day in the event's zone, in Latin digits; Arabic in 24 hours (no ص/م to place). */
function clockLocale() {
  const language = currentLanguage();
  return language === "ar" ? "ar-u-nu-latn-hc-h23" : `${language}-u-nu-latn`;
}

function tick(connection) {
  const event = connection.event || {};
  setText($("time-of-day"), timeOfDay(connection.clock.now(), event.timezone, clockLocale()));
  const current = connection.state && connection.state.current;
  const remaining = $("remaining");
  if (!current) {
    setText(remaining, "");
    remaining.className = "remaining";
    return;
  }
  const ms = remainingMs(current.timer, connection.clock.now());
  const phase = phaseOf(ms, connection.state.settings);
  setText(remaining, formatClock(ms));
  remaining.className = `remaining phase-${phase}${current.timer.state === "running" ? "" : " stopped"}`;
  remaining.setAttribute("aria-label", phase === "overtime" ? `${t("display.overtime")} ${formatClock(ms)}` : formatClock(ms));
}

function main() {
  startRoomScreen({
    face: "display",
    invalid: () => setText($("segment-title"), t("display.invalid_link")),
    render,
    tick,
    fit: fitAll,
  });
}

main();
