// The programme: its segments in order, with their times in the event's local time, kind,
// moderator and aim; add one, change one, move one up or down. Times are typed as the room reads
// them ("10:00") and sent as the event's local time (2022-05-16T10:00): the server reads them in
// the event's time zone (app/api/times.py), and answers each instant with its local time. A
// segment that runs past midnight ends the next day, said by a box the form offers when the typed
// end is not after the start; one whose start is on another day than the event's (a date changed
// without moving the programme) shows its date, and its Change offers to put it on the event's.
// A segment added by mistake is removed after a confirmation (the server refuses one that started
// or that someone waits in, and the row says why).
// Two organisers at once: a Change sends only the fields changed in the form, with the values the
// form opened with (`expected`); a field another organiser saved meanwhile is refused
// (`changed_since`), said in the form with its value now, what was typed kept, and saved again
// only when asked again. The programme read again meanwhile (sync.js) fills the fields nobody
// touched, and says beside the form what changed under it. A move says which place it was seen
// in, so a move on a programme someone reordered meanwhile is refused and the list read again.
// Each row shows its kind as a tag (a break says it takes no floor requests), so a lunch left a
// discussion is seen. With the organiser key, another event's programme is copied into this one
// (three rooms share the opening, the lunch and the closing): its segments added after this
// event's, one by one through the same POST as the form's, their times of day on this event's date.
// A move with ↑ or ↓ says where the segment is now ("Lunch break moved up: 3 of 7"), and the focus
// stays on the arrow pressed: at the top or the bottom it says it cannot move further
// (aria-disabled), rather than give the focus to the other arrow, which would move it back.

import { api, newId } from "../client.js";
import { h, setText } from "../dom.js";
import { plural, t } from "../i18n.js";
import { STATUSES } from "../moderator/format.js";
import { refusalText } from "../refusal.js";
import {
  changedSince,
  changesText,
  confirmAction,
  dayOf,
  daysBetween,
  eventName,
  gone,
  clock24,
  hourMinute,
  isolate,
  keepFocus,
  nextDay,
  setDated,
  textDir,
  tonight,
  twoTimes,
  waiting,
  waitingOn,
  whereOf,
  withLabels,
} from "./util.js";

const $ = (id) => document.getElementById(id);

/** The kinds the form suggests, by code, in the page's language. */
function knownKinds() {
  return {
    opening: t("desk.segment_kind.opening"),
    thematic: t("desk.segment_kind.thematic"),
    discussion: t("desk.segment_kind.discussion"),
    break: t("desk.segment_kind.break"),
    closing: t("desk.segment_kind.closing"),
  };
}

/** A segment's kind in words when it is one the form suggests; a kind typed otherwise as it is. */
function segmentKind(kind) {
  const known = knownKinds();
  return Object.hasOwn(known, kind) ? known[kind] : kind;
}

/** What was typed in the kind field as the server keeps it: a suggested kind (its word in any
 * case, or its code) as its code, anything else as typed, nothing as a discussion. */
function kindCode(typed) {
  const text = typed.trim().toLocaleLowerCase();
  if (!text) return "discussion";
  const found = Object.entries(knownKinds()).find(([code, word]) => code === text || word.toLocaleLowerCase() === text);
  return found ? found[0] : typed.trim();
}

/** An element with a sentence in it whose dates stay whole (util.setDated). */
function dated(node, text) {
  setDated(node, text);
  return node;
}

/** A segment's fields the form changes (its times apart). */
const TEXTS = ["title", "kind", "moderator", "aim"];
const TIMES = ["scheduled_start_at", "scheduled_end_at"];

