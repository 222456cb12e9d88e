// Room display: the segment, the current speaker and their time, who is next, how to join.
// Read from the back of the room; changes only when the state does, plus the clock's tick.
// In the group reflection, the contribution the moderator or rapporteur shows (the outcome's
// `shown`) takes the speaker's place, large; the speaker, if any, stays below it, small.
// While an interposed question or answer has the floor, the turn it paused is named under it.
// Each speaker's floor language ("FR") and a remote marker go with their name, for the room and
// the interpreters. Its language: ?lang= in its link, else the event's (i18n.js pickRoomLanguage);
// times, the clock and the join link read left to right on an Arabic screen too, names and titles
// in their own direction. What is long shrinks to fit the screen (fitInside), never off it; the
// contribution shown is measured once drawn and shrinks to fit, down to the smallest size the room
// still reads, and past that is shown in pages that follow one another, each saying so ("… 1 of 2"):
// never cut off. Its text is right to left when it is in Arabic (its language), else in the
// direction of its first letter; the Global Compact's titles in the screen's language (gcm.js).
// During a break (a segment of kind "break", nobody speaking), the break takes the speaker's
// place: its title, large, and when the meeting resumes (the next segment's scheduled start, from
// the programme); the join code stays, to join (not to ask for the floor: nobody asks in a break).
// Once the segment has ended, its leftover queue is nobody's next and the join code goes: what
// comes next on the programme (its title, its scheduled start) takes the whole screen, or, after
// the day's last segment, that the hearing has closed. The next speakers are sized from the
// screen's height, each on its own (speakers.js fitEach), so a 4:3 projector reads them too;
// during an interposed question or answer the turn it paused comes first, marked so.
import { actAs, whyNotSignedIn } from "./client.js";
import { eventIdFromPath, notLiveSince, startRoomScreen } from "./room.js";
import { fill, h, setText, timeOfDay } from "./dom.js";
import { loadObjectives, objectiveTitle, objectivesLoaded } from "./gcm.js";
import { neighbours, reflectionOrder } from "./reflection.js";
import { apply, constituencyLabel, contributionKindLabel, currentLanguage, pickRoomLanguage, setLanguage, t } from "./i18n.js";
// the speaker, the next speakers, the notice and the times, drawn as the public live page draws them
import {
  breakOf,
  clockLocale,
  fitEach,
  fitInside,
  lengthClass,
  noticeOf,
  renderNext,
  renderSpeaker,
  renderTimes,
  upcomingOf,
  withTime,
} from "./speakers.js";

const $ = (id) => document.getElementById(id);
actAs("display");
const eventId = eventIdFromPath();
let shownJoinCode = null;
let shownStale = null; // the line-lost marks drawn, to draw them again only on a change
let startOfNotice = null; // the start of the segment not started that the notice says, or null
/** The interlude shown (a break, or what comes next): when it resumes or starts, and that time
 * in words; null when the floor is shown. */
let interlude = null;
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

function fitAll(force = false) {
  fitInside($("now"), $("speaker"));
  fitEach($("next-box"), $("next"), { steps: 5, beyond: 2 }); // each next speaker on its own: a long name shrinks alone
  fitReflection(force);
}

/** The shown text's sizes (rem), largest first: a pledge of one line reads from the back row; the
 * last is the smallest the room still reads (32 px on a 1920×1080 screen). */
const TEXT_SIZES = [4.25, 3.9, 3.6, 3.3, 3, 2.75, 2.5, 2.25, 2];
/** Below this size, the theme's others and the objectives' titles give their room to the text. */
const ROOMY_UNTIL = 2.75;
/** How long a page of a contribution too long for the screen stays up: time to read it aloud. */
const PAGE_MS = { perCharacter: 80, min: 12000, max: 60000 };
const ELLIPSIS = "…";

