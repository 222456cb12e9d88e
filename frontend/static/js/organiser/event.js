// The event: its details (a new one with the organiser key, or changes to this one), how
// delegates join (the join code, its link and QR code, rotated after a confirmation), and its
// public live page (its link and QR code, published or withdrawn: withdrawing asks first).
// A change sends only the fields the organiser changed, with the values the form showed them
// (`expected`): one another organiser saved meanwhile is refused (`changed_since`), said in the
// form with its value now, and saved again only when asked again. Another organiser's change
// read meanwhile (sync.js) fills the fields nobody touched and is said beside the ones typed in.
// Its hard stop (when interpretation ends) is typed as a 24-hour time on the event's date; the
// server's word that it is off that date or before the programme ends is said under it.
// A day made by mistake is deleted here, when the server says it may be (`deletable`: the
// organiser key, nothing on the day's record; the desk decides nothing of it), after its title is
// typed in a dialog; the desk then shows another event. A day deleted by another organiser is
// said so (sync.js), and the desk shows another.
// A field the server refuses (an invalid_request naming it) says why under it, in the desk's
// language where it has words for that refusal, until the field is changed: the field is marked
// invalid, described by that line and focused (a notice alone goes in seconds).

import { h, setText } from "../dom.js";
import { currentLanguage, t } from "../i18n.js";
import { refusalText } from "../refusal.js";
import {
  changedSince,
  changesText,
  clock24,
  confirmAction,
  copyField,
  dayOf,
  focusLost,
  hourMinute,
  isolate,
  nextDay,
  setDated,
  tonight,
  twoTimes,
  waiting,
  waitingOn,
  withLabels,
} from "./util.js";

const $ = (id) => document.getElementById(id);

/** The browser's zones (and UTC), for the time zone field's suggestions. */
function zones() {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...known.filter((zone) => zone !== "UTC")];
}

/** The event's fields the form changes, by their names in the request's body. */
const FIELDS = ["title", "venue", "room", "date", "timezone", "languages", "hard_stop_at"];

/** Two values of a field alike: the same text (none as empty), the same languages in any order. */
function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && [...a].sort().join() === [...b].sort().join();
  }
  return (a ?? "") === (b ?? "");
}

/** An event's value of a form's field: the languages as a list, the hard stop as its time (HH:MM). */
function valueOf(event, name) {
  if (name === "languages") return [...event.languages];
  if (name === "hard_stop_at") return hourMinute(event.hard_stop_at_local);
  return event[name];
}

/** An event's values of the form's fields. */
const valuesOf = (event) => Object.fromEntries(FIELDS.map((name) => [name, valueOf(event, name)]));