export function createProgramme(desk) {
  // the segment being changed (as the form opened it, or as since agreed), or null for a new one
  let editing = null;
  let busy = false;
  const refusals = new Map(); // segment id -> why the server refused to remove it, shown on its row

  const segments = () => (desk.event ? desk.event.segments : []);
  // the kind is typed or picked in words; the suggestions are the page language's
  $("segment-kinds").replaceChildren(...Object.values(knownKinds()).map((word) => h("option", { value: word })));
  $("segment-kind").value = segmentKind("discussion");

  function render() {
    const event = desk.event;
    if (!event) return;
    const list = segments();
    setDated(
      $("programme-when"),
      event.date
        ? t("desk.programme.when", { date: isolate(event.date, { ltr: true }), timezone: isolate(event.timezone, { ltr: true }) })
        : t("desk.programme.when_undated", { timezone: isolate(event.timezone, { ltr: true }) }),
    );
    $("programme-empty").hidden = list.length > 0;
    const rows = $("programme-rows");
    keepFocus(rows, () => rows.replaceChildren(...list.map((segment, index) => row(segment, index, list.length))), { fallback: $("programme-heading") });
    const dated = Boolean(event.date);
    for (const id of ["segment-start", "segment-end"]) $(id).disabled = !dated && !editing;
    times();
    renderCopy();
  }

  // --- another event's programme, copied into this one ---------------------------------------

  let copyChoices = ""; // the events offered, as drawn (drawn again only when they change)
  let copying = false;
  let copyFor = null; // the event the copy's line speaks of

  /** The other events (the organiser key's list), each by its title, room and date. */
  function renderCopy() {
    if (desk.event.id !== copyFor) copyStatus(); // what a copy said is about the event it was in
    copyFor = desk.event.id;
    const others = desk.events.filter((e) => e.id !== desk.event.id);
    $("copy-panel").hidden = !others.length;
    const choices = JSON.stringify(others.map((e) => [e.id, eventName(e)]));
    if (choices === copyChoices) return;
    copyChoices = choices;
    const select = $("copy-from");
    const was = select.value;
    select.replaceChildren(...others.map((e) => new Option(eventName(e), e.id)));
    if (others.some((e) => e.id === was)) select.value = was;
    copyDir();
  }

  /** The select in the direction of the event chosen in it (see util.textDir). */
  function copyDir() {
    const chosen = desk.events.find((e) => e.id === $("copy-from").value);
    $("copy-from").dir = textDir(chosen ? chosen.title : "");
  }
  $("copy-from").addEventListener("change", copyDir);

  function copyStatus(text = "", tone = "") {
    const line = $("copy-status");
    if (tone) line.dataset.tone = tone;
    else delete line.dataset.tone;
    setText(line, text);
  }

  /** A local time of another event's segment at the same time of day on `day`, `days` later. */
  function sameTime(local, day, days) {
    let at = day;
    for (let n = 0; n < days; n += 1) at = nextDay(at);
    return `${at}T${hourMinute(local)}`;
  }

  /** A segment of another event as this event's new segment: the same title, kind, aim and
   * moderator; its times of day on this event's date (an end after midnight the day after). */
  function copyOf(segment, day) {
    const body = { command_id: newId(), title: segment.title, kind: segment.kind, aim: segment.aim, moderator: segment.moderator };
    const start = segment.scheduled_start_at_local;
    const end = segment.scheduled_end_at_local;
    if (start) body.scheduled_start_at = sameTime(start, day, 0);
    if (end) body.scheduled_end_at = sameTime(end, day, start ? Math.max(0, daysBetween(dayOf(start), dayOf(end))) : 0);
    return body;
  }

  async function copyProgramme() {
    const target = desk.event;
    const fromId = $("copy-from").value;
    if (!target || !fromId) return;
    let from;
    try {
      from = await api("GET", `/events/${encodeURIComponent(fromId)}`);
    } catch (error) {
      copyStatus(t("desk.copy.not_read", { message: isolate(refusalText(withLabels(error), { stop: true })) }), "error");
      return;
    }
    const name = isolate(eventName(from));
    const source = from.segments;
    if (!source.length) {
      copyStatus(t("desk.copy.empty", { from: name }), "warning");
      return;
    }
    // a time of day is placed on this event's date: without one, nothing would say which day
    if (!target.date && source.some((s) => s.scheduled_start_at_local || s.scheduled_end_at_local)) {
      copyStatus(t("desk.copy.undated"), "error");
      return;
    }
    if (segments().length) {
      const sure = await confirmAction({
        title: t("desk.copy.confirm_title", { from: name }),
        text: t("desk.copy.confirm_text", { where: isolate(whereOf(target)) }),
        ok: t("desk.copy.confirm_ok"),
      });
      if (!sure) return;
    }
    copyStatus(t("desk.copy.copying"));
    let copied = 0;
    for (const segment of source) {
      try {
        // no position: each goes after the last, so they keep their order
        await desk.call("POST", `/events/${encodeURIComponent(target.id)}/segments`, copyOf(segment, target.date), { quiet: true });
        copied += 1;
      } catch (error) {
        const message = isolate(refusalText(withLabels(error), { stop: true }));
        copyStatus(t("desk.copy.stopped", { done: copied, total: source.length, title: isolate(segment.title), message }), "error");
        await desk.reloadEvent();
        return;
      }
    }
    copyStatus(plural("desk.copy.done", copied, { from: name, where: isolate(whereOf(target)) }), "ok");
    await desk.reloadEvent();
  }

  $("copy-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (copying) return; // one copy at a time: a second press would copy it twice
    copying = true;
    try {
      await waitingOn($("copy-submit"), copyProgramme); // it keeps the focus while it copies
    } finally {
      copying = false;
    }
  });

  /** The segment's own day (a Change: its start's date, else its end's), or "". */
  const ownDay = () => (editing ? dayOf(editing.scheduled_start_at_local || editing.scheduled_end_at_local) : "");

  /** The day the typed start lands on: the event's date, unless this is a Change of a segment on
   * another day kept there (its box unticked), or the time reads as that night's (util.tonight:
   * "01:45" after a programme that ends at 01:30, as the hard stop is read); what the hint says
   * is what is sent. */
  function startDay() {
    const own = ownDay();
    const date = desk.event.date;
    if (own && (!date || (own !== date && !$("segment-event-day").checked))) return own;
    if (date && isTonight()) return nextDay(date);
    return date || own;
  }

  /** Whether the typed start reads as the event's night, past midnight (the others' times). */
  function isTonight() {
    const start = timeOf("segment-start");
    const others = segments().filter((s) => !editing || s.id !== editing.id);
    return Boolean(start && desk.event.date && tonight(desk.event.date, others, start));
  }

  /** The day the typed end lands on: the start's, or the next one when the box says so. */
  function endDay() {
    const day = startDay();
    return day && $("segment-next-day").checked ? nextDay(day) : day;
  }

  /** The form's words about its times: on which date they land (the hint), the box for a
   * segment on another day than the event's, and the one for an end after midnight. */
  function times() {
    const event = desk.event;
    const zone = isolate(event.timezone, { ltr: true });
    const own = ownDay();
    const elsewhere = Boolean(own && event.date && own !== event.date);
    $("segment-event-day-row").hidden = !elsewhere;
    if (elsewhere) setDated($("segment-event-day-label"), t("desk.segment.to_event_day", { date: isolate(event.date, { ltr: true }) }));
    const day = startDay();
    let hint = t("desk.segment.time_hint_undated");
    if (day && event.date && day !== event.date && !elsewhere) {
      hint = t("desk.segment.time_hint_tonight", { timezone: zone, date: isolate(day, { ltr: true }), event_date: isolate(event.date, { ltr: true }) });
    } else if (day && event.date && day !== event.date) {
      hint = t("desk.segment.time_hint_other_day", { timezone: zone, date: isolate(day, { ltr: true }), event_date: isolate(event.date, { ltr: true }) });
    } else if (day) {
      hint = t("desk.segment.time_hint", { timezone: zone, date: isolate(day, { ltr: true }) });
    }
    setDated($("segment-time-hint"), hint);
    // an end not after the start (both typed, "HH:MM" compared as text): past midnight, or a slip
    const start = timeOf("segment-start") || "";
    const end = timeOf("segment-end") || "";
    const box = $("segment-next-day");
    const crosses = Boolean(start && end && end <= start);
    $("segment-next-day-row").hidden = !day || !(crosses || box.checked);
    if (day) setDated($("segment-next-day-label"), t("desk.segment.next_day", { date: isolate(nextDay(day), { ltr: true }) }));
    const note = $("segment-time-note");
    let words = "";
    if (day && crosses && !box.checked) words = t("desk.segment.end_not_after_start");
    else if (day && end && box.checked) words = t("desk.segment.ends_on", { date: isolate(endDay(), { ltr: true }), time: isolate(end, { ltr: true }) });
    note.hidden = !words;
    note.dataset.tone = crosses && !box.checked ? "warning" : "info";
    setDated(note, words);
  }

  function row(segment, index, count) {
    const start = hourMinute(segment.scheduled_start_at_local);
    const end = hourMinute(segment.scheduled_end_at_local);
    const time = start || end ? `${start || "…"}–${end || "…"}` : "";
    // as the server has them: its start's date when it is not the event's; its end's days later
    const startDate = dayOf(segment.scheduled_start_at_local);
    const endDate = dayOf(segment.scheduled_end_at_local);
    const otherDay = startDate && startDate !== desk.event.date;
    const later = startDate && endDate ? daysBetween(startDate, endDate) : 0;
    const name = segment.title;
    // its kind as a tag: a lunch left a discussion (the form's kind is one every new segment
    // starts with) is seen in the list; a break says it takes no floor requests
    const kind = segment.kind
      ? h(
          "span",
          { class: "seg-kind", dataset: { kind: segment.kind } },
          segment.kind === "break" ? t("desk.programme.kind_break") : h("bdi", {}, segmentKind(segment.kind)),
        )
      : null;
    const details = [kind, segment.moderator ? h("bdi", {}, segment.moderator) : null]
      .filter(Boolean)
      .flatMap((part, at) => (at ? [" · ", part] : [part]));
    return h(
      "tr",
      { dataset: { segmentId: segment.id, status: segment.status } },
      h("td", { class: "num" }, String(index + 1)),
      h(
        "td",
        {},
        otherDay ? h("span", { class: "seg-date", dir: "ltr" }, startDate) : null,
        // the times read left to right in every language (10:00–10:30, never 10:30–10:00)
        time ? h("span", { class: "seg-time", dir: "ltr" }, time) : h("span", { class: "seg-time" }, t("desk.programme.no_time")),
        // the day it ends in words too, under its "+1 day" (a tooltip is never seen on a touch screen)
        later > 0 ? h("span", { class: "seg-later" }, plural("desk.programme.days_later", later)) : null,
        later > 0 ? dated(h("span", { class: "seg-ends-on" }), t("desk.programme.ends_on", { date: isolate(endDate, { ltr: true }) })) : null,
        // a segment under way or over says so; a scheduled one is what the programme is
        segment.status === "scheduled" ? null : h("span", { class: "state-tag", dataset: { state: segment.status } }, STATUSES[segment.status] || segment.status),
      ),
      h(
        "td",
        {},
        h("span", { class: "seg-title", dir: "auto" }, name),
        details.length ? h("span", { class: "seg-details" }, details) : null,
        segment.aim ? h("span", { class: "seg-aim", dir: "auto" }, segment.aim) : null,
        timingProblem(segment),
        refusals.has(segment.id) ? h("span", { class: "seg-refused", role: "alert" }, refusals.get(segment.id)) : null,
      ),
      h(
        "td",
        { class: "actions" },
        // at the top or the bottom an arrow cannot act: aria-disabled (it keeps the focus, and a
        // screen reader says it is unavailable), a press does nothing
        arrow("seg-up", t("desk.programme.move_up", { name }), index === 0, () => move(segment.id, -1), "↑"),
        arrow("seg-down", t("desk.programme.move_down", { name }), index === count - 1, () => move(segment.id, 1), "↓"),
        h("button", { type: "button", class: "btn btn-small seg-change", "aria-label": t("desk.programme.change_label", { name }), onclick: () => edit(segment) }, t("desk.programme.change")),
        // one that started or ended is the day's record: not offered (the server would refuse it)
        segment.status === "scheduled"
          ? h(
              "button",
              {
                type: "button",
                class: "btn btn-small btn-quiet seg-remove",
                "aria-haspopup": "dialog",
                "aria-label": t("desk.programme.remove_label", { name: isolate(name) }),
                onclick: () => remove(segment),
              },
              t("desk.remove.open"),
            )
          : null,
      ),
    );
  }

  /** A row's ↑ or ↓; `stuck`: it cannot act (the top or the bottom of the programme). */
  function arrow(kind, label, stuck, onclick, glyph) {
    const props = { type: "button", class: `btn btn-small btn-icon ${kind}`, "aria-label": label, onclick };
    return h("button", stuck ? { ...props, "aria-disabled": "true" } : props, glyph);
  }

  /** The server's word that this segment's time disagrees with the one above it (it starts
   * before that one starts or ends), in the page's language with that segment's time. */
  function timingProblem(segment) {
    const problem = segment.timing_problem;
    if (!problem) return null;
    if (problem.code === "not_on_event_day") {
      const key = "desk.programme.timing.not_on_event_day";
      const date = dayOf(segment.scheduled_start_at_local);
      const text = t(key, { date: isolate(date, { ltr: true }), event_date: isolate(desk.event.date, { ltr: true }) });
      return dated(h("span", { class: "seg-warning", role: "note", dataset: { problem: problem.code } }), date ? text : `${problem.message}.`);
    }
    const previous = segments().find((s) => s.id === problem.previous_segment_id);
    const key = `desk.programme.timing.${problem.code}`;
    const at = previous && (problem.code === "overlaps_previous" ? previous.scheduled_end_at_local : previous.scheduled_start_at_local);
    // with its day when it is not the segment's own (a night session, past midnight)
    const [, then] = twoTimes(segment.scheduled_start_at_local, at);
    const text = previous ? t(key, { previous: isolate(previous.title), time: isolate(then, { ltr: true }) }) : key;
    return h("span", { class: "seg-warning", role: "note", dataset: { problem: problem.code } }, text === key ? `${problem.message}.` : text);
  }

  /** Swap a segment with its neighbour: it takes its new place, and the server renumbers the
   * programme around it (a position is a place in the list). Said where it is now; the focus
   * stays on the arrow pressed, to move it again (aria-disabled at the top or the bottom). */
  async function move(id, step) {
    const index = segments().findIndex((s) => s.id === id);
    const moved = segments()[index];
    if (busy || !moved || index + step < 0 || index + step >= segments().length) return; // cannot
    busy = true;
    // the place it was seen in: moved meanwhile by someone else, the move is refused
    const body = { command_id: newId(), position: index + step, expected: { position: index } };
    let done = false;
    try {
      await desk.call("PATCH", `/segments/${encodeURIComponent(moved.id)}`, body, { quiet: true });
      done = true;
    } catch (error) {
      const name = isolate(moved.title);
      if (changedSince(error)) desk.notices.show(t("desk.conflict.moved", { name }), "warning");
      else if (gone(error)) desk.notices.show(t("desk.gone.segment", { name }), "warning");
      else desk.notices.show(desk.refusal(error), "error");
    } finally {
      busy = false;
      await desk.reloadEvent();
    }
    const list = segments();
    const now = list.findIndex((s) => s.id === moved.id);
    if (done && now >= 0) {
      const key = step < 0 ? "desk.programme.moved_up" : "desk.programme.moved_down";
      desk.notices.show(plural(key, list.length, { name: isolate(moved.title), position: now + 1 }));
    }
    // the focus on the same arrow, so it can be moved again at once (or heard that it cannot)
    rowButton(moved.id, step < 0 ? ".seg-up" : ".seg-down")?.focus();
  }

  /** Take a segment out of the programme, after a confirmation (Cancel first; Escape cancels and
   * the focus goes back to its button). Refused, the row says why. */
  async function remove(segment) {
    const name = isolate(segment.title);
    // the server says beforehand when it would refuse (someone waits in it…): said at once
    if (segment.removal_refused) {
      refusals.set(segment.id, t("desk.programme.remove_refused", { message: isolate(refusalText(segment.removal_refused, { stop: true })) }));
      render();
      rowButton(segment.id, ".seg-remove")?.focus();
      return;
    }
    const sure = await confirmAction({
      title: t("desk.programme.remove_title", { name }),
      text: t("desk.programme.remove_text"),
      ok: t("desk.programme.remove_ok"),
    });
    if (!sure) return;
    const index = segments().findIndex((s) => s.id === segment.id);
    refusals.delete(segment.id);
    let removedElsewhere = false;
    try {
      await desk.call("DELETE", `/segments/${encodeURIComponent(segment.id)}`, undefined, { quiet: true });
    } catch (error) {
      if (!gone(error)) {
        refusals.set(segment.id, t("desk.programme.remove_refused", { message: isolate(refusalText(error, { stop: true })) }));
        render();
        rowButton(segment.id, ".seg-remove")?.focus();
        return;
      }
      // removed already, by someone else: said by its name, and the programme read again
      removedElsewhere = true;
    }
    if (editing && editing.id === segment.id) reset();
    if (removedElsewhere) desk.notices.show(t("desk.gone.segment", { name }), "warning");
    else desk.notices.show(t("desk.programme.removed", { name }));
    await desk.reloadEvent();
    // the focus goes to the segment now in its place (or the one above), else to the form
    const list = segments();
    const next = list[Math.min(index, list.length - 1)];
    const target = next && (rowButton(next.id, ".seg-remove") || rowButton(next.id, ".btn:not(:disabled)"));
    (target || $("segment-title")).focus();
  }

  /** A button of a segment's row, found by its selector. */
  const rowButton = (id, selector) =>
    [...$("programme-rows").children].find((tr) => tr.dataset.segmentId === id)?.querySelector(selector) || null;

  /** A field's value as typed now: a text as the server keeps it (the kind as its code); a time
   * as the local time it is sent as (YYYY-MM-DDTHH:MM), or undefined when empty. */
  function typed(field) {
    if (field === "kind") return kindCode($("segment-kind").value);
    if (field === "scheduled_start_at") return local(timeOf("segment-start"), startDay());
    if (field === "scheduled_end_at") return local(timeOf("segment-end"), endDay());
    return $(`segment-${field}`).value;
  }

  /** A segment's value of a field as `typed` gives it. */
  function held(segment, field) {
    if (!TIMES.includes(field)) return segment[field];
    const at = segment[`${field}_local`];
    return at ? at.slice(0, 16) : undefined;
  }

  /** Whether the organiser typed something else than the segment had in this field. */
  function touched(field) {
    if (field === "scheduled_start_at") return timeOf("segment-start") !== hourMinute(editing.scheduled_start_at_local);
    if (field === "scheduled_end_at") return timeOf("segment-end") !== hourMinute(editing.scheduled_end_at_local);
    if (field === "kind") return kindCode($("segment-kind").value) !== editing.kind;
    return $(`segment-${field}`).value !== editing[field];
  }

  /** Put a segment's value of a field in the form. */
  function put(segment, field) {
    if (field === "kind") $("segment-kind").value = segmentKind(segment.kind);
    else if (field === "scheduled_start_at") $("segment-start").value = hourMinute(segment.scheduled_start_at_local);
    else if (field === "scheduled_end_at") $("segment-end").value = hourMinute(segment.scheduled_end_at_local);
    else $(`segment-${field}`).value = segment[field];
    if (TIMES.includes(field)) {
      const startDate = dayOf(segment.scheduled_start_at_local);
      const endDate = dayOf(segment.scheduled_end_at_local);
      $("segment-next-day").checked = Boolean(startDate && endDate && daysBetween(startDate, endDate) > 0);
    }
  }

  /** The segment's `field` now, from `segment`, into what the form agrees it had (a time with
   * its local form). */
  function agree(segment, field) {
    editing = { ...editing, [field]: segment[field] };
    if (TIMES.includes(field)) editing[`${field}_local`] = segment[`${field}_local`];
  }

  /** A field's value as the form's words show it ("Thematic", "10:30"). */
  function shown(segment, field) {
    if (field === "kind") return segmentKind(segment.kind);
    if (TIMES.includes(field)) return hourMinute(segment[`${field}_local`]);
    return segment[field];
  }

  /** The line under the form: what happened to this save, or what changed under the form. */
  function status(text = "", tone = "") {
    const line = $("segment-status");
    if (tone) line.dataset.tone = tone;
    else delete line.dataset.tone;
    setText(line, text);
  }

  /**
   * The programme read again while a Change is open. The segment removed: said, and the form can
   * only be cancelled. Changed by someone else: a field nobody touched takes its new value; one
   * typed in keeps what was typed, and the line says what the other organiser saved (a save is
   * then refused until asked again).
   */
  function reconcile() {
    const now = segments().find((s) => s.id === editing.id);
    if (!now) {
      if (!editing.gone) {
        editing = { ...editing, gone: true };
        $("segment-submit").disabled = true;
        status(t("desk.gone.segment_form", { name: isolate(editing.title) }), "warning");
      }
      return;
    }
    const filled = [];
    const kept = [];
    for (const field of [...TEXTS, ...TIMES]) {
      if (held(now, field) === held(editing, field) && now[field] === editing[field]) continue;
      if (!touched(field)) {
        put(now, field);
        agree(now, field);
        filled.push(field);
      } else if (typed(field) === held(now, field)) {
        agree(now, field); // both wrote the same
      } else {
        kept.push(field);
      }
    }
    if (!filled.length && !kept.length) return;
    times();
    const changes = changesText([...filled, ...kept], (field) => shown(now, field));
    status([t("desk.conflict.segment", { changes }), kept.length ? t("desk.conflict.kept") : ""].filter(Boolean).join(" "), "warning");
  }

  function edit(segment) {
    editing = segment;
    $("segment-submit").disabled = false;
    status();
    $("segment-title").value = segment.title;
    $("segment-kind").value = segmentKind(segment.kind);
    $("segment-start").value = hourMinute(segment.scheduled_start_at_local);
    $("segment-end").value = hourMinute(segment.scheduled_end_at_local);
    $("segment-moderator").value = segment.moderator;
    $("segment-aim").value = segment.aim;
    // an end on a later date than the start is kept there; a segment on another day than the
    // event's is offered the event's (ticked: typing its times again puts it there, as the
    // server's warning says)
    const startDate = dayOf(segment.scheduled_start_at_local);
    const endDate = dayOf(segment.scheduled_end_at_local);
    $("segment-next-day").checked = Boolean(startDate && endDate && daysBetween(startDate, endDate) > 0);
    $("segment-event-day").checked = true;
    setText($("segment-form-heading"), t("desk.segment.change_heading", { title: isolate(segment.title) }));
    setText($("segment-submit"), t("desk.segment.save"));
    $("segment-cancel").hidden = false;
    render();
    $("segment-title").focus();
  }

  function reset() {
    editing = null;
    $("segment-submit").disabled = false;
    $("segment-form").reset();
    $("segment-kind").value = segmentKind("discussion");
    setText($("segment-form-heading"), t("desk.segment.add_heading"));
    setText($("segment-submit"), t("desk.segment.add"));
    $("segment-cancel").hidden = true;
    render();
  }

  /** A typed time as the event's local time on `day` (YYYY-MM-DDTHH:MM, read in the event's
   * zone by the server); with no day, as typed (the server reads it on the event's date). */
  const local = (time, day) => (time && day ? `${day}T${time}` : time || undefined);

  /** A time field's time as HH:MM ("" empty, null not a time of day: util.clock24). */
  function timeOf(id) {
    return clock24($(id).value);
  }

  /** A new segment: every field. */
  function everything() {
    const body = { command_id: newId() };
    for (const field of TEXTS) body[field] = typed(field);
    for (const field of TIMES) if (typed(field)) body[field] = typed(field);
    return body;
  }

  /** A Change: only the fields changed in the form, each with the value the form opened with
   * (`expected`; a time as its instant, null for none); a time emptied is cleared. Null when
   * nothing changed. */
  function changes() {
    const body = { command_id: newId() };
    const expected = {};
    const clear = [];
    for (const field of [...TEXTS, ...TIMES]) {
      const value = typed(field);
      if (value === held(editing, field)) continue;
      if (TIMES.includes(field) && !value) {
        if (editing[field] === null) continue;
        clear.push(field); // the segment has that time no more
      } else {
        body[field] = value;
      }
      expected[field] = editing[field] ?? null;
    }
    if (!Object.keys(expected).length) return null;
    if (clear.length) body.clear = clear;
    body.expected = expected;
    return body;
  }

  /** Refused because another organiser saved some of these fields meanwhile: the programme
   * read again, the form keeps what was typed and says whose value is there now; saved again,
   * it replaces theirs (what it expects is now their value). */
  async function changedMeanwhile(fields) {
    await desk.reloadEvent();
    const now = editing && segments().find((s) => s.id === editing.id);
    if (!now) return;
    const named = fields.filter((field) => [...TEXTS, ...TIMES].includes(field));
    for (const field of named) agree(now, field);
    status(t("desk.conflict.not_saved", { changes: changesText(named, (field) => shown(now, field)) }), "error");
  }

  $("segment-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = $("segment-submit");
    if (waiting(submit)) return; // a second press while the first is sent: nothing
    const changing = Boolean(editing);
    if (changing && editing.gone) return;
    const unread = ["segment-start", "segment-end"].find((id) => timeOf(id) === null);
    if (unread) {
      $(unread).setAttribute("aria-invalid", "true");
      status(t("desk.segment.time_invalid"), "error");
      $(unread).focus();
      return;
    }
    const body = changing ? changes() : everything();
    if (!body) {
      status(t("desk.form.unchanged"));
      return;
    }
    // the line says what happened to this try, never the last one's
    status();
    const title = changing ? typed("title") : body.title;
    // the button waits with aria-disabled: it keeps the focus (a refusal is said with it there)
    const saved = await waitingOn(submit, async () => {
      try {
        if (changing) {
          await desk.call("PATCH", `/segments/${encodeURIComponent(editing.id)}`, body, { quiet: true });
        } else {
          // no position: the server puts a new segment after the last one
          await desk.call("POST", `/events/${encodeURIComponent(desk.event.id)}/segments`, body, { quiet: true });
        }
        return true;
      } catch (error) {
        const fields = changing && changedSince(error);
        if (fields) {
          await changedMeanwhile(fields);
        } else if (changing && gone(error)) {
          // removed by someone else meanwhile: said by its name, the programme read again
          const name = isolate(editing.title);
          reset();
          status(t("desk.gone.segment", { name }), "error");
          await desk.reloadEvent();
        } else {
          // said beside the form that was refused, in place of what the last one did
          status(t(changing ? "desk.segment.not_saved" : "desk.segment.not_added", { message: isolate(refusalText(withLabels(error), { stop: true })) }), "error");
        }
        return false;
      }
    });
    submit.disabled = Boolean(editing && editing.gone);
    if (!saved) return;
    const changed = editing;
    reset();
    status(t(changing ? "desk.segment.saved" : "desk.segment.added", { title: isolate(title) }));
    await desk.reloadEvent();
    // a Change: the focus back on its row's Change; an add: on the form for the next one
    const back = changed && rowButton(changed.id, ".seg-change");
    (back || $("segment-title")).focus();
  });
  $("segment-cancel").addEventListener("click", cancel);
  // Escape cancels a Change (as the correction form and the dialogs close with it)
  $("segment-form").addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !editing || event.defaultPrevented) return;
    event.preventDefault();
    cancel();
  });

  /** A Change given up: the form empty again, the focus back on the segment's Change. */
  function cancel() {
    const was = editing;
    reset();
    status();
    const back = was && rowButton(was.id, ".seg-change");
    (back || $("segment-title")).focus();
  }
  for (const id of ["segment-start", "segment-end", "segment-next-day", "segment-event-day"]) $(id).addEventListener("input", times);
  for (const id of ["segment-start", "segment-end"]) {
    // "930" or "9.30" reads as 09:30 once the field is left; what is not a time stays to be fixed
    $(id).addEventListener("change", () => {
      const time = timeOf(id);
      if (time !== null) $(id).value = time;
      if (time === null) $(id).setAttribute("aria-invalid", "true");
      else $(id).removeAttribute("aria-invalid");
    });
  }

  return {
    changed(what) {
      if (what !== "event") return;
      refusals.clear(); // the programme as it is now: a refusal said before may no longer hold
      render();
      if (editing) reconcile();
    },
  };
}
