// Time, as the server's schedule has it (the instruments' `schedule`, app/floor/schedule.py):
// how late the segment shown runs, in its words ("running 7 min late"); for the live segment the
// time the queue needs against the time left, and the speaking time per waiting speaker that ends
// it on schedule, with one button to give it (set_queue_times); each programme item's forecast.
// Nothing is computed here: the figures are shown as they came, with the moment they hold for
// when that is no longer a moment ago.

import { setText, timeOfDay } from "../dom.js";
import { plural, t } from "../i18n.js";
import { refusalText } from "../refusal.js";
import { island, ltr, minutesSeconds, roundMinutes } from "./format.js";
import { undoHint } from "./shortcuts.js";
import { setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);
/** Figures older than this (the server refreshes them every 15 s) say when they held. */
const STALE_MS = 30000;
const MINUTE_MS = 60000;

/** "running 7 min late" → "Running 7 min late". */
const capital = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : "");
/** A schedule row's tone: late when the server's `timing` says the segment is (or will be). */
const toneOf = (row) => (!row || !row.timing ? "info" : row.timing === "late" ? "late" : "ok");

/** "7 min", "1 h 40 min", "2 h": a drift rounded to the minute, as the server writes it. */
function driftAmount(ms) {
  const total = Math.floor((Math.abs(ms) + MINUTE_MS / 2) / MINUTE_MS);
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  if (!hours) return t("staff.duration.min", { m: rest });
  return rest ? t("staff.duration.h_min", { h: hours, mm: rest }) : t("console.duration.h", { h: hours });
}

/** The words for each kind of drift: [on time, late, early], by the segment's status. */
const DRIFT = {
  live: ["console.drift.on_time", "console.drift.running_late", "console.drift.early"],
  ended: ["console.drift.ended_on_time", "console.drift.ended_late", "console.drift.ended_early"],
  scheduled: ["console.drift.starts_on_time", "console.drift.starts_late", "console.drift.starts_early"],
};

/**
 * A schedule row's drift ("running 7 min late", "starts on time") in the page's language: the
 * server's `timing` says on time, late or early; its status and `drift_ms` give the words.
 */
function driftWords(row) {
  if (!row || !row.timing) return "";
  const keys = DRIFT[row.status] || DRIFT.live;
  const which = { on_time: 0, late: 1, early: 2 }[row.timing] ?? 0;
  return t(keys[which], { time: driftAmount(row.drift_ms || 0) });
}

/**
 * Why the drift is measured from the day's start (a rehearsal, or the demo, on another day): the
 * server's `begun` says whether it began, `shift_ms` by how much it is moved.
 */
function rehearsalWords(rehearsal) {
  const now = !rehearsal.begun;
  const after = rehearsal.shift_ms > 0;
  const key = now
    ? after
      ? "console.time.rehearsal_after_now"
      : "console.time.rehearsal_before_now"
    : after
      ? "console.time.rehearsal_after"
      : "console.time.rehearsal_before";
  return t(key, { time: driftAmount(rehearsal.shift_ms) });
}

