// Time, as the server's schedule has it (the instruments' `schedule`, app/floor/schedule.py):
// how late the segment shown runs, in its words ("running 7 min late"); for the live segment the
// time the queue needs against the time left, and the speaking time per waiting speaker that ends
// it on schedule, with one button to give it (set_queue_times); each programme item's forecast.
// Nothing is computed here: the figures are shown as they came, with the moment they hold for
// when that is no longer a moment ago.

import { setText, timeOfDay } from "../dom.js";
import { minutesSeconds, roundMinutes } from "./format.js";
import { setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);
/** Figures older than this (the server refreshes them every 15 s) say when they held. */
const STALE_MS = 30000;

/** "running 7 min late" → "Running 7 min late". */
const capital = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : "");
/** The server's words end in "late" when the segment is (or will be) late. */
const toneOf = (words) => (!words ? "info" : /\blate$/.test(words) ? "late" : "ok");

export function createTime(ctx) {
  const perSpeakerButton = $("btn-per-speaker");
  let perSpeakerMs = null;

  const zone = () => (ctx.conn.event && ctx.conn.event.timezone) || undefined;
  const clock = (ms) => timeOfDay(ms, zone(), "en-GB");
  const schedule = () => (ctx.conn.instruments && ctx.conn.instruments.schedule) || null;
  const rowOf = (segmentId) => {
    const day = schedule();
    return day ? day.segments.find((row) => row.segment_id === segmentId) || null : null;
  };
  const liveOf = (segmentId) => {
    const day = schedule();
    return day && day.live && day.live.segment_id === segmentId ? day.live : null;
  };

  perSpeakerButton.addEventListener("click", () => {
    const state = ctx.state();
    const refusal = state && state.actions ? state.actions.set_queue_times : null;
    if (refusal) {
      ctx.notices.show(capital(refusal.message || refusal.code), "warning");
      return;
    }
    if (perSpeakerMs === null) return;
    const each = minutesSeconds(perSpeakerMs);
    ctx.run({ type: "set_queue_times", duration_ms: perSpeakerMs }, { versioned: true }).then((ack) => {
      if (ack) ctx.notices.show(`Each waiting speaker now has ${each}. Press U to undo.`, "info");
    });
  });

  /** The box beside the segment's title: the drift in the server's words, and what it rests on. */
  function renderLateness(state) {
    const box = $("lateness");
    const row = rowOf(state.segment.id);
    const live = liveOf(state.segment.id);
    box.removeAttribute("title");
    if (!row) {
      box.dataset.tone = "info";
      setText($("lateness-text"), schedule() ? "No schedule" : "…");
      setText($("lateness-detail"), "");
      setText($("lateness-extra"), "");
      return;
    }
    box.dataset.tone = toneOf(row.drift);
    setText($("lateness-text"), row.drift ? capital(row.drift) : "No planned end");
    let detail = "";
    let extra = "";
    if (row.status === "live") {
      if (row.forecast_end_at != null) {
        detail = `Ends ≈ ${clock(row.forecast_end_at)}`;
        if (row.scheduled_end_at != null) detail += ` · planned ${clock(row.scheduled_end_at)}`;
      }
      if (live) extra = `${roundMinutes(live.queue_needs_ms)} still to speak`;
    } else if (row.status === "ended") {
      if (row.actual_end_at != null) detail = `Ended ${clock(row.actual_end_at)}`;
      if (row.scheduled_end_at != null) detail += `${detail ? " · " : ""}planned ${clock(row.scheduled_end_at)}`;
    } else if (row.forecast_start_at != null) {
      detail = `Starts ≈ ${clock(row.forecast_start_at)}`;
      if (row.scheduled_start_at != null) detail += ` · planned ${clock(row.scheduled_start_at)}`;
    }
    // a rehearsal (or the demo) on another day: the drift is measured from its start
    const rehearsal = schedule() && schedule().rehearsal;
    if (rehearsal) {
      box.title = capital(rehearsal.words);
      extra = extra ? `${extra} · rehearsal timing` : "Rehearsal timing";
    }
    setText($("lateness-detail"), detail);
    setText($("lateness-extra"), extra);
  }

  /** Above the queue, for the live segment: does the queue fit, and the time each to fit it. */
  function renderQueueTime(state) {
    const strip = $("queue-time");
    const live = liveOf(state.segment.id);
    strip.hidden = !live || live.queued === 0;
    if (strip.hidden) {
      perSpeakerMs = null;
      return;
    }
    const needs = roundMinutes(live.queue_needs_ms);
    let text;
    if (live.time_left_ms == null) {
      strip.dataset.tone = "info";
      text = `The queue needs ${needs}. The segment has no planned end.`;
    } else if (live.fits) {
      strip.dataset.tone = "ok";
      text = `The queue fits: it needs ${needs}, ${roundMinutes(live.time_left_ms)} left.`;
    } else {
      strip.dataset.tone = "late";
      const left = live.time_left_ms > 0 ? `the ${roundMinutes(live.time_left_ms)} left` : "the planned end";
      text = `The queue needs ${needs}: ${roundMinutes(live.over_ms)} over ${left}.`;
    }
    setText($("queue-time-text"), text);
    perSpeakerMs = live.per_speaker_ms;
    $("per-speaker").hidden = perSpeakerMs == null || !live.per_speaker;
    if (perSpeakerMs == null) return;
    setText($("per-speaker-text"), live.per_speaker);
    setText(perSpeakerButton, `Give each ${minutesSeconds(perSpeakerMs)}`);
    const refusal = state.actions ? state.actions.set_queue_times : null;
    setAvailable(perSpeakerButton, refusal ? capital(refusal.message || refusal.code) : null);
    if (!refusal) {
      perSpeakerButton.title = "Points of order and rights of reply keep their time. Undo takes it back.";
    }
  }

  /** Each programme item's forecast: when it should start (or end), and its drift. */
  function renderForecasts() {
    const day = schedule();
    for (const item of document.querySelectorAll("#programme .segment-item")) {
      const line = item.querySelector(".segment-forecast");
      if (!line) continue;
      const row = day && day.segments.find((r) => r.segment_id === item.dataset.segmentId);
      let text = "";
      if (row && row.status === "scheduled" && row.forecast_start_at != null) {
        text = `≈ ${clock(row.forecast_start_at)}${row.drift ? ` · ${row.drift}` : ""}`;
      } else if (row && row.status === "live" && row.forecast_end_at != null) {
        text = `ends ≈ ${clock(row.forecast_end_at)}${row.drift ? ` · ${row.drift}` : ""}`;
      } else if (row && row.status === "ended" && row.drift) {
        text = row.drift;
      }
      setText(line, text);
      line.hidden = !text;
      line.dataset.tone = toneOf(row && row.drift);
    }
  }

  function render(state) {
    renderForecasts();
    if (!state) return;
    renderLateness(state);
    renderQueueTime(state);
  }

  /** Once a second: say when the figures held, once they are no longer fresh (a lost connection). */
  function tick(now) {
    const day = schedule();
    const line = $("lateness-asof");
    const stale = day && now - day.as_of_at > STALE_MS;
    line.hidden = !stale;
    if (stale) {
      const at = new Intl.DateTimeFormat("en-GB", {
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        timeZone: zone(),
      }).format(day.as_of_at);
      setText(line, `as of ${at}`);
    }
  }

  return { render, renderForecasts, tick };
}
