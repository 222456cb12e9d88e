// The day's programme (view a segment, make it live, end it), the segment's heading, and the
// record in the server's figures (turns spoken and skipped, time on the floor and on the timer)
// and the CSV export. How late each segment runs is the server's schedule (time.js fills each
// item's forecast line); who has been heard is the balance panel's (balance.js).

import { entryOf } from "../client.js";
import { fill, h, setText, timeOfDay } from "../dom.js";
import { plural, t } from "../i18n.js";
import { STATUSES, ltr, minutes, typed } from "./format.js";
import { armOnFirstPress, armedNotice, byPointer, confirmingButton } from "./presses.js";

const $ = (id) => document.getElementById(id);

/** The kinds of segment the organiser's desk suggests; a kind typed otherwise is shown as typed. */
const SEGMENT_KINDS = {
  opening: "console.segment_kind.opening",
  thematic: "console.segment_kind.thematic",
  discussion: "console.segment_kind.discussion",
  break: "console.segment_kind.break",
  closing: "console.segment_kind.closing",
};
const segmentKind = (kind) =>
  !kind ? "" : Object.hasOwn(SEGMENT_KINDS, kind) ? t(SEGMENT_KINDS[kind]) : t("console.segment_kind.other", { kind });

export function createProgramme(ctx) {
  const list = $("programme");
  let signature = "";

  const zone = () => (ctx.conn.event && ctx.conn.event.timezone) || undefined;
  const clock = (ms) => timeOfDay(ms, zone(), "en-GB");
  /** "10:00–10:30" ("10:00–…" with no planned end), or null when the segment has no time. */
  const range = (start, end) => (start == null ? null : `${clock(start)}–${end == null ? "…" : clock(end)}`);
  /** The date (YYYY-MM-DD) of an instant at the venue: the `_local` string's date when the server
   * sends one, else the instant's date in the event's zone (as the server writes its `_local`). */
  const dayAt = (local, ms) => {
    if (typeof local === "string" && /^\d{4}-\d{2}-\d{2}/.test(local)) return local.slice(0, 10);
    if (ms == null || !zone()) return null;
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
    } catch {
      return null;
    }
  };
  /** How many days after its start's date the segment's planned end falls (0: the same day). */
  const daysLater = (segment) => {
    const start = dayAt(segment.scheduled_start_at_local, segment.scheduled_start_at);
    const end = dayAt(segment.scheduled_end_at_local, segment.scheduled_end_at);
    if (!start || !end) return 0;
    const utc = (day) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
    return Math.round((utc(end) - utc(start)) / 86400000);
  };
  /** The scheduled times as the programme's item shows them: left to right in every language,
   * with "+1 day" when the planned end is on a later date than the start (past midnight). */
  const when = (segment) => {
    const times = range(segment.scheduled_start_at, segment.scheduled_end_at);
    if (times === null) return h("span", { class: "segment-when" }, t("console.programme.not_scheduled"));
    const later = daysLater(segment);
    return h(
      "span",
      { class: "segment-when-box" },
      h("span", { class: "segment-when", dir: "ltr" }, times),
      later > 0
        ? h(
            "span",
            { class: "segment-later", title: t("console.programme.ends_on", { date: ltr(dayAt(segment.scheduled_end_at_local, segment.scheduled_end_at)) }) },
            plural("console.programme.days_later", later),
          )
        : null,
    );
  };

  function actual(segment) {
    if (segment.actual_start_at == null) return "";
    const started = ltr(clock(segment.actual_start_at));
    return segment.actual_end_at == null
      ? t("console.programme.started", { time: started })
      : t("console.programme.started_ended", { time: started, end: ltr(clock(segment.actual_end_at)) });
  }

  function makeLive(segment) {
    ctx.followSegment(segment.id);
    ctx.run({ type: "start_segment" }, { segmentId: segment.id }).then((ack) => {
      if (ack) ctx.notices.show(t("console.programme.is_live", { title: typed(segment.title) }), "info");
    });
  }

  function endSegment(segment) {
    ctx.run({ type: "end_segment" }, { segmentId: segment.id }).then((ack) => {
      if (ack) ctx.notices.show(t("console.programme.has_ended", { title: typed(segment.title) }), "info");
    });
  }

  /** What arming "End segment" says: with the segments that never ran, when ending this one
   * closes the hearing on the room's faces while one before it is still to come (the server's
   * `leaves_unrun`: app/floor/following.py; outside probe: it was said nowhere). */
  function endingWords(segment) {
    const programme = ctx.conn.programme || [];
    const entry = entryOf(programme, segment.id);
    const unrun = ((entry && entry.leaves_unrun) || []).map((id) => entryOf(programme, id)).filter(Boolean);
    if (!unrun.length) return t("console.programme.ending", { title: typed(segment.title) });
    // each by its title's head ("Thematic discussion III", before its colon): the notice stays short
    const list = unrun.map((s) => typed((s.title || "").split(":")[0].trim() || s.title)).join(" · ");
    return t("console.programme.ending_unrun", { title: typed(segment.title), list });
  }

  /** The notice that says a programme button is armed, gone again when it disarms. */
  const announce = (text) => armedNotice(ctx.notices, text);

  /**
   * After a segment is chosen or made live in the programme with a finger or the mouse: where the
   * programme lies under the floor (a tablet's or a phone's single column, the programme last),
   * the page was scrolled far down to it; the floor (the segment, its timer, Call next) comes
   * back into view, under the top bar when it stays on screen: at once, and again once that
   * segment is drawn (what it shows above the timer, a banner, changes the floor's height, and
   * the browser's scroll anchoring keeps the timer where it was, the floor's top under the bar).
   * Smoothly, unless the moderator asks for less motion. A key leaves the page where it is: the
   * focus stays in the programme, and a page that scrolled away from it would hide it. A
   * laptop's columns, each scrolling on its own, have the floor in view already: nothing moves.
   */
  let floorFor = null; // the segment whose first drawing brings the floor into view again
  function showFloor(event, segmentId) {
    if (!byPointer(event)) return;
    floorFor = segmentId;
    alignFloor();
  }
  function alignFloor() {
    const floor = $("floor");
    const bar = document.querySelector(".topbar");
    const stays = bar && ["sticky", "fixed"].includes(getComputedStyle(bar).position);
    // its height: far down a tablet's page it has scrolled away, at the floor it is on screen
    const covered = stays ? bar.getBoundingClientRect().height : 0;
    const top = floor.getBoundingClientRect().top;
    if (Math.round(top) >= Math.round(covered)) return;
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    // where to, not how far: a smooth scroll still under way is overtaken, never added to
    window.scrollTo({ top: window.scrollY + top - covered, behavior: still ? "auto" : "smooth" });
  }

  function segmentActions(segment) {
    const live = ctx.conn.liveSegmentId;
    const title = segment.title;
    if (segment.status === "live") {
      return confirmingButton(
        t("console.programme.end"),
        t("console.programme.end_confirm"),
        "btn btn-danger btn-small",
        () => endSegment(segment),
        () => true,
        {
          name: t("console.programme.end_name", { title }),
          armedName: t("console.programme.end_confirm_name", { title }),
          onArm: announce(endingWords(segment)),
        },
      );
    }
    const again = segment.status === "ended";
    const label = t(again ? "console.programme.make_live_again" : "console.programme.make_live");
    const liveOne = (ctx.conn.programme || []).find((s) => s.id === live);
    return confirmingButton(
      label,
      t("console.programme.make_live_confirm"),
      "btn btn-small",
      (event) => {
        makeLive(segment);
        showFloor(event, segment.id);
      },
      () => live !== null && live !== segment.id,
      {
        name: t(again ? "console.programme.make_live_again_name" : "console.programme.make_live_name", { title }),
        armedName: t("console.programme.make_live_confirm_name", { title }),
        onArm: announce(
          liveOne
            ? t("console.programme.making_live", { title: typed(title), live: typed(liveOne.title) })
            : t("console.programme.making_live_unnamed", { title: typed(title) }),
        ),
      },
    );
  }

  function renderList() {
    const programme = ctx.conn.programme || [];
    const viewing = ctx.viewingId();
    const key = JSON.stringify([viewing, ctx.conn.liveSegmentId, zone(), programme]);
    if (key === signature) return;
    signature = key;
    const hadFocus = list.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
    fill(
      list,
      programme.map((segment) => {
        const current = segment.id === viewing;
        const view = h(
          "button",
          {
            type: "button",
            class: "segment-view",
            title: segment.title,
            "aria-current": current ? "true" : null,
            dataset: { focus: `${segment.id}:view` },
          },
          h("span", { class: "segment-name", dir: "auto" }, segment.title),
        );
        view.addEventListener("click", (event) => {
          ctx.viewSegment(segment.id);
          showFloor(event, segment.id);
        });
        const action = segmentActions(segment);
        action.dataset.focus = `${segment.id}:action`;
        return h(
          "li",
          { class: "segment-item", dataset: { status: segment.status, current: String(current), segmentId: segment.id } },
          view,
          h(
            "div",
            { class: "segment-foot" },
            when(segment),
            h(
              "span",
              { class: segment.status === "scheduled" ? "visually-hidden" : `status status-${segment.status}` },
              STATUSES[segment.status] || segment.status,
            ),
            action,
          ),
          actual(segment) ? h("p", { class: "segment-actual" }, actual(segment)) : null,
          h("p", { class: "segment-forecast", hidden: true }),
        );
      }),
    );
    if (hadFocus) list.querySelector(`[data-focus="${CSS.escape(hadFocus)}"]`)?.focus();
    setText($("programme-zone"), zone() ? t("console.programme.zone", { zone: zone().replace(/_/g, " ") }) : "");
  }

  function renderHead(state) {
    const segment = state.segment;
    const status = STATUSES[segment.status] || segment.status;
    setText($("segment-eyebrow"), [segmentKind(segment.kind), status].filter(Boolean).join(" · "));
    $("segment-eyebrow").dataset.status = segment.status;
    setText($("segment-title"), segment.title);
    const times = range(segment.scheduled_start_at, segment.scheduled_end_at);
    // the range reads left to right in a sentence of any language (never 10:30–10:00 in Arabic)
    const later = times === null ? 0 : daysLater(segment);
    const scheduled =
      times === null
        ? t("console.programme.not_scheduled")
        : later > 0
          ? `${ltr(times)} ${plural("console.programme.days_later", later)}`
          : ltr(times);
    const parts = [t("console.programme.scheduled", { span: scheduled })];
    if (actual(segment)) parts.push(actual(segment));
    if (segment.moderator) parts.push(t("console.programme.moderator", { name: typed(segment.moderator) }));
    setText($("segment-times"), parts.join(" · "));

    const banner = $("segment-banner");
    const action = $("segment-banner-action");
    const hadFocus = banner.contains(document.activeElement);
    banner.hidden = segment.status === "live";
    // made live from the banner: the keyboard goes on to Call next, never to the page's start
    if (hadFocus && banner.hidden) $("btn-next").focus();
    if (segment.status !== "live") {
      const live = (ctx.conn.programme || []).find((s) => s.id === ctx.conn.liveSegmentId);
      setText(
        $("segment-banner-text"),
        segment.status === "ended"
          ? t("console.banner.ended")
          : live
            ? t("console.banner.preparing", { title: typed(live.title) })
            : t("console.banner.not_live"),
      );
      action.hidden = segment.status === "ended" && !!live;
      // armed, it waits for its second press: its words stay "Confirm…" until then
      if (bannerFor !== segment.id) disarmBanner();
      bannerFor = segment.id;
      if (action.dataset.armed !== "true") setText(action, bannerLabel());
    } else {
      disarmBanner();
      bannerFor = null;
    }
    const csv = $("export-csv");
    // the segment's part of the day's record: readable headings, words, m:ss, turn numbers
    // (not the raw /segments/{id}/speeches, which is for scripts)
    csv.href = `/api/v1/events/${encodeURIComponent(ctx.eventId)}/speeches?format=csv&segment_id=${encodeURIComponent(segment.id)}`;
    csv.setAttribute("download", `speeches-${segment.id}.csv`);
  }

  // Making the segment shown live ends the live one (and the turn on its floor): as the
  // programme's Make live, the banner's button asks for a second press first.
  const liveElsewhere = () => {
    const state = ctx.state();
    const live = ctx.conn.liveSegmentId;
    return !!state && live !== null && live !== state.segment.id;
  };
  const liveTitle = () => {
    const live = (ctx.conn.programme || []).find((s) => s.id === ctx.conn.liveSegmentId);
    return live ? live.title : null;
  };
  /** As the programme's button says it: "again" for an ended segment (the programme's "Make live
   * again"), "ends the live one" when another is live. */
  const bannerLabel = () => {
    if (liveElsewhere()) return t("console.banner.make_live_ending");
    const state = ctx.state();
    return t(state && state.segment.status === "ended" ? "console.banner.make_live_again" : "console.banner.make_live");
  };
  let bannerFor = null; // the segment the banner's button is about
  const disarmBanner = armOnFirstPress($("segment-banner-action"), {
    label: bannerLabel,
    confirmLabel: () => t("console.programme.make_live_confirm"),
    // heard while armed: what the next press does, naming the segment (the notice names both)
    armedName: () => t("console.programme.make_live_confirm_name", { title: ctx.state() ? ctx.state().segment.title : "" }),
    needsConfirm: liveElsewhere,
    onConfirm: () => {
      const state = ctx.state();
      if (state && state.segment.id === bannerFor) makeLive(state.segment);
    },
    onArm: () => {
      const state = ctx.state();
      const title = state ? state.segment.title : "";
      return announce(
        liveTitle() === null
          ? t("console.programme.making_live_unnamed", { title: typed(title) })
          : t("console.programme.making_live", { title: typed(title), live: typed(liveTitle()) }),
      )();
    },
  });

  function renderStats(state) {
    const stats = state.stats;
    const figure = (key, label, value, title) =>
      h("div", { dataset: { stat: key }, title }, h("dt", {}, label), h("dd", {}, value));
    fill(
      $("stats-totals"),
      figure("speeches", t("console.stats.speeches"), String(stats.speeches), t("console.stats.speeches_title")),
      figure("skipped", t("console.stats.skipped"), String(stats.skipped ?? 0), t("console.stats.skipped_title")),
      figure("overrun", t("console.stats.overrun"), minutes(stats.overrun_ms), t("console.stats.overrun_title")),
      figure("held", t("console.stats.held"), minutes(stats.held_ms ?? 0), t("console.stats.held_title")),
      figure("spoken", t("console.stats.spoken"), minutes(stats.spoken_ms), t("console.stats.spoken_title")),
    );
  }

  function render(state) {
    renderList();
    renderHead(state);
    renderStats(state);
    if (floorFor === state.segment.id) {
      floorFor = null;
      requestAnimationFrame(alignFloor); // once every panel has drawn this state
    }
  }

  return { render, renderList };
}
