// The day's programme (view a segment, make it live, end it), the segment's heading, and the
// record in the server's figures (turns spoken and skipped, time on the floor and on the timer)
// and the CSV export. How late each segment runs is the server's schedule (time.js fills each
// item's forecast line); who has been heard is the balance panel's (balance.js).

import { fill, h, setText, timeOfDay } from "../dom.js";
import { STATUSES, minutes } from "./format.js";

const $ = (id) => document.getElementById(id);
const CONFIRM_MS = 4000;

/**
 * A button that asks "are you sure?" by changing its own label for a few seconds.
 *
 * Optional, for a button whose accessible name is not its text: `name` is that name at rest and
 * `armedName` the name while it waits for the second press (so a screen reader hears that the
 * next press confirms); `onArm` runs when it arms (to announce it) and may return a function
 * that runs when it disarms (on the second press or when the few seconds are up).
 */
export function confirmingButton(
  label,
  confirmLabel,
  className,
  onConfirm,
  needsConfirm = () => true,
  { name = null, armedName = null, onArm = null } = {},
) {
  const button = h("button", { type: "button", class: className, "aria-label": name }, label);
  let timer = null;
  let onDisarm = null;
  const nameAs = (text) => {
    if (text) button.setAttribute("aria-label", text);
    else button.removeAttribute("aria-label");
  };
  const disarm = () => {
    clearTimeout(timer);
    button.dataset.armed = "false";
    setText(button, label);
    if (armedName) nameAs(name);
    if (onDisarm) onDisarm();
    onDisarm = null;
  };
  button.addEventListener("click", () => {
    if (!needsConfirm() || button.dataset.armed === "true") {
      disarm();
      onConfirm();
      return;
    }
    button.dataset.armed = "true";
    setText(button, confirmLabel);
    if (armedName) nameAs(armedName);
    const undo = onArm ? onArm() : null;
    onDisarm = typeof undo === "function" ? undo : null;
    timer = setTimeout(disarm, CONFIRM_MS);
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

  /** The notice that says a programme button is armed, gone again when it disarms. */
  const announce = (text) => () => {
    const notice = ctx.notices.show(text, "warning");
    return () => notice.remove();
  };

  function segmentActions(segment) {
    const live = ctx.conn.liveSegmentId;
    const title = segment.title;
    if (segment.status === "live") {
      return confirmingButton(
        "End segment",
        "Confirm: end it",
        "btn btn-danger btn-small",
        () => endSegment(segment),
        () => true,
        {
          name: `End segment: ${title}`,
          armedName: `Confirm: end it: ${title}`,
          onArm: announce(`Ending “${title}”. Press the button again to confirm.`),
        },
      );
    }
    const label = segment.status === "ended" ? "Make live again" : "Make live";
    const liveOne = (ctx.conn.programme || []).find((s) => s.id === live);
    const ending = liveOne ? `“${liveOne.title}”` : "the live segment";
    return confirmingButton(
      label,
      "Confirm: end the live one",
      "btn btn-small",
      () => makeLive(segment),
      () => live !== null && live !== segment.id,
      {
        name: `${label}: ${title}`,
        armedName: `Confirm: end the live one and make ${title} live`,
        onArm: announce(`Making “${title}” live ends ${ending}. Press the button again to confirm.`),
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
          h("span", { class: "segment-name" }, segment.title),
        );
        view.addEventListener("click", () => ctx.viewSegment(segment.id));
        const action = segmentActions(segment);
        action.dataset.focus = `${segment.id}:action`;
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
