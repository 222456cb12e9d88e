// The programme: its segments in order, with their times in the event's local time, kind,
// moderator and aim; add one, change one, move one up or down. Times are typed as the room reads
// them ("10:00") and sent as the event's local time (2022-05-16T10:00): the server reads them in
// the event's time zone (app/api/times.py), and answers each instant with its local time.

import { newId } from "../client.js";
import { h, setText } from "../dom.js";
import { t } from "../i18n.js";
import { STATUSES } from "../moderator/format.js";
import { dayOf, hourMinute, isolate } from "./util.js";

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

export function createProgramme(desk) {
  let editing = null; // the segment being changed, or null for a new one
  let busy = false;

  const segments = () => (desk.event ? desk.event.segments : []);
  // the kind is typed or picked in words; the suggestions are the page language's
  $("segment-kinds").replaceChildren(...Object.values(knownKinds()).map((word) => h("option", { value: word })));
  $("segment-kind").value = segmentKind("discussion");

  function render() {
    const event = desk.event;
    if (!event) return;
    const list = segments();
    setText(
      $("programme-when"),
      event.date
        ? t("desk.programme.when", { date: isolate(event.date, { ltr: true }), timezone: isolate(event.timezone, { ltr: true }) })
        : t("desk.programme.when_undated", { timezone: isolate(event.timezone, { ltr: true }) }),
    );
    $("programme-empty").hidden = list.length > 0;
    $("programme-rows").replaceChildren(...list.map((segment, index) => row(segment, index, list.length)));
    const dated = Boolean(event.date);
    for (const id of ["segment-start", "segment-end"]) $(id).disabled = !dated && !editing;
    setText(
      $("segment-time-hint"),
      dated
        ? t("desk.segment.time_hint", { timezone: isolate(event.timezone, { ltr: true }), date: isolate(event.date, { ltr: true }) })
        : t("desk.segment.time_hint_undated"),
    );
  }

  function row(segment, index, count) {
    const start = hourMinute(segment.scheduled_start_at_local);
    const end = hourMinute(segment.scheduled_end_at_local);
    const time = start || end ? `${start || "…"}–${end || "…"}` : "";
    const name = segment.title;
    const details = [segment.kind ? h("bdi", {}, segmentKind(segment.kind)) : null, segment.moderator ? h("bdi", {}, segment.moderator) : null]
      .filter(Boolean)
      .flatMap((part, at) => (at ? [" · ", part] : [part]));
    return h(
      "tr",
      { dataset: { segmentId: segment.id, status: segment.status } },
      h("td", { class: "num" }, String(index + 1)),
      h(
        "td",
        {},
        // the times read left to right in every language (10:00–10:30, never 10:30–10:00)
        time ? h("span", { class: "seg-time", dir: "ltr" }, time) : h("span", { class: "seg-time" }, t("desk.programme.no_time")),
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
      ),
      h(
        "td",
        { class: "actions" },
        h("button", { type: "button", class: "btn btn-small btn-icon", "aria-label": t("desk.programme.move_up", { name }), disabled: index === 0 || null, onclick: () => move(index, -1) }, "↑"),
        h("button", { type: "button", class: "btn btn-small btn-icon", "aria-label": t("desk.programme.move_down", { name }), disabled: index === count - 1 || null, onclick: () => move(index, 1) }, "↓"),
        h("button", { type: "button", class: "btn btn-small", "aria-label": t("desk.programme.change_label", { name }), onclick: () => edit(segment) }, t("desk.programme.change")),
      ),
    );
  }

  /** The server's word that this segment's time disagrees with the one above it (it starts
   * before that one starts or ends), in the page's language with that segment's time. */
  function timingProblem(segment) {
    const problem = segment.timing_problem;
    if (!problem) return null;
    const previous = segments().find((s) => s.id === problem.previous_segment_id);
    const key = `desk.programme.timing.${problem.code}`;
    const at = previous && (problem.code === "overlaps_previous" ? previous.scheduled_end_at_local : previous.scheduled_start_at_local);
    const text = previous ? t(key, { previous: isolate(previous.title), time: isolate(hourMinute(at), { ltr: true }) }) : key;
    return h("span", { class: "seg-warning", role: "note", dataset: { problem: problem.code } }, text === key ? `${problem.message}.` : text);
  }

  /** Swap a segment with its neighbour: it takes its new place, and the server renumbers the
   * programme around it (a position is a place in the list). */
  async function move(index, step) {
    if (busy) return;
    const moved = segments()[index];
    busy = true;
    try {
      await desk.call("PATCH", `/segments/${encodeURIComponent(moved.id)}`, { command_id: newId(), position: index + step });
    } catch {
      // shown by desk.call
    } finally {
      busy = false;
      await desk.reloadEvent();
    }
    // the focus stays on the moved segment's arrow, so it can be moved again at once
    const row = [...$("programme-rows").children].find((tr) => tr.dataset.segmentId === moved.id);
    const arrows = row ? row.querySelectorAll("button") : [];
    const arrow = arrows[step < 0 ? 0 : 1];
    if (arrow && !arrow.disabled) arrow.focus();
    else if (arrows[step < 0 ? 1 : 0]) arrows[step < 0 ? 1 : 0].focus();
  }

  function edit(segment) {
    editing = segment;
    $("segment-title").value = segment.title;
    $("segment-kind").value = segmentKind(segment.kind);
    $("segment-start").value = hourMinute(segment.scheduled_start_at_local);
    $("segment-end").value = hourMinute(segment.scheduled_end_at_local);
    $("segment-moderator").value = segment.moderator;
    $("segment-aim").value = segment.aim;
    setText($("segment-form-heading"), t("desk.segment.change_heading", { title: isolate(segment.title) }));
    setText($("segment-submit"), t("desk.segment.save"));
    $("segment-cancel").hidden = false;
    render();
    $("segment-title").focus();
  }

  function reset() {
    editing = null;
    $("segment-form").reset();
    $("segment-kind").value = segmentKind("discussion");
    setText($("segment-form-heading"), t("desk.segment.add_heading"));
    setText($("segment-submit"), t("desk.segment.add"));
    $("segment-cancel").hidden = true;
    render();
  }

  /** A typed time as the event's local time: on the segment's own day, else the event's date. */
  function local(time, known) {
    if (!time) return undefined;
    const day = dayOf(known) || desk.event.date;
    return day ? `${day}T${time}` : time;
  }

  $("segment-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      command_id: newId(),
      title: $("segment-title").value,
      kind: kindCode($("segment-kind").value),
      moderator: $("segment-moderator").value,
      aim: $("segment-aim").value,
    };
    const start = local($("segment-start").value, editing && editing.scheduled_start_at_local);
    const end = local($("segment-end").value, editing && editing.scheduled_end_at_local);
    if (start) body.scheduled_start_at = start;
    if (end) body.scheduled_end_at = end;
    const submit = $("segment-submit");
    submit.disabled = true;
    try {
      if (editing) {
        await desk.call("PATCH", `/segments/${encodeURIComponent(editing.id)}`, body);
        setText($("segment-status"), t("desk.segment.saved", { title: isolate(body.title) }));
      } else {
        // no position: the server puts a new segment after the last one
        await desk.call("POST", `/events/${encodeURIComponent(desk.event.id)}/segments`, body);
        setText($("segment-status"), t("desk.segment.added", { title: isolate(body.title) }));
      }
      reset();
      await desk.reloadEvent();
      $("segment-title").focus();
    } catch {
      // shown by desk.call
    } finally {
      submit.disabled = false;
    }
  });
  $("segment-cancel").addEventListener("click", reset);

  return {
    changed(what) {
      if (what === "event") render();
    },
  };
}
