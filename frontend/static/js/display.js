// Room display: the segment, the current speaker and their time, who is next, how to join.
// Read from the back of the room; changes only when the state does, plus the clock's tick.
// In the group reflection, the contribution the moderator or rapporteur shows (the outcome's
// `shown`) takes the speaker's place, large; the speaker, if any, stays below it, small.
// While an interposed question or answer has the floor, the turn it paused is named under it.
import { FloorConnection, actAs, formatClock, keepAwake, phaseOf, remainingMs, signIn } from "./client.js";
import { fill, h, setText, timeOfDay } from "./dom.js";
import { GCM_OBJECTIVES } from "./gcm.js";
import { OTHER, neighbours, reflectionOrder } from "./reflection.js";
import {
  apply,
  constituencyLabel,
  contributionKindLabel,
  currentLanguage,
  kindLabel,
  pickLanguage,
  setLanguage,
  t,
} from "./i18n.js";

const $ = (id) => document.getElementById(id);
actAs("display");
const eventId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
let shownJoinCode = null;
let shownReflection = null; // what the reflection shows, to rebuild it only on a change
setLanguage(pickLanguage(new URLSearchParams(location.search).get("lang")));
apply(document);

/** Organisation and constituency, without saying the same thing twice. */
function affiliation(entry) {
  const parts = [entry.organisation];
  const constituency = entry.constituency === "other" ? "" : constituencyLabel(entry.constituency);
  if (constituency && constituency.toLowerCase() !== (entry.organisation || "").toLowerCase()) {
    parts.push(constituency);
  }
  return parts.filter(Boolean).join(" · ");
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
  setText($("speaker-name"), current ? current.name : "");
  setText($("speaker-org"), current ? affiliation(current) : "");
  setText($("speaker-meta"), current ? kindLabel(current.kind) : "");
  // an interposed question or answer: the turn it paused, small, under it (it comes back after)
  const paused = state.paused;
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
  const next = state.queue.slice(0, 3);
  fill(
    $("next"),
    next.length
      ? next.map((entry) =>
          h(
            "li",
            { class: "next-entry" },
            h("span", { class: "next-name" }, entry.name),
            h("span", { class: "next-org" }, affiliation(entry)),
          ),
        )
      : h("li", { class: "next-empty" }, t("display.no_one_queued")),
  );
  let notice = "";
  if (state.segment.status === "ended") notice = t("display.segment_ended");
  else if (!current) notice = t("display.waiting");
  if (!state.settings.list_open) notice = [notice, t("display.list_closed")].filter(Boolean).join(" · ");
  setText($("notice"), notice);
  if (event.join_code && event.join_code !== shownJoinCode) {
    // a new code (the organiser rotated it) means a new link and a new QR code
    shownJoinCode = event.join_code;
    setText($("join-url"), `${location.host}/join/${event.join_code}`);
    $("qr").src = `/api/v1/events/${encodeURIComponent(eventId)}/join-qr.svg?code=${encodeURIComponent(event.join_code)}`;
  }
  tick(connection);
}

function tick(connection) {
  const event = connection.event || {};
  setText($("time-of-day"), timeOfDay(connection.clock.now(), event.timezone));
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

async function main() {
  let session;
  try {
    session = await signIn();
  } catch {
    session = null;
  }
  if (!session) {
    setText($("segment-title"), "This display link is not valid any more — ask the organiser for a new one.");
    return;
  }
  keepAwake();
  const connection = new FloorConnection(`/ws/events/${encodeURIComponent(eventId)}`);
  connection.addEventListener("change", () => render(connection));
  connection.addEventListener("status", (event) => {
    $("connection").hidden = event.detail !== "reconnecting";
  });
  connection.start();
  setInterval(() => tick(connection), 100);
  window.floorConnection = connection; // for the browser tests and for debugging in the room
}

main();
