// The public live page (/live/{event_id}): the speakers list as the room display shows it — the
// segment, who has the floor and their time, the next speakers — for delegations following from
// elsewhere and for a webcast, on a phone or a laptop. No key: its socket (/ws/live/{event_id})
// is the `live` audience, which the server cuts from the display's view (app/views.py
// live_view), and only while the organiser publishes the page. Unpublished, or withdrawn while
// open, the socket says `not_published` and stays open: the page says so, and the server sends it
// the floor the moment it is published (a server that closed instead, 4404, is asked again every
// little while). It draws what the server sends, with
// the display's own drawing (speakers.js), and works no rule out: the next speakers are the ones
// sent, the time left is the timer's facts on the server's clock (client.js); a timer the server
// says is paused is labelled so, as on the display. While the line is down (the browser went
// offline, a ping went unanswered) the page says it is not live: the badge reads "Offline" when
// this browser's own network is down, else "Reconnecting to the server", the floor is dimmed and
// the speaker's time stands still where it was, since the moderator may have moved on meanwhile.
// Refused because as many live pages are open from its network address as the server allows (a
// university's NAT), or because the server is full, it says so in its language and that it gets
// in by itself, and asks again every little while. A page that comes back (its hello answered
// with `synced`) after it was told it is not published is published again: it shows the floor it
// holds. A change of speaker is said once to a screen reader (#said), the time left never. The
// "Live" badge shows only while a segment is live. Its language: ?lang= in its link, else the
// browser's (among the six), else English.
// Its times (the time of day, when a break resumes) are the event's, never the browser's: the
// header names the event's zone once ("Time zone: America/New_York"), for a follower abroad.
// While the line is down the time of day runs on (the server's clock as estimated here) and the
// header says since when the rest is ("Last updated 17:30"). A break past its scheduled end says
// when the meeting was due to resume, not that it resumes, and turns so when that time passes.
import { FloorConnection, PING_QUIETLY_MS, msToNextSecond, tickOnTheSecond } from "./client.js";
import { fill, h, nameLang, setText, timeOfDay } from "./dom.js";
import { apply, currentLanguage, pickRoomLanguage, setLanguage, t } from "./i18n.js";
import { breakOf, clockLocale, noticeOf, renderNext, renderSpeaker, renderTimes, upcomingOf } from "./speakers.js";

const $ = (id) => document.getElementById(id);
/** How long an unpublished page waits before it asks again (and up to a fifth more, at random). */
const RETRY_MS = 15000;
/** The close code of a page that is not published, from a server that closes it (older ones). */
const CLOSE_NOT_PUBLISHED = 4404;
/** The close code of a page refused for too many live pages open from its address. */
const CLOSE_TOO_MANY = 4429;

const eventId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
setLanguage(pickRoomLanguage(new URLSearchParams(location.search).get("lang"), null), { remember: false });
apply(document);

let shownLayout = null; // what the speaker and the next speakers show, to redraw them only on a change
let retry = null;
let frozenAt = null; // the server's instant (as estimated here) when the line went down, or null
let refused = null; // why the server refused this page ("address" or "server"), while it waits
let saidSpeaker; // the turn last said to a screen reader (undefined: nothing drawn yet)

/** Published (the floor) or not (a notice), as the server last said. */
function showPublished(published) {
  document.body.dataset.published = published ? "yes" : "no";
  $("live-header").hidden = !published;
  $("live-main").hidden = !published;
  $("unpublished").hidden = published;
  if (!published) {
    shownLayout = null;
    document.title = t("live.not_published");
  }
}

/** A dictionary's sentence as nodes, each {placeholder} filled with the node (or text) `vars`
 * gives it: a name keeps its own element, and so its own lang, inside the page's sentence. */
function sentence(template, vars) {
  return template
    .split(/\{(\w+)\}/)
    .map((part, index) => (index % 2 ? (vars[part] ?? `{${part}}`) : part))
    .filter((part) => part !== "");
}