export function createEventSection(desk) {
  const form = $("event-form");
  $("timezones").replaceChildren(...zones().map((zone) => new Option(zone)));
  let base = null; // the values the form was filled with: what the organiser changes them from
  let baseStopAt = null; // the hard stop they were filled with, as the instant sent as `expected`
  let filledFor; // the event they are of (null: a new one)

  /** A field's value as typed now. */
  function typed(name) {
    if (name === "languages") return [...form.querySelectorAll('input[name="languages"]:checked')].map((box) => box.value);
    const value = form.elements[name].value;
    if (name === "hard_stop_at") return clock24(value) ?? value.trim(); // "1800" is 18:00
    return name === "timezone" ? value.trim() : value;
  }

  function put(name, value) {
    if (name === "languages") {
      for (const box of form.querySelectorAll('input[name="languages"]')) box.checked = value.includes(box.value);
    } else {
      form.elements[name].value = value ?? "";
    }
  }

  /** A field's value as the form's words say it (languages by their names). */
  function shown(name, values) {
    const value = values[name];
    if (name === "languages") return value.map((code) => t(`language.${code}`)).join(t("desk.list_separator"));
    return value ?? "";
  }

  /** The line under the form's buttons: what changed under it, or why it was not saved. */
  function note(text = "", tone = "warning") {
    const line = $("event-form-note");
    line.dataset.tone = tone;
    setText(line, text);
  }

  /** The event as read now, into a form someone may be typing in: a field nobody touched takes
   * its new value; one typed in keeps what was typed, and the line says what the other organiser
   * saved (the save is then refused until it is asked again: `expected` keeps the old value). */
  function merge() {
    renderStopProblem(desk.event);
    const now = valuesOf(desk.event);
    const dirty = FIELDS.some((name) => !same(typed(name), base[name]));
    const filled = [];
    const kept = [];
    for (const name of FIELDS) {
      if (same(now[name], base[name])) continue;
      if (same(typed(name), base[name])) {
        put(name, now[name]);
        rebase(name, desk.event);
        filled.push(name);
      } else if (same(typed(name), now[name])) {
        rebase(name, desk.event); // both wrote the same
      } else {
        kept.push(name);
      }
    }
    offerMove();
    if (kept.length || (dirty && filled.length)) {
      const changes = changesText([...filled, ...kept], (name) => shown(name, now));
      note([t("desk.conflict.event", { changes }), kept.length ? t("desk.conflict.kept") : ""].filter(Boolean).join(" "));
    }
  }

  /** What the form changes a field from, as `event` has it now. */
  function rebase(name, event) {
    base[name] = valueOf(event, name);
    if (name === "hard_stop_at") baseStopAt = event.hard_stop_at ?? null;
  }

  /** The server's word that the hard stop is off the event's date, or before the programme
   * starts or ends (not refused), in the page's language with the times it names. */
  function renderStopProblem(event) {
    const line = $("event-hard-stop-problem");
    const problem = event ? event.hard_stop_problem : null;
    line.hidden = !problem;
    if (!problem) {
      setText(line, "");
      return;
    }
    const local = event.hard_stop_at_local;
    const [stopAt, otherAt] = twoTimes(local, problem.other_at_local);
    const time = isolate(stopAt, { ltr: true });
    const other = isolate(otherAt, { ltr: true });
    let text;
    if (problem.code === "not_on_event_day") {
      const dates = { date: isolate(dayOf(local), { ltr: true }), event_date: isolate(event.date, { ltr: true }) };
      text = t("desk.event.hard_stop_problem.not_on_event_day", dates);
    } else if (problem.code === "before_first_start") {
      text = t("desk.event.hard_stop_problem.before_first_start", { time, start: other });
    } else if (problem.code === "before_programme_end") {
      text = t("desk.event.hard_stop_problem.before_programme_end", { time, end: other });
    } else {
      text = problem.message;
    }
    setDated(line, text);
  }

  /** The hard stop typed (HH:MM) as sent: on the date typed, else the event's; alone without one
   * (the server then says to set the date). A time that reads as that night's (util.tonight: a
   * night session's "00:30", outside probe D2) is on the next day, as the console reads a
   * resumption typed past midnight and the desk a segment's start. */
  function stopValue(time) {
    const day = typed("date") || (desk.event ? desk.event.date : "");
    if (!day) return time;
    const segments = desk.event ? desk.event.segments : [];
    return `${tonight(day, segments, time) ? nextDay(day) : day}T${time}`;
  }

  function fill() {
    const event = desk.event;
    const id = event ? event.id : null;
    if (event && base && filledFor === id) {
      merge();
      renderJoin(event);
      renderLive(event);
      renderRecord(event);
      renderDelete(event);
      return;
    }
    filledFor = id;
    base = event ? valuesOf(event) : null;
    baseStopAt = event ? (event.hard_stop_at ?? null) : null;
    note();
    const fields = form.elements;
    fields.title.value = event ? event.title : "";
    fields.venue.value = event ? event.venue : "";
    fields.room.value = event ? event.room : "";
    fields.date.value = event ? event.date : "";
    fields.timezone.value = event ? event.timezone : Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    fields.hard_stop_at.value = event ? valueOf(event, "hard_stop_at") : "";
    fields.hard_stop_at.removeAttribute("aria-invalid");
    for (const field of [...refusedFields]) unmark(field);
    renderStopProblem(event);
    const languages = event ? event.languages : ["en", "fr", "es", "ar", "zh", "ru"];
    for (const box of form.querySelectorAll('input[name="languages"]')) box.checked = languages.includes(box.value);
    setText($("event-form-submit"), t(event ? "desk.event.save_changes" : "desk.event.create"));
    $("event-form-cancel").hidden = Boolean(event) || !desk.events.length;
    setText($("event-form-status"), event ? "" : t("desk.event.new_tag"));
    $("event-move-programme").checked = true;
    offerMove();
    $("event-fields").disabled = false;
    $("join-panel").hidden = !event;
    $("live-panel").hidden = !event;
    $("record-panel").hidden = !event;
    if (event) {
      renderJoin(event);
      renderLive(event);
      renderRecord(event);
    }
    renderDelete(event);
  }

  // --- deleting the day (made by mistake) ----------------------------------------------------
  const deletion = deletionParts();

  /** Offered only when the server says the day may be deleted now; else why not (a day on the
   * record), in the page's language; nothing for an organiser link (only the key deletes). */
  function renderDelete(event) {
    const reason = event ? event.not_deletable_reason : null;
    deletion.panel.hidden = !event || (!event.deletable && (!reason || reason.code === "forbidden"));
    if (deletion.panel.hidden) {
      if (deletion.dialog.open) deletion.dialog.close();
      return;
    }
    deletion.open.hidden = !event.deletable;
    setText(deletion.hint, event.deletable ? t("desk.delete.hint") : refusalText(reason, { stop: true }));
    deletion.hint.dataset.tone = event.deletable ? "" : "info";
    // the day became undeletable (a segment started) while its dialog is open: it closes
    if (!event.deletable && deletion.dialog.open) deletion.dialog.close();
  }

  /** Delete the day shown, its title typed as it is now; refused: why, in the dialog, kept open. */
  async function confirmDelete(event) {
    event.preventDefault();
    const day = desk.event;
    if (!day || deletion.busy) return;
    deletion.busy = true;
    deletion.ok.setAttribute("aria-disabled", "true");
    setText(deletion.error, "");
    deletion.title.removeAttribute("aria-invalid");
    try {
      await desk.call("DELETE", `/events/${encodeURIComponent(day.id)}`, { title: deletion.title.value }, { quiet: true });
    } catch (error) {
      const words = error?.code === "event_title_mismatch" || error?.code === "invalid_request" ? t("desk.delete.mismatch") : desk.refusal(error);
      setText(deletion.error, words);
      deletion.title.setAttribute("aria-invalid", "true");
      deletion.title.focus();
      return;
    } finally {
      deletion.busy = false;
      deletion.ok.removeAttribute("aria-disabled");
    }
    deletion.done = true;
    deletion.dialog.close();
    await desk.eventGone(day.id);
    desk.notices.show(t("desk.delete.deleted", { title: isolate(day.title) }));
  }

  /** The panel under the day's record, and its dialog: made here once (the page's words). */
  function deletionParts() {
    const hint = h("p", { id: "delete-hint", class: "hint", dir: "auto" });
    const open = h("button", { id: "delete-open", type: "button", class: "btn btn-small btn-danger", "aria-haspopup": "dialog", "aria-describedby": "delete-hint" }, t("desk.delete.open"));
    const panel = h(
      "section",
      { id: "delete-panel", class: "panel delete-panel", "aria-labelledby": "delete-heading", hidden: true },
      h("h2", { id: "delete-heading" }, t("desk.delete.heading")),
      hint,
      h("div", { class: "form-actions" }, open),
    );
    $("record-panel").after(panel);
    const title = h("input", { id: "delete-title", type: "text", maxlength: "300", dir: "auto", autocomplete: "off", spellcheck: "false", "aria-describedby": "delete-shown delete-error" });
    const shown = h("bdi", { id: "delete-shown-title" });
    const error = h("p", { id: "delete-error", class: "form-note", "data-tone": "error", role: "alert" });
    const ok = h("button", { id: "delete-ok", type: "submit", class: "btn btn-danger" }, t("desk.delete.ok"));
    const cancel = h("button", { id: "delete-cancel", type: "button", class: "btn" }, t("desk.cancel"));
    const heading = h("h2", { id: "delete-dialog-heading" });
    const form = h(
      "form",
      { id: "delete-form", class: "desk-form delete-form", autocomplete: "off", novalidate: true },
      h("div", { class: "field" }, h("label", { for: "delete-title" }, t("desk.delete.confirm_label")), h("p", { id: "delete-shown", class: "delete-shown", dir: "auto" }, shown), title),
      error,
      h("div", { class: "dialog-actions" }, cancel, ok),
    );
    const dialog = h(
      "dialog",
      { id: "delete-dialog", class: "help-dialog confirm-dialog delete-dialog", "aria-labelledby": "delete-dialog-heading", "aria-describedby": "delete-dialog-text" },
      heading,
      h("p", { id: "delete-dialog-text", class: "confirm-text" }, t("desk.delete.text")),
      form,
    );
    document.body.append(dialog);
    const parts = { panel, hint, open, dialog, title, error, ok, busy: false, done: false };
    open.addEventListener("click", () => {
      const day = desk.event;
      if (!day || !day.deletable) return;
      setText(heading, t("desk.delete.title", { title: isolate(day.title) }));
      setText(shown, day.title);
      title.value = "";
      title.removeAttribute("aria-invalid");
      setText(error, "");
      parts.done = false;
      dialog.showModal();
      title.focus(); // the one thing to do: type the title (Escape or Cancel: nothing happens)
    });
    cancel.addEventListener("click", () => dialog.close());
    form.addEventListener("submit", confirmDelete);
    // closed without deleting (Cancel, Escape): the focus goes back where it was
    dialog.addEventListener("close", () => {
      if (!parts.done && !open.closest("[hidden]")) open.focus();
    });
    return parts;
  }

  /** The day shown is gone (deleted here, or by another organiser): the list read again, and
   * the desk shows another event (the first), or the new event's form when none is left. */
  desk.eventGone = async (eventId) => {
    if (deletion.dialog.open) deletion.dialog.close();
    desk.events = (await desk.call("GET", "/events")).filter((listed) => listed.id !== eventId);
    await desk.selectEvent(desk.events[0] ? desk.events[0].id : null);
    $("desk-main").focus({ preventScroll: true });
  };

  /** The day's record and the outcome summary, downloaded with this browser's session. */
  function renderRecord(event) {
    const events = `/api/v1/events/${encodeURIComponent(event.id)}`;
    $("record-csv").href = `${events}/speeches?format=csv`;
    $("record-xlsx").href = `${events}/speeches?format=xlsx`;
    // the summary in the desk's language, as chosen when it is clicked
    for (const format of ["docx", "html"]) {
      const link = $(`outcome-${format}`);
      const href = () => `${events}/outcome?format=${format}&lang=${currentLanguage()}`;
      link.href = href();
      link.onclick = () => (link.href = href());
    }
  }

  /** The public live page: published or not (as the server says), its link and QR code. */
  function renderLive(event) {
    const published = Boolean(event.live_published);
    const link = `${location.origin}/live/${encodeURIComponent(event.id)}`;
    const anchor = $("live-link");
    anchor.href = link;
    setText(anchor, link);
    const source = `/api/v1/events/${encodeURIComponent(event.id)}/live-qr.svg`;
    if ($("live-qr").getAttribute("src") !== source) $("live-qr").src = source;
    const state = $("live-state");
    state.dataset.state = published ? "published" : "off";
    setText(state, t(published ? "desk.live.published" : "desk.live.not_published"));
    $("live-panel").dataset.published = published ? "yes" : "no";
    const toggle = $("live-toggle");
    setText(toggle, t(published ? "desk.live.withdraw" : "desk.live.publish"));
    toggle.className = `btn btn-small ${published ? "btn-danger" : "btn-primary"}`;
    toggle.setAttribute("aria-haspopup", published ? "dialog" : "false");
    setText($("live-hint"), t(published ? "desk.live.hint_on" : "desk.live.hint_off"));
  }

  function renderJoin(event) {
    const link = `${location.origin}/join/${event.join_code}`;
    setText($("join-code"), event.join_code || "");
    const anchor = $("join-link");
    anchor.href = link;
    setText(anchor, link);
    // the QR code is made on the server (it carries the code, which changes on a rotation)
    const source = `/api/v1/events/${encodeURIComponent(event.id)}/join-qr.svg?code=${encodeURIComponent(event.join_code || "")}`;
    if ($("join-qr").getAttribute("src") !== source) $("join-qr").src = source;
  }

  /**
   * A new date or time zone typed for an event whose programme has segments still to come, with
   * times: offer to move them so that they keep their local times (PATCH's move_programme; the
   * server moves them, or refuses the whole edit naming a segment it cannot move).
   */
  function offerMove() {
    const event = desk.event;
    const fields = form.elements;
    const differs =
      Boolean(event) &&
      ((fields.date.value && fields.date.value !== event.date) || fields.timezone.value.trim() !== event.timezone);
    // the hard stop moves with the programme too (on the event's date: the server says)
    const movable =
      Boolean(event) &&
      (event.hard_stop_at != null || event.segments.some((s) => s.status === "scheduled" && (s.scheduled_start_at || s.scheduled_end_at)));
    $("event-move-row").hidden = !(differs && movable);
  }

  /** A new event: every field. A change: only the fields changed, with the values they had
   * when the form showed them (`expected`: null for a date it had none). */
  function body() {
    if (!desk.event) {
      const out = Object.fromEntries(FIELDS.filter((name) => !["date", "hard_stop_at"].includes(name)).map((name) => [name, typed(name)]));
      if (typed("date")) out.date = typed("date");
      if (typed("hard_stop_at")) out.hard_stop_at = stopValue(typed("hard_stop_at"));
      return out;
    }
    const out = {};
    const expected = {};
    for (const name of FIELDS) {
      const value = typed(name);
      if (name === "date" && !value) continue; // a date once set is changed, not removed
      if (same(value, base[name])) continue;
      if (name === "hard_stop_at") {
        // cleared: no hard stop; what it was, as the instant read (its time alone may be another day's)
        out[name] = value ? stopValue(value) : null;
        expected[name] = baseStopAt;
        continue;
      }
      out[name] = value;
      expected[name] = name === "date" && !base.date ? null : base[name];
    }
    if (!Object.keys(out).length) return null;
    const moves = "date" in out || "timezone" in out;
    if (moves && !$("event-move-row").hidden && $("event-move-programme").checked) out.move_programme = true;
    out.expected = expected;
    return out;
  }

  /** Refused because another organiser saved some of these fields meanwhile: the event read
   * again, the form keeps what was typed, and says whose value is there now; a save asked again
   * replaces it (the values now are what it expects). */
  async function changedMeanwhile(fields) {
    const now = await desk.call("GET", `/events/${encodeURIComponent(desk.event.id)}`);
    const values = valuesOf(now);
    for (const name of fields) if (name in base) rebase(name, now);
    desk.event = now;
    desk.changed("event");
    const changes = changesText(fields.filter((name) => name in base), (name) => shown(name, values));
    note(t("desk.conflict.not_saved", { changes }), "error");
  }

  /** The zones a refusal's words name ("America/New_York"), the first the one to suggest. */
  const zonesIn = (words) => String(words || "").match(/\b[A-Z][A-Za-z_]+\/[A-Za-z_/+-]+/g) || [];

  /**
   * Why the server refused a field, said under it: on an English page the server's words (they
   * say what to send) after the field's name; else the desk's sentence for that refusal's type
   * where it has one (a time zone the server does not know, or a fixed offset: what to type
   * instead), else the refusal as the notice says it.
   */
  function fieldError(detail, field, error) {
    const value = isolate(String(field.value ?? "").trim(), { ltr: true });
    const message = String(detail.msg || "");
    const zones = zonesIn(message);
    const suggested = /did you mean "([^"]+)"/.exec(message);
    if (currentLanguage() !== "en" && detail.type === "time_zone_fixed") {
      return t("desk.event.field_error.time_zone_fixed", { value, zone: isolate(zones[0] || "America/New_York", { ltr: true }) });
    }
    if (currentLanguage() !== "en" && detail.type === "time_zone") {
      if (suggested) return t("desk.event.field_error.time_zone_suggested", { value, zone: isolate(suggested[1], { ltr: true }) });
      return t("desk.event.field_error.time_zone", { value });
    }
    if (message && currentLanguage() === "en") {
      const text = message.charAt(0).toUpperCase() + message.slice(1);
      return /[.!?…]$/.test(text) ? text : `${text}.`;
    }
    return desk.refusal(withLabels(error));
  }

  /** A field's line of why it was refused, made under it once (linked: aria-describedby). */
  function errorLine(field) {
    const id = `${field.id || field.name}-error`;
    let line = document.getElementById(id);
    if (!line) {
      line = h("p", { id, class: "form-note field-error", "data-tone": "error", dir: "auto" });
      const holder = field.closest(".field, fieldset.languages") || field.parentElement;
      holder.append(line);
    }
    return line;
  }

  /** A field refused: marked, described by why, until it is changed (or the form filled again). */
  function mark(field, words) {
    field.setAttribute("aria-invalid", "true");
    refusedFields.add(field);
    const line = errorLine(field);
    setText(line, words);
    line.hidden = !words;
    const described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (words && !described.includes(line.id)) field.setAttribute("aria-describedby", [line.id, ...described].join(" "));
  }

  function unmark(field) {
    refusedFields.delete(field);
    if (field !== form.elements.hard_stop_at) field.removeAttribute("aria-invalid");
    const line = document.getElementById(`${field.id || field.name}-error`);
    if (!line) return;
    line.remove();
    const described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && id !== line.id);
    if (described.length) field.setAttribute("aria-describedby", described.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  // a field's refusal holds until that field changes (the languages: any of their boxes)
  form.addEventListener("input", (event) => {
    const target = event.target.name === "languages" ? form.querySelector('input[name="languages"]') : event.target;
    if (refusedFields.has(target)) unmark(target);
  });

  /** The field a refusal names (an invalid_request's `details`, its `loc`), marked invalid, said
   * why under it and focused; true if there was one. */
  function markRefused(error) {
    const details = error?.body?.details ?? error?.details;
    if (error?.code !== "invalid_request" || !Array.isArray(details)) return false;
    for (const detail of details) {
      const name = Array.isArray(detail.loc) ? detail.loc[detail.loc.length - 1] : null;
      let field = typeof name === "string" && name !== "expected" ? form.elements.namedItem(name) : null;
      if (field instanceof RadioNodeList) field = field[0]; // the languages: their first box
      if (!field || field.closest("[hidden]")) continue;
      mark(field, fieldError(detail, field, error));
      field.focus();
      return true;
    }
    return false;
  }

  const refusedFields = new Set(); // marked by the server's refusal, until the next save
  let saving = false;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) return; // a second press while the first is sent: nothing
    if (!typed("languages").length) {
      desk.notices.show(t("desk.event.no_language"), "warning");
      return;
    }
    const stopField = form.elements.hard_stop_at;
    if (clock24(stopField.value) === null) {
      stopField.setAttribute("aria-invalid", "true");
      note(t("desk.event.hard_stop_invalid"), "error");
      stopField.focus();
      return;
    }
    stopField.removeAttribute("aria-invalid");
    const data = body();
    if (!data) {
      note(t("desk.form.unchanged"), "info");
      return;
    }
    const submit = $("event-form-submit");
    // waits with aria-disabled, keeping the focus (a disabled button would drop it to <body>)
    saving = true;
    submit.setAttribute("aria-disabled", "true");
    note();
    try {
      if (desk.event) {
        let saved;
        try {
          saved = await desk.call("PATCH", `/events/${encodeURIComponent(desk.event.id)}`, data, { quiet: true });
        } catch (error) {
          const fields = changedSince(error);
          if (fields) await changedMeanwhile(fields);
          else {
            desk.notices.show(desk.refusal(error), "error");
            markRefused(error);
          }
          return;
        }
        desk.event = saved;
        desk.notices.show(t(data.move_programme ? "desk.event.saved_moved" : "desk.event.saved"));
        desk.changed("event");
        note();
      } else {
        const made = await desk.call("POST", "/events", data);
        desk.events.push(made);
        await desk.selectEvent(made.id, "programme");
        desk.notices.show(t("desk.event.made"));
        // its form (and the button pressed) is hidden: the focus goes to the programme's heading
        if (focusLost()) desk.focusSection();
      }
    } catch (error) {
      markRefused(error); // shown by desk.call; the field it names takes the focus
    } finally {
      saving = false;
      submit.removeAttribute("aria-disabled");
    }
  });

  form.elements.date.addEventListener("input", offerMove);
  // "1800" or "18.00" reads as 18:00 once the field is left; what is not a time stays to be fixed
  form.elements.hard_stop_at.addEventListener("change", () => {
    const field = form.elements.hard_stop_at;
    const time = clock24(field.value);
    if (time !== null) field.value = time;
    if (time === null) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  });
  form.elements.timezone.addEventListener("input", offerMove);

  $("event-form-cancel").addEventListener("click", async () => {
    await desk.selectEvent(desk.events[0] ? desk.events[0].id : null);
    if (focusLost()) desk.focusSection(); // Cancel is hidden with the new event's form
  });

  $("join-copy").addEventListener("click", async () => {
    const field = document.createElement("input");
    field.value = $("join-link").href;
    field.className = "visually-hidden";
    document.body.append(field);
    const copied = await copyField(field);
    field.remove();
    desk.notices.show(t(copied ? "desk.join.copied" : "desk.copy_failed"));
  });

  $("join-rotate").addEventListener("click", async () => {
    const sure = await confirmAction({
      title: t("desk.join.rotate_title"),
      text: t("desk.join.rotate_text"),
      ok: t("desk.join.rotate_ok"),
    });
    if (!sure) return;
    try {
      desk.event = await desk.call("POST", `/events/${encodeURIComponent(desk.event.id)}/join-code`);
      desk.notices.show(t("desk.join.rotated", { code: isolate(desk.event.join_code, { ltr: true }) }));
      desk.changed("event");
    } catch {
      // shown by desk.call
    }
  });

  $("live-copy").addEventListener("click", async () => {
    const field = document.createElement("input");
    field.value = $("live-link").href;
    field.className = "visually-hidden";
    document.body.append(field);
    const copied = await copyField(field);
    field.remove();
    desk.notices.show(t(copied ? "desk.live.copied" : "desk.copy_failed"));
  });

  $("live-toggle").addEventListener("click", async () => {
    const toggle = $("live-toggle");
    if (waiting(toggle)) return; // a second press while the first is sent: nothing
    const publish = !desk.event.live_published;
    if (!publish) {
      const sure = await confirmAction({
        title: t("desk.live.withdraw_title"),
        text: t("desk.live.withdraw_text"),
        ok: t("desk.live.withdraw_ok"),
      });
      if (!sure) return;
    }
    // it keeps the focus while it waits (and after: it then says the other thing it does)
    await waitingOn(toggle, async () => {
      try {
        desk.event = await desk.call("PATCH", `/events/${encodeURIComponent(desk.event.id)}`, { live_published: publish });
        desk.notices.show(t(publish ? "desk.live.published_notice" : "desk.live.withdrawn_notice"));
        desk.changed("event");
      } catch {
        // shown by desk.call
      }
    });
  });

  return {
    changed(what) {
      if (what === "event") fill();
    },
    /** "New event" pressed: said under the form (a status line, heard), which stays until the
     * form is saved, and the focus in its first field (the button pressed would keep it). */
    opened() {
      note(t("desk.event.new_open"), "info");
      form.elements.title.focus();
    },
  };
}
