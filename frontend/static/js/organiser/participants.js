// The participants: the list with a search, and the secretariat's spreadsheet in and out. An
// import is previewed first (the server's dry run: every row checked, nothing written), with each
// refused row's problems by row, as the spreadsheet numbers it, and column; it is imported only
// when no row is refused, all rows at once. Exports are the same columns, CSV or XLSX. A row is
// corrected in place (a misspelt name, the wrong organisation): PATCH /participants/{id}, which
// the server carries to every segment that shows them; a duplicate is removed after a
// confirmation (DELETE, refused while the day holds them).

import { ApiError, api } from "../client.js";
import { h, setText } from "../dom.js";
import {
  CONSTITUENCIES,
  FLOOR_LANGUAGES,
  GENDERS,
  constituencyLabel,
  currentLanguage,
  floorLanguageName,
  plural,
  t,
} from "../i18n.js";
import { refusalText } from "../refusal.js";
import { confirmAction, copyField, isolate, sentence, svgImage } from "./util.js";

const $ = (id) => document.getElementById(id);
const SHOWN = 200; // rows drawn at once; the search finds the rest

/** A field's values in the page's language, for "one of …" (the import's unknown_value). */
function knownValues(field) {
  const lists = {
    constituency: () => CONSTITUENCIES.map(constituencyLabel),
    language: () => FLOOR_LANGUAGES.map(floorLanguageName),
    attendance: () => [t("who.in_room"), t("who.remote")],
    gender: () => GENDERS.map((gender) => t(`join.gender_${gender}`)),
  };
  return (lists[field] || (() => []))().join(", ");
}

/**
 * An import problem as a clause in the page's language: the server's words on an English page
 * (or for a problem without a code), else the desk's sentence for its code, with its details
 * (a value, a row, a title) isolated so they keep their own direction.
 */
function problemText(problem) {
  const key = `desk.import_problem.${problem.code}`;
  if (!problem.code || currentLanguage() === "en") return sentence(problem.message);
  const params = Object.fromEntries(Object.entries(problem.params || {}).map(([name, value]) => [name, isolate(String(value))]));
  const field = problem.code === "constituency_needed" ? "constituency" : problem.params && problem.params.field;
  const text = t(key, { ...params, known: knownValues(field) });
  return text === key ? sentence(problem.message) : sentence(text);
}

/** A row's verdict in the import's preview: new, already registered, a repeat or refused. */
function rowStatus(code) {
  const words = {
    new: t("desk.import_status.new"),
    registered: t("desk.import_status.registered"),
    repeat: t("desk.import_status.repeat"),
    refused: t("desk.import_status.refused"),
  };
  return words[code] || code;
}