/** Say a change of speaker once, politely (#said): who now has the floor, and their organisation.
 * The name is said in its own language's voice (its `lang`, the server's `name_lang`: an Arabic
 * name on an English page), isolated from the sentence around it; so is the organisation, in
 * its own voice too (`organisation_lang`). The first floor drawn is the page itself, not a change:
 * not said. */
function saySpeaker(current) {
  const id = current ? current.id : null;
  if (saidSpeaker === undefined || id === saidSpeaker) {
    saidSpeaker = id;
    return;
  }
  saidSpeaker = id;
  if (!current) return;
  // isolated (FSI … PDI): a name in another direction
  const name = h("span", { class: "said-name", lang: nameLang(current) }, `\u2068${current.name}\u2069`);
  const organisation = current.organisation
    ? h("span", { class: "said-organisation", lang: current.organisation_lang || null }, `\u2068${current.organisation}\u2069`)
    : null;
  fill($("said"), sentence(t(current.organisation ? "live.said_speaker_org" : "live.said_speaker"), { name, organisation }));
}

function render(connection) {
  showPublished(true);
  showRefused(null);
  const state = connection.state;
  const event = connection.event || {};
  setText($("event-title"), [event.title, event.room].filter(Boolean).join(" · "));
  showZone(event);
  document.body.dataset.speaker = state && state.current ? "on" : "none";
  if (!state) {
    setText($("segment-title"), event.title || "Floorkeeper");
    markClamped();
    document.title = `${event.title || "Floorkeeper"} — ${t("live.badge")}`;
    setText($("notice"), t("display.waiting"));
    $("notice").dataset.shown = "";
    showBadge(connection);
    tick(connection);
    return;
  }
  setText($("segment-title"), state.segment.title);
  markClamped();
  document.title = `${state.segment.title} — ${t("live.badge")}`;
  const pause = breakOf(state, connection.programme);
  const ended = state.segment.status === "ended";
  showNotice(connection);
  // a break shows no empty "Now speaking" or "Next speakers"; an ended segment's leftover queue
  // is nobody's next
  $("now-label").hidden = Boolean(pause) || ended;
  $("next-box").hidden = ended || (Boolean(pause) && !(state.queue || []).length);
  const layout = JSON.stringify([state.current, state.paused, state.queue, currentLanguage(), ended]);
  saySpeaker(state.current);
  if (layout !== shownLayout) {
    shownLayout = layout;
    renderSpeaker(state.current, state.paused);
    // the next speakers the server sent (the display's three), after the turn an interposed
    // question or answer paused, which comes back first
    renderNext(ended ? [] : state.queue, { paused: ended ? null : state.paused });
  }
  showBadge(connection);
  tick(connection);
}

/** Under the speaker, what the room display says in the speaker's place, from the same
 * programme (its titles and times, all the live page is sent of it) and the same rules: a break,
 * and when the meeting resumes (the next segment's scheduled start, as on the display); an ended
 * segment, and what comes next on the programme and when, or that the hearing has closed; a
 * segment not started, that the floor opens shortly and when it starts. A time already past on
 * the server's clock is said as due ("Was due to resume at 15:00", "Was due at 14:58"), drawn
 * again on the tick that passes it. Else the display's notice. */
