// What the room display and the public live page draw alike: the speaker with their affiliation,
// floor language and remote marker, the turn an interposed one paused, the next speakers, the
// notice under the speaker, the speaker's time and the time of day. Both pages have the same
// elements (#speaker-name, #speaker-org, #speaker-meta, #speaker-paused, #next, #notice,
// #remaining, #time-of-day); each draws the view the server sent it and works no rule out.
import { entryOf, formatClock, hearingClosedAfter, segmentAfterBreak, timeShown } from "./client.js";
import { fill, h, nameLang, setNameLang, setText, timeOfDay } from "./dom.js";
import { constituencyLabel, currentLanguage, floorLanguageName, floorLanguageTag, kindLabel, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/**
 * Organisation and constituency, without saying the same thing twice: the line reads in the
 * page's direction, the organisation (people's text) in its own bidi island within it.
 */
export function affiliation(entry) {
  const constituency = entry.constituency === "other" ? "" : constituencyLabel(entry.constituency);
  const organisation = entry.organisation || "";
  // its own script's voice for a screen reader (the server's organisation_lang), as a name's
  const parts = [organisation ? h("bdi", { class: "organisation", lang: entry.organisation_lang || null }, organisation) : null];
  if (constituency && constituency.toLowerCase() !== organisation.toLowerCase()) parts.push(constituency);
  return parts.filter(Boolean).flatMap((part, index) => (index ? [" · ", part] : [part]));
}

/** The speaker's floor language ("FR") and, when they speak from elsewhere, a remote marker. The
 * tag is a picture of letters (role img): a screen reader says its name ("Floor language:
 * French"), not "F R" (an aria-label on a plain span is not read). */
export function tags(entry) {
  const language = entry.language
    ? h(
        "span",
        {
          class: "lang-tag",
          role: "img",
          title: floorLanguageName(entry.language),
          "aria-label": t("who.floor_language", { language: floorLanguageName(entry.language) }),
        },
        floorLanguageTag(entry.language),
      )
    : null;
  const remote = entry.attendance === "remote" ? h("span", { class: "remote-tag" }, t("who.remote")) : null;
  return [language, remote].filter(Boolean);
}

/** A size for a name by its length, so a long one wraps onto few lines instead of many. */
export function lengthClass(text) {
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
export function fitInside(box, node, steps = 5) {
  const fits = () =>
    box.scrollHeight <= box.clientHeight && // no slack: a box a fraction over cuts its last line
    box.scrollWidth <= box.clientWidth + 1 &&
    [...node.querySelectorAll(".clamp")].every((text) => !clamped(text));
  for (let step = 0; step < steps; step += 1) {
    node.dataset.fit = String(step);
    if (fits()) return step;
  }
  return steps - 1;
}

/**
 * The break this screen shows instead of a speaker, or null: while the followed segment is a
 * break (its `kind`) that has not ended and nobody has the floor, `{title, resumesAt}`: when the
 * moderator announced the meeting resumes (the server's `resumes_at`), else the scheduled start of
 * the segment after it in the programme (null when neither says).
 */
export function breakOf(state, programme) {
  const segment = state && state.segment;
  if (!segment || segment.kind !== "break" || segment.status === "ended" || state.current) return null;
  const after = segmentAfterBreak(programme, segment.id);
  const planned = after ? (after.scheduled_start_at ?? null) : null;
  // who speaks first after it: the server names the head of a segment's queue until it starts
  return { title: segment.title, resumesAt: segment.resumes_at ?? planned, first: after ? (after.first ?? null) : null };
}

/** Under the speaker: the segment has ended, the floor opens shortly, the list is closed. */
export function noticeOf(state) {
  let notice = "";
  if (state.segment.status === "ended") notice = t("display.segment_ended");
  else if (!state.current) notice = t("display.waiting");
  if (!state.settings.list_open) notice = [notice, t("display.list_closed")].filter(Boolean).join(" · ");
  return notice;
}

/** Who has the floor (and, under an interposed question or answer, the turn it paused). */
export function renderSpeaker(current, paused) {
  const name = $("speaker-name");
  setText(name, current ? current.name : "");
  setNameLang(name, current);
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
        .map((part) => (part === "{name}" ? h("bdi", { lang: nameLang(paused) }, paused.name) : part))
        .filter(Boolean),
    );
  } else fill($("speaker-paused"));
}

/** The kinds of turn the room is told of beside a next speaker's name: every kind but a plain
 * floor intervention (a point of order, a right of reply, a panellist…), with its label. */
export function kindMark(entry) {
  return entry.kind && entry.kind !== "intervention" ? h("span", { class: "next-kind" }, kindLabel(entry.kind)) : null;
}

/**
 * The next speakers: while an interposed question or answer has the floor, first the turn it
 * paused (`paused`: the floor goes back to it), marked so, with its floor language and remote
 * marker; then the queue as given (the display takes the queue's first three; the live page is
 * sent those), three in all. Each with its floor language, remote marker and, when it is not a
 * plain intervention, the kind of its turn.
 */