/** A contribution's direction: right to left in Arabic (whatever its first letter), else its own. */
const dirOf = (language) => (language === "ar" ? "rtl" : "auto");
/** Its lang attribute, when its language is one of the floor's. */
const langOf = (language) => (language && language !== "other" ? language : null);

/** The shown contribution's text: its size and its pages, fitted to the space the screen leaves. */
const shownText = {
  text: "", // the whole text
  key: null, // what it was fitted to: the text, the box's size, the language
  pages: [], // the text in pages, each fitting at the smallest size (one page when it all fits)
  box: null, // the reflection's size it was fitted to: [width, height]
  page: 0,
  timer: null,
};

/** Whether the shown text's box holds all it has. */
function textFits() {
  const box = $("reflection-text");
  return box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1;
}

/** A page's text as shown: "…" where the text goes on before or after it. */
function pageText(pieces, first, last) {
  const text = pieces.join("").trim();
  return `${first ? "" : `${ELLIPSIS} `}${text}${last ? "" : ` ${ELLIPSIS}`}`;
}

/** The text in pages that each fit the box at the size now set: as many words on each as fit. */
function paginate(text) {
  const box = $("reflection-text");
  const pieces = text.split(/(\s+)/); // words and the spaces (and line breaks) between them
  const pages = [];
  let start = 0;
  while (start < pieces.length) {
    // the most pieces from `start` that fit (at least one word: a page always moves on)
    let low = start + 1;
    let high = pieces.length;
    const fits = (end) => {
      box.textContent = pageText(pieces.slice(start, end), pages.length === 0, end >= pieces.length);
      return textFits();
    };
    if (fits(high)) low = high;
    else {
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (fits(middle)) low = middle;
        else high = middle - 1;
      }
    }
    const end = low;
    pages.push(pieces.slice(start, end));
    start = end;
    while (start < pieces.length && !pieces[start].trim()) start += 1; // no page starts with a space
  }
  return pages.map((page, index) => pageText(page, index === 0, index === pages.length - 1));
}

/** Show page `index` of the shown text, and when it is one of several, the next in a while. */
function showPage(index) {
  clearTimeout(shownText.timer);
  shownText.timer = null;
  const { pages } = shownText;
  shownText.page = pages.length ? index % pages.length : 0;
  const box = $("reflection-text");
  const marker = $("reflection-pages");
  box.textContent = pages[shownText.page] ?? shownText.text;
  marker.hidden = pages.length < 2;
  box.dataset.pages = String(pages.length);
  if (pages.length < 2) {
    setText(marker, "");
    return;
  }
  setText(marker, t("display.continued", { n: shownText.page + 1, count: pages.length }));
  marker.dataset.page = String(shownText.page + 1);
  const length = [...pages[shownText.page]].length;
  const wait = Math.min(PAGE_MS.max, Math.max(PAGE_MS.min, length * PAGE_MS.perCharacter));
  shownText.timer = setTimeout(() => showPage(shownText.page + 1), wait);
}

/**
 * Fit the shown text into the space the screen leaves it (after the theme, the kind, the by-line
 * and the objectives): the largest size at which all of it shows; at the smallest, pages. Again
 * only when the text or the space changed (`force` after the fonts did).
 */