function showNotice(connection) {
  const state = connection.state;
  const event = connection.event || {};
  const programme = connection.programme || [];
  const pause = breakOf(state, programme);
  const upcoming = pause ? null : upcomingOf(state, programme);
  const notStarted = !pause && !upcoming && state.segment.status === "scheduled" && !state.current;
  let at = null;
  if (pause) at = pause.resumesAt;
  else if (upcoming && upcoming.title) at = upcoming.startsAt;
  else if (notStarted) at = state.segment.scheduled_start_at ?? null;
  const time = at === null ? "" : timeOfDay(at, event.timezone, clockLocale());
  const due = Boolean(time) && at <= connection.clock.now();
  const notice = pause ? t("display.break_label") : noticeOf(state);
  const next = upcoming && (upcoming.closed ? t("display.hearing_closed") : upcoming.title);
  const noticeKey = JSON.stringify([notice, next, upcoming && upcoming.closed, time, due, currentLanguage()]);
  if ($("notice").dataset.shown === noticeKey) return;
  $("notice").dataset.shown = noticeKey;
  let sentenceOf; // when the meeting resumes, or what comes next starts: to come, or past
  if (pause) sentenceOf = due ? t("display.was_due_to_resume_at") : t("display.resumes_at");
  else sentenceOf = due ? t("clock.was_due_at") : t("display.starts_at");
  fill(
    $("notice"),
    notice,
    next
      ? h(
          "span",
          { class: "live-next" },
          upcoming.closed ? null : h("span", { class: "live-next-kicker" }, t("display.coming_next")),
          h("bdi", { class: "live-next-title" }, next),
        )
      : null,
    time ? h("span", { class: "live-resumes" }, sentence(sentenceOf, { time: h("span", { class: "break-time", dir: "ltr" }, time) })) : null,
  );
}

/** Mark the titles cut to their lines ("…"): an English one on an Arabic page keeps room for its
 * "…" on the right, inside the header (live.css); one that is whole stays aligned with the rest. */
function markClamped() {
  for (const title of [$("event-title"), $("segment-title")]) {
    delete title.dataset.clamped;
    const cut = title.scrollHeight - title.clientHeight > parseFloat(getComputedStyle(title).fontSize) * 0.6;
    if (cut) title.dataset.clamped = "";
  }
}

/** The event's zone, named once under the time of day: whose times the page shows. Its id
 * ("America/New_York") reads left to right in any sentence; none until the zone is known, as the
 * time of day shows none. */
function showZone(event) {
  const zone = event.timezone && timeOfDay(0, event.timezone) ? event.timezone : "";
  const node = $("time-zone");
  const key = JSON.stringify([zone, currentLanguage()]);
  if (node.dataset.shown === key) return;
  node.dataset.shown = key;
  node.hidden = !zone;
  fill(node, zone ? sentence(t("live.time_zone"), { zone: h("bdi", { dir: "ltr" }, zone) }) : []);
}

/** While the line is down, since when the floor shown is: the server's instant (as estimated
 * here) when it went down, in the event's zone ("Last updated 17:30"); nothing while live, or
 * when no floor was ever shown. */
function showAsOf(connection) {
  const node = $("as-of");
  const at = frozenAt !== null && connection.state ? timeOfDay(frozenAt, (connection.event || {}).timezone, clockLocale()) : "";
  const key = JSON.stringify([at, currentLanguage()]);
  if (node.dataset.shown === key) return;
  node.dataset.shown = key;
  node.hidden = !at;
  fill(node, at ? sentence(t("live.last_updated"), { time: h("span", { class: "as-of-time", dir: "ltr" }, at) }) : []);
}

/** "Live" while a segment is live; while the line is down, why: "Offline" (this browser's own
 * network is down), "Waiting for a place" (refused, see showRefused) or "Reconnecting to the
 * server" (the network is up: the server is away); else nothing. */
function showBadge(connection) {
  const down = document.body.dataset.line === "down";
  const live = Boolean(connection.state && connection.state.segment.status === "live");
  let word = "live.badge";
  if (down) {
    if (!navigator.onLine) word = "live.offline";
    else if (refused) word = "live.waiting_badge";
    else word = "live.server_lost";
  }
  setText($("live-badge"), t(word));
  $("live-badge").hidden = !(down || live);
}

/** Refused by the server (`why`: "address", as many live pages open from this network as it
 * allows; "server", the server full), or no longer (null): say why and that the page gets in by
 * itself, in its language; a page that never had the floor shows no empty one. */
