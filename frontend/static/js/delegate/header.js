// The event's title, the followed segment's title and its state (live, starts at…, ended), and
// the tab's title.

import { fill, h, setText, timeOfDay } from "../dom.js";
import { currentLanguage, t } from "../i18n.js";
import { isBreak, segmentOf } from "./mine.js";
import { isolate } from "./text.js";

const $ = (id) => document.getElementById(id);

/** Whether two zones show the same time of day now (Europe/Paris and Europe/Berlin do). */
function sameClock(one, other) {
  if (!one || one === other) return true;
  const now = Date.now();
  return timeOfDay(now, one) === timeOfDay(now, other);
}

export function createHeader(ctx) {
  /** The event's public details: from the socket's snapshot, else from the join link. */
  const eventOf = () => ctx.connection?.event || ctx.info;

  function setTitle() {
    const segmentTitle = ctx.connection?.state?.segment?.title;
    const eventTitle = eventOf()?.title;
    document.title = [t("page.title"), segmentTitle || eventTitle].filter(Boolean).join(" · ");
  }

  /** The event's room when it has one, then its title ("Room B · …"): a day of several rooms has
   * one title, and a phone joined to two of them says which this is, first (a long title is cut
   * at two lines). */
  function renderEvent() {
    const event = eventOf();
    const title = event?.title;
    if (!title) return;
    renderZone(event.timezone);
    const node = $("event-title");
    const text = [event.room, title].filter(Boolean).join(" · ");
    if (node.textContent.replace(/[\u2066-\u2069]/g, "") !== text) {
      fill(node, ...(event.room ? [isolate(event.room), " · "] : []), isolate(title));
    }
  }

  /** The event's zone, said when this phone's own is another (a delegate speaking remotely from
   * another country): the times on the page are the event's ("Time zone: America/New_York"). */
  function renderZone(zone) {
    const node = $("time-zone");
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const shown = Boolean(zone) && timeOfDay(0, zone) !== "" && !sameClock(own, zone);
    const key = JSON.stringify([shown && zone, currentLanguage()]);
    if (node.dataset.shown === key) return;
    node.dataset.shown = key;
    node.hidden = !shown;
    if (!shown) return;
    const [before, after] = t("live.time_zone").split("{zone}");
    fill(node, before, h("bdi", { dir: "ltr" }, zone), after ?? "");
  }

  let shownStart = null; // the start the badge says is to come, or null

  function renderSegment() {
    shownStart = null;
    renderEvent();
    const segment = segmentOf(ctx.connection);
    const badge = $("segment-badge");
    const title = $("segment-title");
    if (!segment) {
      if (title.textContent !== t("segment.none")) fill(title, t("segment.none"));
      badge.hidden = true;
      return;
    }
    if (title.textContent !== segment.title) fill(title, isolate(segment.title));
    badge.hidden = false;
    // the line down: the segment's status as last known, greyed (not a green "Live" claimed)
    const stale = ctx.connection.status !== "live";
    // a live break is said as a break, not a green "Live" with nobody speaking
    const onBreak = segment.status === "live" && isBreak(ctx.connection);
    badge.className = `badge badge-${onBreak ? "break" : segment.status}${stale ? " badge-stale" : ""}`;
    if (onBreak) setText(badge, t("segment.break"));
    else if (segment.status === "live") setText(badge, t("segment.live"));
    else if (segment.status === "ended") setText(badge, t("segment.ended"));
    else if (segment.scheduled_start_at) {
      // a start already past is said as due (a late day), as the room's screens say it, and
      // turns so as it passes (`tick`)
      const time = timeOfDay(segment.scheduled_start_at, ctx.connection.event?.timezone, currentLanguage());
      const due = segment.scheduled_start_at <= ctx.connection.clock.now();
      shownStart = due ? null : segment.scheduled_start_at;
      setText(badge, due ? t("clock.was_due_at", { time }) : t("segment.starts_at", { time }));
    } else setText(badge, t("segment.scheduled"));
  }

  /** A start said as to come that has passed since: said again, as due. */
  function tick() {
    if (shownStart !== null && ctx.connection && shownStart <= ctx.connection.clock.now()) renderSegment();
  }

  return { render: renderSegment, renderEvent, setTitle, tick };
}