function fitReflection(force = false) {
  const section = $("reflection");
  if (section.hidden || !shownText.text) {
    clearTimeout(shownText.timer);
    shownText.timer = null;
    shownText.key = null;
    return;
  }
  const key = JSON.stringify([shownText.text, section.clientWidth, section.clientHeight, currentLanguage(), shownReflection]);
  if (!force && key === shownText.key) return;
  shownText.key = key;
  shownText.box = [section.clientWidth, section.clientHeight];
  const box = $("reflection-text");
  const marker = $("reflection-pages");
  marker.hidden = true;
  box.textContent = shownText.text;
  /** The largest size at which it all shows (down to `smallest`), or null. */
  const largest = (smallest) => {
    for (const size of TEXT_SIZES.filter((each) => each >= smallest)) {
      box.style.fontSize = `${size}rem`;
      if (textFits()) return size;
    }
    return null;
  };
  section.dataset.compact = "false";
  let size = largest(ROOMY_UNTIL);
  if (size === null) {
    section.dataset.compact = "true"; // the text first
    size = largest(TEXT_SIZES[TEXT_SIZES.length - 1]);
  }
  box.dataset.size = String(size ?? TEXT_SIZES[TEXT_SIZES.length - 1]);
  if (size !== null) {
    shownText.pages = [shownText.text];
    showPage(0);
    return;
  }
  // too long for the screen even at the smallest size: in pages, the marker in its place
  marker.hidden = false;
  setText(marker, t("display.continued", { n: 9, count: 9 }));
  const keep = shownText.page;
  shownText.pages = paginate(shownText.text);
  showPage(keep < shownText.pages.length ? keep : 0);
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
  const theme = place.other ? t("display.other_theme") : place.theme;
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
        {
          class: "reflection-group-item",
          dir: dirOf(item.language),
          lang: langOf(item.language),
          dataset: { current: String(item.id === shownId) },
        },
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
    shownText.text = "";
    fitReflection();
    return;
  }
  const order = reflectionOrder(connection.outcome);
  const place = neighbours(order, shown.id);
  const group = place.group;
  const key = JSON.stringify([shown, place, group, currentLanguage(), objectivesLoaded()]);
  if (key === shownReflection) return;
  shownReflection = key;
  renderPlace(place, group, shown.id);
  const kind = $("reflection-kind");
  setText(kind, contributionKindLabel(shown.kind));
  kind.dataset.kind = shown.kind;
  const text = $("reflection-text");
  text.dir = dirOf(shown.language);
  if (langOf(shown.language)) text.lang = langOf(shown.language);
  else text.removeAttribute("lang");
  if (shownText.text !== shown.text) shownText.page = 0; // another text: from its beginning
  shownText.text = shown.text;
  shownText.key = null; // fitted once the rest is drawn (fitReflection)
  setText(text, shown.text);
  // the organisation in its own direction (an Arabic name on a French page), then the constituency
  const constituency = shown.constituency === "other" ? "" : constituencyLabel(shown.constituency);
  const by = [shown.organisation ? h("bdi", {}, shown.organisation) : null, constituency].filter(Boolean);
  fill($("reflection-by"), by.flatMap((part, index) => (index ? [" · ", part] : [part])));
  const objectives = shown.objectives || [];
  $("reflection-objectives-box").hidden = objectives.length === 0;
  if (objectives.length && !objectivesLoaded()) {
    // the titles, in the screen's language, once they have come (the numbers meanwhile)
    loadObjectives()
      .then(() => {
        shownReflection = null;
        renderReflection(connection);
        fitReflection();
      })
      .catch(() => {});
  }
  fill(
    $("reflection-objectives"),
    objectives.map((number) => {
      const title = objectiveTitle(number);
      return h(
        "li",
        { class: "objective" },
        h("span", { class: "objective-number" }, t("display.objective", { n: number })),
        title ? h("span", { class: "objective-title" }, title) : null,
      );
    }),
  );
}