export function createTime(ctx) {
  const perSpeakerButton = $("btn-per-speaker");
  let perSpeakerMs = null;
  const cutButton = $("btn-hard-stop-cut");
  /** The time each that the hard stop's cut offers for this console's segment, or null. */
  let cutMs = null;

  const zone = () => (ctx.conn.event && ctx.conn.event.timezone) || undefined;
  /** A time of day in the event's zone, as it sits in a sentence (left to right in Arabic too). */
  const clock = (ms) => ltr(timeOfDay(ms, zone(), "en-GB"));
  const schedule = () => (ctx.conn.instruments && ctx.conn.instruments.schedule) || null;
  const rowOf = (segmentId) => {
    const day = schedule();
    return day ? day.segments.find((row) => row.segment_id === segmentId) || null : null;
  };
  const liveOf = (segmentId) => {
    const day = schedule();
    return day && day.live && day.live.segment_id === segmentId ? day.live : null;
  };

  /** Give every waiting turn `ms` (set_queue_times), or say why the server would not. */
  function giveEach(ms) {
    const state = ctx.state();
    const refusal = state && state.actions ? state.actions.set_queue_times : null;
    if (refusal) {
      ctx.notices.show(refusalText(refusal), "warning");
      return;
    }
    if (ms === null) return;
    const each = ltr(minutesSeconds(ms));
    ctx.run({ type: "set_queue_times", duration_ms: ms }, { versioned: true }).then((ack) => {
      if (ack) ctx.notices.undoable(undoHint(t("console.time.each_now", { time: each })));
    });
  }

  perSpeakerButton.addEventListener("click", () => giveEach(perSpeakerMs));
  cutButton.addEventListener("click", () => giveEach(cutMs));

  /** The box beside the segment's title: the drift in the server's words, and what it rests on. */
  function renderLateness(state) {
    const box = $("lateness");
    const row = rowOf(state.segment.id);
    const live = liveOf(state.segment.id);
    box.removeAttribute("title");
    if (!row) {
      box.dataset.tone = "info";
      setText($("lateness-text"), schedule() ? t("console.time.no_schedule") : "…");
      setText($("lateness-detail"), "");
      setText($("lateness-extra"), "");
      return;
    }
    box.dataset.tone = toneOf(row);
    setText($("lateness-text"), row.drift ? capital(driftWords(row)) : t("console.time.no_planned_end"));
    let extra = "";
    const parts = [];
    const planned = (at) => t("console.time.planned", { time: clock(at) });
    if (row.status === "live") {
      if (row.forecast_end_at != null) {
        parts.push(t("console.time.ends_about", { time: clock(row.forecast_end_at) }));
        if (row.scheduled_end_at != null) parts.push(planned(row.scheduled_end_at));
      }
      if (live) extra = t("console.time.still_to_speak", { time: roundMinutes(live.queue_needs_ms) });
    } else if (row.status === "ended") {
      if (row.actual_end_at != null) parts.push(t("console.time.ended_at", { time: clock(row.actual_end_at) }));
      if (row.scheduled_end_at != null) parts.push(planned(row.scheduled_end_at));
    } else if (row.forecast_start_at != null) {
      parts.push(t("console.time.starts_about", { time: clock(row.forecast_start_at) }));
      if (row.scheduled_start_at != null) parts.push(planned(row.scheduled_start_at));
    }
    const detail = parts.join(" · ");
    // a rehearsal (or the demo) on another day: the drift is measured from its start
    const rehearsal = schedule() && schedule().rehearsal;
    if (rehearsal) {
      box.title = rehearsalWords(rehearsal);
      extra = extra ? `${extra} · ${t("console.time.rehearsal")}` : capital(t("console.time.rehearsal"));
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
      text = t("console.time.needs_no_end", { needs });
    } else if (live.fits) {
      strip.dataset.tone = "ok";
      text = t("console.time.fits", { needs, left: roundMinutes(live.time_left_ms) });
    } else {
      strip.dataset.tone = "late";
      const words = { needs, over: roundMinutes(live.over_ms), left: roundMinutes(live.time_left_ms) };
      text = t(live.time_left_ms > 0 ? "console.time.over_left" : "console.time.over_end", words);
    }
    // the requests waiting for approval: what taking them would add (not in the figure above)
    if (live.pending) {
      text += ` ${plural("console.time.pending_needs", live.pending, { needs: roundMinutes(live.pending_needs_ms || 0) })}`;
    }
    setText($("queue-time-text"), text);
    perSpeakerMs = live.per_speaker_ms;
    $("per-speaker").hidden = perSpeakerMs == null || !live.per_speaker;
    if (perSpeakerMs == null) return;
    // the server's sentence, in the page's words: how many wait, the time each, the planned end;
    // past the point where any share fits, a minute each to recover and when that ends
    const each = ltr(minutesSeconds(perSpeakerMs));
    const recovering = live.recover_over_ms !== null && live.recover_over_ms !== undefined;
    // the turns given that time: a point of order or a reply waiting keeps its own
    const given = live.per_speaker_count ?? live.queued;
    const kept = live.queued - given;
    const sentence = recovering
      ? plural("console.time.recover", given, { each, finish: ltr(live.finish), over: driftAmount(live.recover_over_ms) })
      : plural("console.time.per_speaker", given, { each, finish: ltr(live.finish) });
    setText($("per-speaker-text"), kept > 0 ? `${sentence} ${plural("console.time.kept_own", kept)}` : sentence);
    setText(perSpeakerButton, t("console.time.give_each", { time: ltr(minutesSeconds(perSpeakerMs)) }));
    const refusal = state.actions ? state.actions.set_queue_times : null;
    setAvailable(perSpeakerButton, refusalText(refusal) || null);
    if (!refusal) {
      perSpeakerButton.title = t("console.time.give_each_title");
    }
  }

  /**
   * The day against its hard stop (the server's `schedule.hard_stop`): when interpretation ends
   * (the programme's note), and, as the forecast end nears it (`timing` "near": amber) or passes
   * it ("over": red), what to do. The server's figures, worded: its `minutes` (rounded its way),
   * its stop as this run reads it (`stop_at`); nothing shown once the day has ended.
   */
  function renderHardStop() {
    const day = schedule();
    const end = day && day.hard_stop;
    const note = $("programme-stop");
    // the programme's note says the stop as set, as its items say their scheduled times (a
    // rehearsal's forecast reads both moved: the strip below); past midnight "00:30 +1 day"
    const later = end && end.days_after > 0 ? ` ${plural("console.programme.days_later", end.days_after)}` : "";
    const set = end ? `${clock(end.scheduled_at)}${later}` : "";
    note.hidden = !set;
    setText(note, set ? t("console.hard_stop.until", { time: set }) : "");
    const stop = end ? clock(end.stop_at) : "";
    const strip = $("hard-stop");
    const warn = Boolean(stop) && !end.ended && end.forecast_end_at != null && (end.timing === "near" || end.timing === "over");
    strip.hidden = !warn;
    if (!warn) {
      delete strip.dataset.timing;
      setText(strip, "");
      return;
    }
    strip.dataset.timing = end.timing;
    const amount = driftAmount(end.minutes * MINUTE_MS);
    const words = { end: clock(end.forecast_end_at), stop, over: amount, left: amount };
    let text;
    if (end.timing === "over") text = t("console.hard_stop.over", words);
    else if (end.minutes) text = t("console.hard_stop.near", words);
    else text = t("console.hard_stop.at", words); // right at the stop: nothing to spare
    setText(strip, text);
  }

  /**
   * Past the stop, where to cut, as the server found it (`hard_stop.cut`, app/floor/cuts.py):
   * the live queue's time each that ends the day by the stop (or as near it as the queue can,
   * what follows keeping its start), with the button that gives it on the live segment's
   * console; then, unless that is enough, the segments still to come with their planned length.
   */
  function renderCut(state) {
    const day = schedule();
    const end = day && day.hard_stop;
    const cut = end && end.timing === "over" && !end.ended ? end.cut : null;
    const line = $("hard-stop-cut");
    const queue = cut && cut.queue;
    let said = "";
    if (queue) {
      const words = {
        each: ltr(minutesSeconds(queue.each_ms)),
        end: clock(queue.end_at),
        over: driftAmount(Math.max(queue.over_ms, 0)),
      };
      said = plural(queue.reaches ? "console.hard_stop.cut_queue" : "console.hard_stop.cut_queue_short", queue.count, words);
    }
    // what is still to come, on a line of its own, unless the queue is enough
    const later = cut && (!queue || !queue.reaches) ? cut.later : [];
    const items = later.map((row) =>
      row.planned_ms == null ? island(row.title) : t("console.hard_stop.later_item", { title: island(row.title), length: driftAmount(row.planned_ms).replace(/ /g, "\u00a0") }),
    );
    const listed = items.length ? t("console.hard_stop.cut_later", { list: items.join(" · ") }) : "";
    line.hidden = !said && !listed;
    setText($("hard-stop-cut-text"), said);
    $("hard-stop-cut-text").hidden = !said;
    setText($("hard-stop-cut-later"), listed);
    $("hard-stop-cut-later").hidden = !listed;
    // the button where the queue is: on the live segment's console, as the server allows it
    const here = Boolean(queue && state && state.segment.id === queue.segment_id);
    cutMs = here ? queue.each_ms : null;
    cutButton.hidden = !here;
    if (here) {
      setText(cutButton, t("console.time.give_each", { time: ltr(minutesSeconds(queue.each_ms)) }));
      const refusal = state.actions ? state.actions.set_queue_times : null;
      setAvailable(cutButton, refusalText(refusal) || null);
      if (!refusal) cutButton.title = t("console.time.give_each_title");
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
      const drift = driftWords(row);
      if (row && row.status === "scheduled" && row.forecast_start_at != null) {
        text = [`≈ ${clock(row.forecast_start_at)}`, drift].filter(Boolean).join(" · ");
      } else if (row && row.status === "live" && row.forecast_end_at != null) {
        text = [t("console.time.forecast_ends", { time: clock(row.forecast_end_at) }), drift].filter(Boolean).join(" · ");
      } else if (row && row.status === "ended" && row.drift) {
        text = drift;
      }
      setText(line, text);
      line.hidden = !text;
      line.dataset.tone = toneOf(row);
    }
  }

  function render(state) {
    renderForecasts();
    renderHardStop();
    renderCut(state);
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
      setText(line, t("console.time.as_of", { time: ltr(at) }));
    }
  }

  return { render, renderForecasts, tick };
}