export function createParticipants(desk) {
  let chosen = null; // the file being previewed
  let report = null;
  let correcting = null; // the id of the participant whose correction form is open
  let openRow = null; // its form's row, kept across redraws so nothing typed is lost
  let linked = null; // {id, row}: the phone link just made for a participant, shown under their row

  const path = () => `/events/${encodeURIComponent(desk.event.id)}/participants`;

  async function load() {
    if (!desk.event) return;
    desk.participants = await api("GET", path());
    desk.changed("participants");
  }

  function render() {
    const event = desk.event;
    if (!event) return;
    $("export-csv").href = `/api/v1${path()}?format=csv`;
    $("export-xlsx").href = `/api/v1${path()}?format=xlsx`;
    const query = $("participants-search").value.trim().toLocaleLowerCase();
    const people = desk.participants;
    const matching = query
      ? people.filter((p) =>
          [p.name, p.title, p.organisation, constituencyLabel(p.constituency), p.region]
            .join(" ")
            .toLocaleLowerCase()
            .includes(query),
        )
      : people;
    setText(
      $("participants-count"),
      query
        ? t("desk.participants.matching", { shown: matching.length, count: people.length })
        : plural("desk.participants.registered", people.length),
    );
    $("participants-empty").hidden = people.length > 0;
    $("participants-rows").replaceChildren(
      ...matching.slice(0, SHOWN).flatMap((p) => [
        h(
          "tr",
          { dataset: { participantId: p.id } },
          h("td", {}, h("span", { class: "person-name", dir: "auto" }, p.name), p.title ? h("span", { class: "person-title", dir: "auto" }, p.title) : null),
          h("td", {}, h("bdi", {}, p.organisation)),
          h("td", {}, constituencyLabel(p.constituency)),
          h("td", {}, h("bdi", {}, p.region)),
          h("td", {}, floorLanguageName(p.language)),
          h("td", {}, p.attendance === "remote" ? t("who.remote") : t("who.in_room")),
          h(
            "td",
            { class: "actions" },
            h(
              "button",
              {
                type: "button",
                class: "btn btn-quiet correct-open",
                "aria-expanded": String(correcting === p.id),
                "aria-label": t("desk.correct.open_label", { name: isolate(p.name) }),
                onclick: () => toggleCorrection(p.id),
              },
              t("desk.correct.open"),
            ),
            h(
              "button",
              {
                type: "button",
                class: "btn btn-quiet phone-open",
                "aria-label": t("desk.phone.open_label", { name: isolate(p.name) }),
                onclick: () => phoneLink(p),
              },
              t("desk.phone.open"),
            ),
            h(
              "button",
              {
                type: "button",
                class: "btn btn-quiet remove-open",
                "aria-haspopup": "dialog",
                "aria-label": t("desk.remove.open_label", { name: isolate(p.name) }),
                onclick: () => remove(p),
              },
              t("desk.remove.open"),
            ),
          ),
        ),
        ...(correcting === p.id ? [(openRow ||= correctionRow(p))] : []),
        ...(linked && linked.id === p.id ? [linked.row] : []),
      ]),
    );
    const more = $("participants-more");
    more.hidden = matching.length <= SHOWN;
    setText(more, t("desk.participants.more", { shown: SHOWN, count: matching.length }));
  }

  // --- a correction -----------------------------------------------------------------------------

  function toggleCorrection(id) {
    correcting = correcting === id ? null : id;
    openRow = null;
    render();
    const opened = correcting && document.querySelector(`#participants-rows .correct-form [name="name"]`);
    if (opened) opened.focus();
    else document.querySelector(`#participants-rows tr[data-participant-id="${CSS.escape(id)}"] .correct-open`)?.focus();
  }

  function field(label, control) {
    control.id = `correct-${control.name}`;
    return h("div", { class: "correct-field" }, h("label", { for: control.id }, label), control);
  }

  function choice(name, value, options) {
    return h(
      "select",
      { name },
      options.map(([code, label]) => h("option", { value: code, selected: code === value }, label)),
    );
  }

  /** The form under a participant's row: their particulars, as registered, to correct. */
  function correctionRow(p) {
    const text = (name, value, max) => h("input", { type: "text", name, value: value || "", maxlength: max, dir: "auto", autocomplete: "off" });
    const message = h("p", { class: "correct-message", role: "status", dir: "auto" });
    const form = h(
      "form",
      { class: "correct-form", "aria-label": t("desk.correct.heading", { name: isolate(p.name) }), novalidate: true },
      h("p", { class: "hint" }, t("desk.correct.hint")),
      h(
        "div",
        { class: "correct-grid" },
        field(t("desk.field.name"), Object.assign(text("name", p.name, 120), { required: true })),
        field(t("desk.correct.person_title"), text("title", p.title, 120)),
        field(t("desk.participants.organisation"), text("organisation", p.organisation, 160)),
        field(
          t("desk.participants.constituency"),
          choice("constituency", p.constituency, CONSTITUENCIES.map((code) => [code, constituencyLabel(code)])),
        ),
        field(t("desk.participants.region"), text("region", p.region, 80)),
        field(
          t("desk.participants.language"),
          choice("language", p.language, FLOOR_LANGUAGES.map((code) => [code, floorLanguageName(code)])),
        ),
        field(
          t("desk.participants.attendance"),
          choice("attendance", p.attendance, [
            ["in_room", t("who.in_room")],
            ["remote", t("who.remote")],
          ]),
        ),
      ),
      h(
        "div",
        { class: "correct-actions" },
        h("button", { type: "submit", class: "btn btn-primary" }, t("desk.correct.save")),
        h("button", { type: "button", class: "btn btn-quiet", onclick: () => toggleCorrection(p.id) }, t("desk.correct.cancel")),
      ),
      message,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveCorrection(p, form, message);
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") toggleCorrection(p.id);
    });
    return h("tr", { class: "correct-row" }, h("td", { colspan: "7" }, form));
  }

  async function saveCorrection(p, form, message) {
    const values = Object.fromEntries(new FormData(form).entries());
    const changes = {};
    for (const [name, value] of Object.entries(values)) {
      const now = typeof value === "string" ? value.trim() : value;
      if (now !== (p[name] || "")) changes[name] = now;
    }
    if (!Object.keys(changes).length) {
      setText(message, t("desk.correct.unchanged"));
      return;
    }
    if ("name" in changes && !changes.name) {
      setText(message, t("desk.correct.name_required"));
      form.elements.name.focus();
      return;
    }
    const button = form.querySelector('[type="submit"]');
    button.disabled = true;
    setText(message, t("desk.correct.saving"));
    try {
      const answer = await api("PATCH", `/participants/${encodeURIComponent(p.id)}`, changes);
      const name = isolate(answer.participant.name);
      const count = answer.segments_corrected.length;
      desk.notices.show(count ? plural("desk.correct.done_segments", count, { name }) : t("desk.correct.done", { name }));
      correcting = null;
      openRow = null;
      await load();
    } catch (error) {
      setText(message, t("desk.correct.failed", { message: isolate(refusalText(error)) }));
    } finally {
      button.disabled = false;
    }
  }

  // --- a phone link -----------------------------------------------------------------------------

  /** Someone registered (an imported panellist, a delegate whose phone was lost) gets their own
   * way in: a link and QR code that sign their phone in as them, made now and shown once, under
   * their row. The join link would make them a second person (the server refuses it). */
  async function phoneLink(p) {
    let minted;
    try {
      minted = await desk.call("POST", `/participants/${encodeURIComponent(p.id)}/phone-link`);
    } catch {
      return; // shown by desk.call
    }
    const url = location.origin + minted.url;
    const field = h("textarea", { class: "minted-url", rows: "3", readonly: true, dir: "ltr", "aria-label": t("desk.phone.link_label", { name: isolate(p.name) }), spellcheck: "false" });
    field.value = url;
    const copy = h("button", { type: "button", class: "btn btn-small" }, t("desk.door.copy"));
    copy.addEventListener("click", async () => desk.notices.show((await copyField(field)) ? t("desk.phone.copied", { name: isolate(p.name) }) : t("desk.copy_failed")));
    const close = h("button", { type: "button", class: "btn btn-small btn-quiet" }, t("desk.phone.close"));
    const card = h(
      "section",
      { class: "phone-link", "aria-label": t("desk.phone.heading", { name: isolate(p.name) }) },
      h(
        "div",
        { class: "door" },
        svgImage(minted.qr_svg, t("desk.phone.qr_alt", { name: isolate(p.name) })),
        h(
          "div",
          { class: "door-text" },
          h("p", { class: "door-title" }, t("desk.phone.heading", { name: isolate(p.name) })),
          h("p", { class: "hint" }, t("desk.phone.hint", { name: isolate(p.name) })),
          field,
          h("p", { class: "door-actions" }, copy, close),
        ),
      ),
    );
    const row = h("tr", { class: "phone-row" }, h("td", { colspan: "7" }, card));
    close.addEventListener("click", () => {
      linked = null;
      render();
      document.querySelector(`#participants-rows tr[data-participant-id="${CSS.escape(p.id)}"] .phone-open`)?.focus();
    });
    linked = { id: p.id, row };
    render();
    copy.focus();
  }

  // --- a removal --------------------------------------------------------------------------------

  /** A duplicate or mistaken registration taken out, after a confirmation. The server refuses
   * (naming where) while a queue, a request, the floor or the record holds them; desk.call shows
   * why. */
  async function remove(p) {
    const name = isolate(p.name);
    const sure = await confirmAction({
      title: t("desk.remove.title", { name }),
      text: t("desk.remove.text"),
      ok: t("desk.remove.ok"),
    });
    if (!sure) return;
    try {
      await desk.call("DELETE", `/participants/${encodeURIComponent(p.id)}`);
    } catch {
      return; // shown by desk.call
    }
    if (correcting === p.id) {
      correcting = null;
      openRow = null;
    }
    desk.notices.show(t("desk.remove.done", { name }));
    await load();
  }

  // --- the import ------------------------------------------------------------------------------

  async function send(dryRun) {
    const form = new FormData();
    form.append("file", chosen);
    try {
      return { report: await api("POST", `${path()}/import${dryRun ? "?dry_run=1" : ""}`, form) };
    } catch (error) {
      if (error instanceof ApiError && error.body && error.body.report) return { report: error.body.report, refused: error.code };
      return { failed: error };
    }
  }

  async function preview(file) {
    chosen = file;
    report = null;
    $("import-preview").hidden = false;
    setText($("import-file-name"), file.name);
    setText($("import-summary"), "");
    setText($("import-verdict"), t("desk.import.checking"));
    $("import-verdict").dataset.tone = "info";
    $("import-rows").replaceChildren();
    $("import-file-errors").replaceChildren();
    $("import-confirm").hidden = true;
    const answer = await send(true);
    showReport(answer, false);
    $("import-preview").focus();
  }

  function showReport(answer, done) {
    const verdict = $("import-verdict");
    $("import-confirm").hidden = true;
    if (answer.failed) {
      verdict.dataset.tone = "error";
      setText(verdict, refusalText(answer.failed, { stop: true }));
      return;
    }
    report = answer.report;
    const counts = report.counts;
    setText(
      $("import-summary"),
      plural("desk.import.summary", counts.rows, {
        new: counts.new,
        registered: counts.registered,
        refused: counts.refused,
        panellists: counts.panellists ? plural("desk.import.summary_panellists", counts.panellists) : "",
        repeated: counts.repeated ? plural("desk.import.repeated", counts.repeated) : "",
      }),
    );
    const fileErrors = report.errors.filter((e) => !report.rows.some((row) => row.row === e.row && row.errors.length));
    $("import-file-errors").replaceChildren(
      ...fileErrors.map((e) =>
        h("li", {}, e.row ? t("desk.import.row_problem", { row: e.row, message: isolate(problemText(e)) }) : `${problemText(e)}.`),
      ),
    );
    if (answer.refused) {
      verdict.dataset.tone = "error";
      const refused = counts.refused;
      setText(verdict, refused ? plural("desk.import.refused", refused) : t("desk.import.refused_see_below"));
    } else if (done) {
      verdict.dataset.tone = "ok";
      setText(
        verdict,
        plural("desk.import.done", report.imported, {
          queued: report.queued ? plural("desk.import.done_queued", report.queued) : "",
          already: counts.registered ? plural("desk.import.done_already", counts.registered) : "",
          repeated: counts.repeated ? plural("desk.import.repeated", counts.repeated) : "",
        }),
      );
      for (const problem of report.not_queued || []) {
        // the queue's refusal, by its code, as every refusal reads (refusal.<code>)
        desk.notices.show(t("desk.import.row_problem", { row: problem.row, message: isolate(refusalText(problem)) }), "warning");
      }
    } else {
      verdict.dataset.tone = "ok";
      setText(verdict, counts.new ? plural("desk.import.ready", counts.new) : t("desk.import.nothing_new"));
      $("import-confirm").hidden = counts.new === 0;
      setText($("import-confirm"), plural("desk.import.confirm", counts.new));
    }
    // refused rows first, then the rest in the spreadsheet's order
    const rows = [...report.rows].sort((a, b) => (a.status === "refused" ? 0 : 1) - (b.status === "refused" ? 0 : 1) || a.row - b.row);
    $("import-rows").replaceChildren(
      ...rows.slice(0, 500).map((row) =>
        h(
          "tr",
          { dataset: { status: row.status, row: String(row.row) } },
          h("td", { class: "num" }, String(row.row)),
          h("td", {}, h("span", { class: "state-tag", dataset: { state: row.status } }, rowStatus(row.status))),
          h("td", {}, h("bdi", {}, row.name)),
          h("td", {}, row.panel ? h("span", { class: "panel-cell", dir: "auto", title: row.panel }, row.panel) : ""),
          h(
            "td",
            { class: "problems" },
            row.errors.length
              ? h("ul", {}, row.errors.map((e) => h("li", { dir: "auto" }, h("strong", {}, e.column ? `${e.column}: ` : ""), problemText(e))))
              : "",
          ),
        ),
      ),
    );
  }

  async function confirm() {
    const button = $("import-confirm");
    button.disabled = true;
    try {
      const answer = await send(false);
      showReport(answer, !answer.refused && !answer.failed);
      if (!answer.refused && !answer.failed) {
        desk.notices.show(plural("desk.import.imported", answer.report.imported));
        await load();
        await desk.reloadEvent(); // panellists joined their segments' queues
      }
    } finally {
      button.disabled = false;
    }
  }

  function close() {
    $("import-preview").hidden = true;
    chosen = null;
    report = null;
    $("import-choose").focus();
  }

  $("import-choose").addEventListener("click", () => $("import-file").click());
  $("import-again").addEventListener("click", () => $("import-file").click());
  $("import-file").addEventListener("change", (event) => {
    const [file] = event.target.files;
    event.target.value = ""; // the same file again, corrected, is a new choice
    if (file) preview(file);
  });
  $("import-confirm").addEventListener("click", confirm);
  $("import-cancel").addEventListener("click", close);
  $("participants-search").addEventListener("input", render);

  return {
    load,
    changed(what) {
      if (what === "event" || what === "participants") render();
    },
  };
}