function render(connection) {
  const state = connection.state;
  const event = connection.event || {};
  followLanguage(connection.event);
  renderReflection(connection);
  document.body.dataset.speaker = state && state.current ? "on" : "none";
  setText($("event-title"), [event.title, event.room].filter(Boolean).join(" · "));
  const reflecting = document.body.classList.contains("reflecting");
  const pause = reflecting ? null : breakOf(state, connection.programme);
  // the segment has ended: what comes next on the programme (or that the hearing has closed),
  // never its leftover queue as next speakers, and no invitation to ask for a closed floor
  const ended = Boolean(state && state.segment.status === "ended");
  const upcoming = reflecting ? null : upcomingOf(state, connection.programme);
  document.body.dataset.ended = ended ? "on" : "off";
  renderInterlude(pause, upcoming, event, connection.clock.now());
  renderJoin(event, pause, ended);
  if (!state) {
    setText($("segment-title"), event.title || "Floorkeeper");
    tick(connection); // the time of day, once the event's zone is known
    fitReflection();
    return;
  }
  setText($("segment-title"), state.segment.title);
  document.title = `${state.segment.title} — Floorkeeper`;
  const current = state.current;
  const next = ended ? [] : state.queue.slice(0, 3);
  const paused = ended ? null : state.paused;
  const notice = noticeOf(state);
  // a segment not started: when it starts, or was due to (a late day), as the clock and the
  // booth say it ("The floor will open shortly · Was due at 10:00"; outside probe A)
  startOfNotice = state.segment.status === "scheduled" && !current ? (state.segment.scheduled_start_at ?? null) : null;
  renderNotice(notice, event, connection.clock.now());
  $("next-box").hidden = ended || (Boolean(pause) && next.length === 0); // nobody's next in a break
  const layout = JSON.stringify([current, paused, next, notice, currentLanguage(), document.body.className, pause, ended]);
  if (layout !== shownLayout) {
    shownLayout = layout;
    renderSpeaker(current, paused);
    // the turn an interposed question or answer paused comes back first, then the queue
    renderNext(next, { paused });
    tick(connection);
    fitAll();
  } else tick(connection);
  fitReflection(); // the contribution shown, in the space the rest leaves it (once, until it changes)
}

/** In the speaker's place, a break (its title, large, and when the meeting resumes), or once the
 * segment has ended, what comes next on the programme (its title and scheduled start) or that the
 * hearing has closed; times in the event's zone (left out when the programme does not say, or the
 * zone is not known yet). */
function renderInterlude(pause, upcoming, event, now) {
  const shown = pause || upcoming;
  interlude = shown ? { pause, at: pause ? pause.resumesAt : upcoming.startsAt, time: null } : null;
  document.body.dataset.break = pause ? "on" : "off";
  $("break").hidden = !shown;
  $("now").hidden = Boolean(shown);
  if (!shown) return;
  const label = $("break-label");
  const labelKey = pause ? "display.break_label" : "display.segment_ended";
  if (label.dataset.i18n !== labelKey) label.dataset.i18n = labelKey; // a new language keeps the right words
  setText(label, t(labelKey));
  $("break-kicker").hidden = !upcoming || upcoming.closed || !upcoming.title;
  const text = (pause ? pause.title : upcoming.closed ? t("display.hearing_closed") : upcoming.title) || "";
  const title = $("break-title");
  setText(title, text);
  title.dataset.length = lengthClass(text);
  title.dataset.closed = String(Boolean(upcoming && upcoming.closed));
  interlude.time = timeOfDay(interlude.at, event.timezone, clockLocale());
  renderStart(now);
}

/** When the break ends, or when what comes next starts: "Resumes at 15:00", "Starts at 14:58";
 * once that is past (a late day) "Was due to resume at 15:00", "Was due at 14:58", as the speaker
 * clock, the booth and the live page say it. Drawn again as time passes. */
function renderStart(now) {
  if (!interlude) return;
  const { pause, at, time } = interlude;
  const due = at !== null && at !== undefined && at <= now;
  const key = pause
    ? due ? "display.was_due_to_resume_at" : "display.resumes_at"
    : due ? "clock.was_due_at" : "display.starts_at";
  const resumes = $("break-resumes");
  const drawn = JSON.stringify([key, time, currentLanguage()]);
  if (resumes.dataset.shown !== drawn) {
    resumes.dataset.shown = drawn;
    // the time reads left to right on an Arabic screen too, in its own island
    fill(resumes, withTime(key, time));
  }
}