export function renderNext(next, { paused = null, count = 3 } = {}) {
  const entry = (person, returns) =>
    h(
      "li",
      { class: "next-entry", dataset: { returns: String(returns) } },
      h(
        "p",
        { class: "next-head" },
        h(
        "span",
        { class: "next-name clamp", dir: "auto", lang: nameLang(person), dataset: { length: lengthClass(person.name) } },
        person.name,
      ),
        h(
          "span",
          { class: "next-tags" },
          tags(person),
          returns ? h("span", { class: "next-returns" }, t("display.returns_to_floor")) : kindMark(person),
        ),
      ),
      h("p", { class: "next-org clamp" }, affiliation(person)),
    );
  const people = [...(paused ? [entry(paused, true)] : []), ...next.map((person) => entry(person, false))];
  fill($("next"), people.length ? people.slice(0, count) : h("li", { class: "next-empty" }, t("display.no_one_queued")));
}

/**
 * What the room is told once the followed segment has ended, instead of its leftover queue, or
 * null while it has not: the segment the server names as coming next (`next_id`: `{title,
 * startsAt}`, its scheduled start); when it names none, `{closed: true}` (`closes_hearing`: the
 * day's last segment has ended; app/floor/following.py).
 */
export function upcomingOf(state, programme) {
  const segment = state && state.segment;
  if (!segment || segment.status !== "ended") return null;
  const entry = entryOf(programme, segment.id);
  if (!entry) return { closed: false, title: null, startsAt: null }; // no programme yet: ended, no more
  if (hearingClosedAfter(programme, segment.id)) return { closed: true, title: null, startsAt: null };
  const after = entryOf(programme, entry.next_id);
  if (!after) return { closed: false, title: null, startsAt: null };
  return { closed: false, title: after.title, startsAt: after.scheduled_start_at ?? null, first: after.first ?? null };
}

/** A translated sentence with its {time} in a left-to-right island (nothing when no time). */
export function withTime(key, time, className = "break-time") {
  if (!time) return [];
  return t(key)
    .split(/(\{time\})/)
    .map((part) => (part === "{time}" ? h("span", { class: className, dir: "ltr" }, time) : part))
    .filter(Boolean);
}

/**
 * Fit the next speakers into `box`, each on its own: an entry steps its own sizes down
 * (data-fit, 0 to `steps` - 1) until its clamped texts are whole, then, while the box cannot hold
 * them all, the tallest steps down first, so that one long name does not shrink the others. CSS
 * keeps names and tags above a floor at those steps; only when the box still cannot hold them
 * (three of the longest names at once) do they go on to the `beyond` steps under it, rather than
 * be cut off by the box's edge.
 */
export function fitEach(box, list, { steps = 5, beyond = 0 } = {}) {
  const entries = [...list.children].filter((entry) => entry.classList.contains("next-entry"));
  for (const entry of entries) entry.dataset.fit = "0";
  const cut = (entry) => [...entry.querySelectorAll(".clamp")].some((text) => clamped(text));
  for (const entry of entries) {
    for (let step = 1; step < steps && cut(entry); step += 1) entry.dataset.fit = String(step);
  }
  // no slack down: a box a fraction over cuts its last line
  const overflows = () => box.scrollHeight > box.clientHeight || box.scrollWidth > box.clientWidth + 1;
  for (const last of [steps - 1, steps + beyond - 1]) {
    while (overflows()) {
      const left = entries.filter((entry) => Number(entry.dataset.fit) < last);
      if (!left.length) break;
      const height = (entry) => entry.getBoundingClientRect().height;
      const tallest = left.reduce((a, b) => (height(b) > height(a) ? b : a));
      tallest.dataset.fit = String(Number(tallest.dataset.fit) + 1);
    }
  }
}

/** The time of day in the event's zone, in Latin digits; Arabic in 24 hours (no ص/م to place). */
export function clockLocale() {
  const language = currentLanguage();
  // a 24-hour clock in every language (ISO 8601's), with Latin digits: "14:05", never "2:05 PM"
  return `${language}-u-nu-latn-hc-h23`;
}

/**
 * The time of day (none until the event's zone is known: never the browser's) and the speaker's
 * time at the server's instant `now`, coloured by phase; where the page has one (#timer-paused),
 * a label while the server says the timer is paused. The time of day may be drawn at another
 * instant (`clockAt`: the live page's runs on while its floor stands still). With no speaker the
 * timer is empty and has no name (no "Overtime +1:15" left for a screen reader). The line lost
 * since `lostSince` (the connection's `lostAt`): the time as `timeShown` says, with no phase and
 * no "Paused" (the server may have changed both). True when the time shown is not live.
 */
export function renderTimes(state, event, now, clockAt = now, lostSince = null) {
  setText($("time-of-day"), timeOfDay(clockAt, (event || {}).timezone, clockLocale()));
  const current = state && state.current;
  const remaining = $("remaining");
  const paused = $("timer-paused");
  if (!current) {
    if (paused) paused.hidden = true;
    setText(remaining, "");
    remaining.className = "remaining";
    remaining.removeAttribute("aria-label");
    return false;
  }
  const { ms, phase, lost } = timeShown(current.timer, state.settings, now, lostSince);
  if (paused) paused.hidden = lost || current.timer.state !== "paused";
  setText(remaining, formatClock(ms));
  remaining.className = `remaining phase-${phase}${current.timer.state === "running" || lost ? "" : " stopped"}`;
  // named as well as read: "Time left 2:05", "Overtime +0:12", "No connection 1:00" (a timer is not
  // live: read when visited)
  const name = lost ? "booth.not_live" : phase === "overtime" ? "display.overtime" : "status.time_left";
  remaining.setAttribute("aria-label", `${t(name)} ${formatClock(ms)}`);
  return lost;
}
