// The event's title, the followed segment's title and its state (live, starts at…, ended), and
// the tab's title.

import { fill, setText, timeOfDay } from "../dom.js";
import { currentLanguage, t } from "../i18n.js";
import { segmentOf } from "./mine.js";
import { isolate } from "./text.js";

const $ = (id) => document.getElementById(id);

export function createHeader(ctx) {
  /** The event's public details: from the socket's snapshot, else from the join link. */
  const eventOf = () => ctx.connection?.event || ctx.info;

  function setTitle() {
    const segmentTitle = ctx.connection?.state?.segment?.title;
    const eventTitle = eventOf()?.title;
    document.title = [t("page.title"), segmentTitle || eventTitle].filter(Boolean).join(" · ");
  }

  function renderEvent() {
    const title = eventOf()?.title;
    const node = $("event-title");
    if (title && node.textContent !== title) fill(node, isolate(title));
  }

  function renderSegment() {
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
    badge.className = `badge badge-${segment.status}`;
    if (segment.status === "live") setText(badge, t("segment.live"));
    else if (segment.status === "ended") setText(badge, t("segment.ended"));
    else if (segment.scheduled_start_at) {
      const time = timeOfDay(segment.scheduled_start_at, ctx.connection.event?.timezone, currentLanguage());
      setText(badge, t("segment.starts_at", { time }));
    } else setText(badge, t("segment.scheduled"));
  }

  return { render: renderSegment, renderEvent, setTitle };
}
