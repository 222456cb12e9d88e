// Room display: the segment, the current speaker and their time, who is next, how to join.
// Read from the back of the room; changes only when the state does, plus the clock's tick.
// In the group reflection, the contribution the moderator or rapporteur shows (the outcome's
// `shown`) takes the speaker's place, large; the speaker, if any, stays below it, small.
// While an interposed question or answer has the floor, the turn it paused is named under it.
// Each speaker's floor language ("FR") and a remote marker go with their name, for the room and
// the interpreters. Its language: ?lang= in its link, else the event's (i18n.js pickRoomLanguage);
// times, the clock and the join link read left to right on an Arabic screen too, names and titles
// in their own direction. What is long shrinks to fit the screen (fitInside), never off it.
// During a break (a segment of kind "break", nobody speaking), the break takes the speaker's
// place: its title, large, and when the meeting resumes (the next segment's scheduled start, from
// the programme); the join code stays, to join (not to ask for the floor: nobody asks in a break).
import { actAs } from "./client.js";
import { eventIdFromPath, startRoomScreen } from "./room.js";
import { fill, h, setText, timeOfDay } from "./dom.js";
import { GCM_OBJECTIVES } from "./gcm.js";
import { OTHER, neighbours, reflectionOrder } from "./reflection.js";
import { apply, constituencyLabel, contributionKindLabel, currentLanguage, pickRoomLanguage, setLanguage, t } from "./i18n.js";
// the speaker, the next speakers, the notice and the times, drawn as the public live page draws them
import { breakOf, clockLocale, fitInside, lengthClass, noticeOf, renderNext, renderSpeaker, renderTimes } from "./speakers.js";

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
  const pause = document.body.classList.contains("reflecting") ? null : breakOf(state, connection.programme);
  renderBreak(pause, event);
  renderJoin(event, pause);
  if (!state) {
    setText($("segment-title"), event.title || "Floorkeeper");
    tick(connection); // the time of day, once the event's zone is known
    return;
  }
  setText($("segment-title"), state.segment.title);
  document.title = `${state.segment.title} — Floorkeeper`;
  const current = state.current;
  const next = state.queue.slice(0, 3);
  const notice = noticeOf(state);
  setText($("notice"), notice);
  $("next-box").hidden = Boolean(pause) && next.length === 0; // nobody's next in a break
  const layout = JSON.stringify([current, state.paused, next, notice, currentLanguage(), document.body.className, pause]);
  if (layout !== shownLayout) {
    shownLayout = layout;
    renderSpeaker(current, state.paused);
    renderNext(next);
    tick(connection);
    fitAll();
  } else tick(connection);
}

/** A break in the speaker's place (or not): its title, large, and when the meeting resumes, in the
 * event's zone (left out when the programme does not say, or the zone is not known yet). */
function renderBreak(pause, event) {
  document.body.dataset.break = pause ? "on" : "off";
  $("break").hidden = !pause;
  $("now").hidden = Boolean(pause);
  if (!pause) return;
  const title = $("break-title");
  setText(title, pause.title);
  title.dataset.length = lengthClass(pause.title);
  const time = timeOfDay(pause.resumesAt, event.timezone, clockLocale());
  const resumes = $("break-resumes");
  const shown = JSON.stringify([time, currentLanguage()]);
  if (resumes.dataset.shown !== shown) {
    resumes.dataset.shown = shown;
    // the time reads left to right on an Arabic screen too, in its own island
    fill(
      resumes,
      time
        ? t("display.resumes_at")
            .split(/(\{time\})/)
            .map((part) => (part === "{time}" ? h("span", { class: "break-time", dir: "ltr" }, time) : part))
            .filter(Boolean)
        : [],
    );
  }
}

/** How to join, once the server has said the join code: until then nothing (no empty link, no
 * broken image); the QR code shows once its image has come, and not if it could not. In a break
 * it invites to join only: nobody asks for the floor then. */
function renderJoin(event, pause) {
  const label = $("join-label");
  const key = pause ? "display.scan_to_join_only" : "display.scan_to_join";
  if (label.dataset.i18n !== key) label.dataset.i18n = key; // a new language keeps the right words
  setText(label, t(key));
  $("join").hidden = !event.join_code;
  if (event.join_code && event.join_code !== shownJoinCode) {
    // a new code (the organiser rotated it) means a new link and a new QR code
    shownJoinCode = event.join_code;
    setText($("join-url"), `${location.host}/join/${event.join_code}`);
    $("qr").src = `/api/v1/events/${encodeURIComponent(eventId)}/join-qr.svg?code=${encodeURIComponent(event.join_code)}`;
  }
}

function tick(connection) {
  renderTimes(connection.state, connection.event, connection.clock.now());
}

function main() {
  const qr = $("qr");
  // the code shown (or not) changes the join box's size, so the speaker's and the next speakers'
  // boxes are fitted again: nothing is cut off by its edge
  qr.addEventListener("load", () => {
    qr.hidden = false;
    fitAll();
  });
  qr.addEventListener("error", () => {
    qr.hidden = true; // the link under it still says where to go
    fitAll();
  });
  startRoomScreen({
    face: "display",
    invalid: () => {
      setText($("segment-title"), t("display.invalid_link"));
      $("join").hidden = true; // no invitation to a floor this screen cannot show
    },
    render,
    tick,
    fit: fitAll,
  });
}

main();
