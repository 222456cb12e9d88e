// The event: its details (a new one with the organiser key, or changes to this one), how
// delegates join (the join code, its link and QR code, rotated after a confirmation), and its
// public live page (its link and QR code, published or withdrawn: withdrawing asks first).

import { setText } from "../dom.js";
import { currentLanguage, t } from "../i18n.js";
import { confirmAction, copyField, isolate } from "./util.js";

const $ = (id) => document.getElementById(id);

/** The browser's zones (and UTC), for the time zone field's suggestions. */
function zones() {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...known.filter((zone) => zone !== "UTC")];
}

export function createEventSection(desk) {
  const form = $("event-form");
  $("timezones").replaceChildren(...zones().map((zone) => new Option(zone)));

  function fill() {
    const event = desk.event;
    const fields = form.elements;
    fields.title.value = event ? event.title : "";
    fields.venue.value = event ? event.venue : "";
    fields.room.value = event ? event.room : "";
    fields.date.value = event ? event.date : "";
    fields.timezone.value = event ? event.timezone : Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
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
  }

  /** The day's record and the outcome summary, downloaded with this browser's session. */
  function renderRecord(event) {
    const events = `/api/v1/events/${encodeURIComponent(event.id)}`;
    $("record-csv").href = `${events}/speeches?format=csv`;
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
    const movable =
      Boolean(event) && event.segments.some((s) => s.status === "scheduled" && (s.scheduled_start_at || s.scheduled_end_at));
    $("event-move-row").hidden = !(differs && movable);
  }

  function body() {
    const fields = form.elements;
    const languages = [...form.querySelectorAll('input[name="languages"]:checked')].map((box) => box.value);
    const out = {
      title: fields.title.value,
      venue: fields.venue.value,
      room: fields.room.value,
      timezone: fields.timezone.value.trim(),
      languages,
    };
    if (fields.date.value) out.date = fields.date.value;
    if (!$("event-move-row").hidden && $("event-move-programme").checked) out.move_programme = true;
    return out;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = body();
    if (!data.languages.length) {
      desk.notices.show(t("desk.event.no_language"), "warning");
      return;
    }
    const submit = $("event-form-submit");
    submit.disabled = true;
    try {
      if (desk.event) {
        desk.event = await desk.call("PATCH", `/events/${encodeURIComponent(desk.event.id)}`, data);
        desk.notices.show(t(data.move_programme ? "desk.event.saved_moved" : "desk.event.saved"));
        desk.changed("event");
      } else {
        const made = await desk.call("POST", "/events", data);
        desk.events.push(made);
        await desk.selectEvent(made.id, "programme");
        desk.notices.show(t("desk.event.made"));
      }
    } catch {
      // shown by desk.call
    } finally {
      submit.disabled = false;
    }
  });

  form.elements.date.addEventListener("input", offerMove);
  form.elements.timezone.addEventListener("input", offerMove);

  $("event-form-cancel").addEventListener("click", () => desk.selectEvent(desk.events[0] ? desk.events[0].id : null));

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
    const publish = !desk.event.live_published;
    if (!publish) {
      const sure = await confirmAction({
        title: t("desk.live.withdraw_title"),
        text: t("desk.live.withdraw_text"),
        ok: t("desk.live.withdraw_ok"),
      });
      if (!sure) return;
    }
    const toggle = $("live-toggle");
    toggle.disabled = true;
    try {
      desk.event = await desk.call("PATCH", `/events/${encodeURIComponent(desk.event.id)}`, { live_published: publish });
      desk.notices.show(t(publish ? "desk.live.published_notice" : "desk.live.withdrawn_notice"));
      desk.changed("event");
    } catch {
      // shown by desk.call
    } finally {
      toggle.disabled = false;
    }
  });

  return {
    changed(what) {
      if (what === "event") fill();
    },
  };
}