function showRefused(why) {
  if (why === refused) return;
  refused = why;
  $("refused").hidden = !why;
  // filled as it shows, so a screen reader hears it once (role status)
  setText($("refused-title"), why ? t(`live.refused_${why}_title`) : "");
  setText($("refused-body"), why ? t(`live.refused_${why}_body`) : "");
  if (why) document.body.dataset.refused = why;
  else delete document.body.dataset.refused;
}

/** Each second: the speaker's time (standing still while the line is down), the time of day
 * (running on: it is not the floor's), and a break's resumption turned past when its time is. */
function tick(connection) {
  const now = connection.clock.now();
  renderTimes(connection.state, connection.event, frozenAt ?? now, now);
  if (connection.state && document.body.dataset.published === "yes") showNotice(connection);
}

/** The line is down (or back): the page says it is not live and its time stands still. */
function showLine(connection, down) {
  if (down && frozenAt === null) frozenAt = connection.clock.now();
  if (!down) frozenAt = null;
  document.body.dataset.line = down ? "down" : "up";
  showBadge(connection);
  showAsOf(connection);
  tick(connection);
}

/** Ask again in a while (jittered, so that pages do not all ask at once), afresh. */
function later(connection) {
  connection.stop();
  // a fresh snapshot when it is published again, not updates since a version it was shown before
  connection.segmentId = null;
  connection.version = null;
  clearTimeout(retry);
  retry = setTimeout(() => connection.start(), RETRY_MS * (1 + Math.random() / 5));
}

/** Not published: say so; the socket stays open and the floor comes over it once published. */
function notPublished() {
  showPublished(false);
  $("connection").hidden = true;
}

/** Refused (too many live pages open from this network, or the server full): say why and that
 * it gets in by itself, not that it is offline, and ask again in a while. The server names which
 * (`scope`); a server that does not is read as the address's cap, the common case. */
function crowded(connection, frame) {
  const full = frame && (frame.scope === "server" || /^this server holds/.test(frame.message || ""));
  showRefused(full ? "server" : "address");
  $("connection").hidden = true; // the notice says what happens
  showLine(connection, true);
  later(connection);
}

function main() {
  const connection = new FloorConnection(`/ws/live/${encodeURIComponent(eventId)}`, { pingEveryMs: PING_QUIETLY_MS });
  connection.addEventListener("change", () => render(connection));
  connection.addEventListener("servererror", (event) => {
    if (event.detail.code === "not_published") notPublished();
    else if (event.detail.code === "too_many_connections") crowded(connection, event.detail);
  });
  connection.addEventListener("closed", (event) => {
    if (event.detail.code === CLOSE_NOT_PUBLISHED) {
      notPublished();
      later(connection);
    } else if (event.detail.code === CLOSE_TOO_MANY && !refused) crowded(connection, null);
  });
  connection.addEventListener("status", (event) => {
    // back after it was told it is not published: a hello answered (`synced` or a snapshot) is
    // the server following the page again, so it is published again; the floor it holds is drawn
    if (event.detail === "live" && document.body.dataset.published === "no" && connection.event) render(connection);
    if (event.detail === "live") showRefused(null);
    $("connection").hidden =
      event.detail !== "reconnecting" || document.body.dataset.published === "no" || Boolean(refused);
    showLine(connection, event.detail !== "live" && document.body.dataset.published === "yes");
  });
  // this browser's own network: the badge says "Offline" only when it is down
  for (const name of ["online", "offline"]) window.addEventListener(name, () => showBadge(connection));
  connection.start();
  // a title cut or no longer cut as the screen turns or the text grows
  new ResizeObserver(() => markClamped()).observe($("live-header"));
  // each new second drawn at the instant the server's clock reaches it, as on the room display
  const redraw = tickOnTheSecond(
    () => tick(connection),
    () => msToNextSecond(connection.state?.current?.timer, connection.clock.now()),
    250,
  );
  connection.addEventListener("change", redraw);
  window.floorConnection = connection; // for the browser tests
}

main();