/** How to join, once the server has said the join code: until then nothing (no empty link, no
 * broken image); the QR code shows once its image has come, and not if it could not. In a break
 * it invites to join only: nobody asks for the floor then; once the segment has ended, nothing. */
function renderJoin(event, pause, ended) {
  const label = $("join-label");
  const key = pause ? "display.scan_to_join_only" : "display.scan_to_join";
  if (label.dataset.i18n !== key) label.dataset.i18n = key; // a new language keeps the right words
  setText(label, t(key));
  // nobody asks for the floor of an ended segment (nor, after the closing, joins the hearing)
  $("join").hidden = !event.join_code || ended;
  if (event.join_code && event.join_code !== shownJoinCode) {
    // a new code (the organiser rotated it) means a new link and a new QR code
    shownJoinCode = event.join_code;
    setText($("join-url"), `${location.host}/join/${event.join_code}`);
    $("qr").src = `/api/v1/events/${encodeURIComponent(eventId)}/join-qr.svg?code=${encodeURIComponent(event.join_code)}`;
  }
}

/** The notice under the speaker's place, with the start of a segment not started said as to
 * come or past; drawn again as that start passes (from the tick). */
function renderNotice(notice, event, now) {
  const at = startOfNotice;
  const time = at === null ? "" : timeOfDay(at, (event || {}).timezone, clockLocale());
  const due = Boolean(time) && at <= now;
  const key = JSON.stringify([notice, time, due, currentLanguage()]);
  const node = $("notice");
  if (node.dataset.shown === key) return;
  node.dataset.shown = key;
  const when = time ? withTime(due ? "clock.was_due_at" : "display.starts_at", time) : [];
  fill(node, notice, when.length && notice ? " · " : "", when);
}

function tick(connection) {
  const now = connection.clock.now();
  if (startOfNotice !== null && connection.state) renderNotice(noticeOf(connection.state), connection.event, now);
  const lost = renderTimes(connection.state, connection.event, now, now, notLiveSince(connection));
  renderStale(connection, lost);
  renderStart(now);
}

/** The line lost for a few seconds while a speaker's time shows: "No connection" where "Paused" goes,
 * and under the time, in place of the notice, since when ("Last known — no connection since 14:02"),
 * as the booth and the speaker clock say it: the room is not shown a phase or an overtime the
 * server has not said (outside probe B: a paused speaker counted into red overtime). */
function renderStale(connection, lost) {
  const since = lost ? notLiveSince(connection) : null;
  const time = lost ? timeOfDay(since, (connection.event || {}).timezone, clockLocale()) : "";
  const key = JSON.stringify([lost, time, currentLanguage()]);
  if (key === shownStale) return;
  shownStale = key;
  document.body.dataset.stale = lost ? "on" : "off";
  $("timer-stale").hidden = !lost;
  $("stale-notice").hidden = !lost;
  fill($("stale-notice"), !lost ? [] : time ? withTime("booth.stale", time) : t("booth.stale_no_time"));
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
  // the space the reflection has changes with the speaker's line under it, the window, the fonts
  if (window.ResizeObserver) new ResizeObserver(() => fitReflection()).observe($("reflection"));
  startRoomScreen({
    face: "display",
    invalid: (reason) => {
      // a browser that never signed in here (another address, its cookie gone) is told so, as
      // the console tells it; a link the server refused (revoked, expired) is not valid any more
      const none = whyNotSignedIn() === "none";
      setText($("segment-title"), reason === "other_event" ? t("room.other_event") : none ? t("display.not_signed_in") : t("display.invalid_link"));
      $("join").hidden = true; // no invitation to a floor this screen cannot show
    },
    render,
    tick,
    fit: () => fitAll(true),
  });
}

main();
// for the browser tests and for debugging in the room: the shown text's pages, and turning them
window.floorDisplay = { pages: () => [...shownText.pages], fittedTo: () => shownText.box, showPage };
