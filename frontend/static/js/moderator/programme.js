// The day's programme (view a segment, make it live, end it), the segment's heading, and the
// record in the server's figures (turns spoken and skipped, time on the floor and on the timer)
// and the CSV export. How late each segment runs is the server's schedule (time.js fills each
// item's forecast line); who has been heard is the balance panel's (balance.js).

import { fill, h, setText, timeOfDay } from "../dom.js";
import { STATUSES, minutes } from "./format.js";

const $ = (id) => document.getElementById(id);
const CONFIRM_MS = 4000;

/** A button that asks "are you sure?" by changing its own label for a few seconds. */
export function confirmingButton(label, confirmLabel, className, onConfirm, needsConfirm = () => true) {
  const button = h("button", { type: "button", class: className }, label);
  let timer = null;
  button.addEventListener("click", () => {
    if (!needsConfirm() || button.dataset.armed === "true") {
      clearTimeout(timer);
      button.dataset.armed = "false";
      setText(button, label);
      onConfirm();
      return;
    }
    button.dataset.armed = "true";
    setText(button, confirmLabel);
    timer = setTimeout(() => {
      button.dataset.armed = "false";
      setText(button, label);
    }, CONFIRM_MS);
  });
  return button;
}

export function createProgramme(ctx) {
  const list = $("programme");
  let signature = "";

  const zone = () => (ctx.conn.event && ctx.conn.event.timezone) || undefined;
  const clock = (ms) => timeOfDay(ms, zone(), "en-GB");
  const span = (start, end) => (start == null ? "not scheduled" : `${clock(start)}–${end == null ? "…" : clock(end)}`);

  function actual(segment) {
    if (segment.actual_start_at == null) return "";
    const started = `started ${clock(segment.actual_start_at)}`;
    return segment.actual_end_at == null ? started : `${started}, ended ${clock(segment.actual_end_at)}`;
  }

  function makeLive(segment) {
    ctx.followSegment(segment.id);
    ctx.run({ type: "start_segment" }, { segmentId: segment.id }).then((ack) => {
      if (ack) ctx.notices.show(`“${segment.title}” is live.`, "info");
    });
  }

  function endSegment(segment) {
    ctx.run({ type: "end_segment" }, { segmentId: segment.id }).then((ack) => {
      if (ack) ctx.notices.show(`“${segment.title}” has ended.`, "info");
    });
  }

  function segmentActions(segment) {
    const live = ctx.conn.liveSegmentId;
    if (segment.status === "live") {
      return confirmingButton("End segment", "Confirm: end it", "btn btn-danger btn-small", () => endSegment(segment));
    }
    const label = segment.status === "ended" ? "Make live again" : "Make live";
    return confirmingButton(
      label,
      "Confirm: end the live one",
      "btn btn-small",
      () => makeLive(segment),
      () => live !== null && live !== segment.id,
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
          h("span", { class: "segment-name" }, segment.title),
        );
        view.addEventListener("click", () => ctx.viewSegment(segment.id));
        const action = segmentActions(segment);
        action.dataset.focus = `${segment.id}:action`;
        action.setAttribute("aria-label", `${action.textContent}: ${segment.title}`);
        return h(
          "li",
          { class: "segment-item", dataset: { status: segment.status, current: String(current), segmentId: segment.id } },
          view,
          h(
            "div",
            { class: "segment-foot" },
            h("span", { class: "segment-when" }, span(segment.scheduled_start_at, segment.scheduled_end_at)),
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
    setText($("programme-zone"), zone() ? `times in ${zone().replace(/_/g, " ")}` : "");
  }

  function renderHead(state) {
    const segment = state.segment;
    setText($("segment-eyebrow"), `${segment.kind} segment · ${STATUSES[segment.status] || segment.status}`);
    $("segment-eyebrow").dataset.status = segment.status;
    setText($("segment-title"), segment.title);
    const parts = [`Scheduled ${span(segment.scheduled_start_at, segment.scheduled_end_at)}`];
    if (actual(segment)) parts.push(actual(segment));
    if (segment.moderator) parts.push(`Moderator: ${segment.moderator}`);
    setText($("segment-times"), parts.join(" · "));

    const banner = $("segment-banner");
    const action = $("segment-banner-action");
    banner.hidden = segment.status === "live";
    if (segment.status !== "live") {
      const live = (ctx.conn.programme || []).find((s) => s.id === ctx.conn.liveSegmentId);
      setText(
        $("segment-banner-text"),
        segment.status === "ended"
          ? "This segment has ended. You can still look at its queue and record."
          : live
            ? `You are preparing this segment. Live now: “${live.title}”.`
            : "This segment is not live yet. Make it live to call speakers and run the timer.",
      );
      action.hidden = segment.status === "ended" && !!live;
      setText(action, live ? "Make this segment live (ends the live one)" : "Make this segment live");
    }
    const csv = $("export-csv");
    csv.href = `/api/v1/segments/${encodeURIComponent(segment.id)}/speeches?format=csv`;
    csv.setAttribute("download", `speeches-${segment.id}.csv`);
  }

  $("segment-banner-action").addEventListener("click", () => {
    const state = ctx.state();
    if (state) makeLive(state.segment);
  });

  function renderStats(state) {
    const stats = state.stats;
    const figure = (key, label, value, title) =>
      h("div", { dataset: { stat: key }, title }, h("dt", {}, label), h("dd", {}, value));
    fill(
      $("stats-totals"),
      figure("speeches", "Speeches", String(stats.speeches), "Turns given and spoken"),
      figure("skipped", "Skipped", String(stats.skipped ?? 0), "Turns given that did not take place"),
      figure("overrun", "Overrun", minutes(stats.overrun_ms), "Time spoken beyond the time allotted"),
      figure("held", "On the floor", minutes(stats.held_ms ?? 0), "Time from being called to the end of the turn"),
      figure("spoken", "On the timer", minutes(stats.spoken_ms), "Time the timer ran"),
    );
  }

  function render(state) {
    renderList();
    renderHead(state);
    renderStats(state);
  }

  return { render, renderList };
}
