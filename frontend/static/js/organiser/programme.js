// The programme: its segments in order, with their times in the event's local time, kind,
// moderator and aim; add one, change one, move one up or down. Times are typed as the room reads
// them ("10:00") and sent as the event's local time (2022-05-16T10:00): the server reads them in
// the event's time zone (app/api/times.py), and answers each instant with its local time.

import { newId } from "../client.js";
import { h, setText } from "../dom.js";
import { STATUSES } from "../moderator/format.js";
import { dayOf, hourMinute } from "./util.js";

const $ = (id) => document.getElementById(id);

export function createProgramme(desk) {
  let editing = null; // the segment being changed, or null for a new one
  let busy = false;

  const segments = () => (desk.event ? desk.event.segments : []);

  function render() {
    const event = desk.event;
    if (!event) return;
    const list = segments();
    setText($("programme-when"), event.date ? `${event.date}, times in ${event.timezone}` : `Times in ${event.timezone}`);
    $("programme-empty").hidden = list.length > 0;
    $("programme-rows").replaceChildren(...list.map((segment, index) => row(segment, index, list.length)));
    const dated = Boolean(event.date);
    for (const id of ["segment-start", "segment-end"]) $(id).disabled = !dated && !editing;
    setText(
      $("segment-time-hint"),
      dated
        ? `In the event's local time (${event.timezone}), on ${event.date}.`
        : "Give the event its date (Event) to type the times of its segments.",
    );
  }

  function row(segment, index, count) {
    const start = hourMinute(segment.scheduled_start_at_local);
    const end = hourMinute(segment.scheduled_end_at_local);
    const time = start || end ? `${start || "…"}–${end || "…"}` : "No time";
    const name = segment.title;
    const details = [segment.kind, segment.moderator].filter(Boolean).join(" · ");
    return h(
      "tr",
      { dataset: { segmentId: segment.id, status: segment.status } },
      h("td", { class: "num" }, String(index + 1)),
      h(
        "td",
        {},
        h("span", { class: "seg-time" }, time),
        // a segment under way or over says so; a scheduled one is what the programme is
        segment.status === "scheduled" ? null : h("span", { class: "state-tag", dataset: { state: segment.status } }, STATUSES[segment.status] || segment.status),
      ),
      h(
        "td",
        {},
        h("span", { class: "seg-title", dir: "auto" }, name),
        details ? h("span", { class: "seg-details", dir: "auto" }, details) : null,
        segment.aim ? h("span", { class: "seg-aim", dir: "auto" }, segment.aim) : null,
      ),
      h(
        "td",
        { class: "actions" },
        h("button", { type: "button", class: "btn btn-small btn-icon", "aria-label": `Move ${name} up`, disabled: index === 0 || null, onclick: () => move(index, -1) }, "↑"),
        h("button", { type: "button", class: "btn btn-small btn-icon", "aria-label": `Move ${name} down`, disabled: index === count - 1 || null, onclick: () => move(index, 1) }, "↓"),
        h("button", { type: "button", class: "btn btn-small", "aria-label": `Change ${name}`, onclick: () => edit(segment) }, "Change"),
      ),
    );
  }

  /** Swap a segment with its neighbour: every segment gets its place as its position. */
  async function move(index, step) {
    if (busy) return;
    const order = [...segments()];
    const [moved] = order.splice(index, 1);
    order.splice(index + step, 0, moved);
    busy = true;
    try {
      for (const [position, segment] of order.entries()) {
        if (segment.position === position) continue;
        await desk.call("PATCH", `/segments/${encodeURIComponent(segment.id)}`, { command_id: newId(), position });
      }
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
    $("segment-kind").value = segment.kind;
    $("segment-start").value = hourMinute(segment.scheduled_start_at_local);
    $("segment-end").value = hourMinute(segment.scheduled_end_at_local);
    $("segment-moderator").value = segment.moderator;
    $("segment-aim").value = segment.aim;
    setText($("segment-form-heading"), `Change: ${segment.title}`);
    setText($("segment-submit"), "Save the segment");
    $("segment-cancel").hidden = false;
    render();
    $("segment-title").focus();
  }

  function reset() {
    editing = null;
    $("segment-form").reset();
    $("segment-kind").value = "discussion";
    setText($("segment-form-heading"), "Add a segment");
    setText($("segment-submit"), "Add the segment");
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
      kind: $("segment-kind").value.trim() || "discussion",
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
        setText($("segment-status"), `Saved: ${body.title}`);
      } else {
        const last = segments().at(-1);
        body.position = last ? Math.min(1000, Math.max(last.position, segments().length - 1) + 1) : 0;
        await desk.call("POST", `/events/${encodeURIComponent(desk.event.id)}/segments`, body);
        setText($("segment-status"), `Added: ${body.title}`);
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
