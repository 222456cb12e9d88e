// The participants: the list with a search, and the secretariat's spreadsheet in and out. An
// import is previewed first (the server's dry run: every row checked, nothing written), with each
// refused row's problems by row, as the spreadsheet numbers it, and column; it is imported only
// when no row is refused, all rows at once; someone registered already whom the file gives other
// particulars (a row's `differences`) is corrected only if asked (update_registered). The preview
// names the columns read and the ones left alone. Exports are the same columns, CSV or XLSX. A row is
// corrected in place (a misspelt name, the wrong organisation): PATCH /participants/{id}, which
// the server carries to every segment that shows them; a duplicate is removed after a
// confirmation (DELETE, refused while the day holds them). Two organisers at once: a correction
// sends what it changes with the values the form opened with (`expected`), so one another
// organiser saved meanwhile is refused (`changed_since`) and said in the form; the list read again
// meanwhile (sync.js) fills the form's untouched fields and says what changed under it; someone
// removed meanwhile is said by name and the list read again.
// In a narrow panel (a window at 200 %) the preview's rows are cards, a refused row's problems
// first under its name: never in a column scrolled out of sight.

import { ApiError, api } from "../client.js";
import { h, setText, timeOfDay } from "../dom.js";
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
import {
  changedSince,
  changesText,
  canFocus,
  confirmAction,
  copyField,
  figure,
  focusOn,
  gone,
  intlLocale,
  isolate,
  joinList,
  keepFocus,
  sentence,
  svgImage,
  waiting,
  waitingOn,
  withLabels,
  whereOf,
} from "./util.js";

const $ = (id) => document.getElementById(id);
const SHOWN = 200; // rows drawn at once; the search finds the rest
const PREVIEWED = 500; // rows of an import's preview drawn at once, the refused ones first
const ASSUMED_ROWS_LISTED = 12; // row numbers named in a note of empty cells; more are "…"
/** The particulars the correction form changes, by their names in the request's body. */
const FIELDS = ["name", "title", "organisation", "constituency", "region", "language", "attendance"];

/** A particular as the desk shows it (a constituency, a language, attendance in words). */
function particular(person, field) {
  const value = person[field];
  if (field === "constituency") return constituencyLabel(value);
  if (field === "language") return floorLanguageName(value);
  if (field === "attendance") return value === "remote" ? t("who.remote") : t("who.in_room");
  return value || "";
}

/**
 * Text as the search compares it: without case, accents or vowel marks (José as Jose, and the
 * marks of Arabic), full-width letters as plain ones, and every apostrophe as ' (O’Brien as
 * O'Brien, as a spreadsheet's autocorrect writes it). Both the query and the names are folded.
 */
function searchKey(text) {
  return String(text || "")
    .replace(/[\u2018\u2019\u02BC\u02B9\u0060\u00B4\u2032]/g, "'")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLocaleLowerCase()
    .replace(/\s+/g, " ");
}

/** A field's values in the page's language, for "one of …" (the import's unknown_value). */
function knownValues(field) {
  const lists = {
    constituency: () => CONSTITUENCIES.map(constituencyLabel),
    language: () => FLOOR_LANGUAGES.map(floorLanguageName),
    attendance: () => [t("who.in_room"), t("who.remote")],
    gender: () => GENDERS.map((gender) => t(`join.gender_${gender}`)),
  };
  return joinList((lists[field] || (() => []))());
}

/**
 * An import problem as a clause in the page's language: the server's words on an English page
 * (or for a problem without a code), else the desk's sentence for its code, with its details
 * (a value, a row, a title) isolated so they keep their own direction.
 */
function problemText(problem) {
  // no header on a workbook's sheet: its name, and how many other sheets were looked at
  const sheet = problem.code === "no_header" && problem.params && problem.params.sheet;
  const suffix = sheet ? (problem.params.others ? "_sheets" : "_sheet") : "";
  const key = `desk.import_problem.${problem.code}${suffix}`;
  if (!problem.code || currentLanguage() === "en") return sentence(problem.message);
  const params = Object.fromEntries(Object.entries(problem.params || {}).map(([name, value]) => [name, isolate(String(value))]));
  // segments' numbers come as one text ("2, 3"): listed as the page's language lists them
  if (problem.params && typeof problem.params.numbers === "string") params.numbers = joinList(problem.params.numbers.split(/,\s*/));
  const field = problem.code === "constituency_needed" ? "constituency" : problem.params && problem.params.field;
  const text = t(key, { ...params, known: knownValues(field) });
  return text === key ? sentence(problem.message) : sentence(text);
}

/** The columns the import read, each as "its header → the field" when the two differ ("Organization
 * → Organisation"; the field in the page's language), and the ones it left alone, as the server's
 * dry run names them. */
function columnsRead(columns) {
  return Object.entries(columns || {}).map(([field, header]) => {
    const key = `desk.import_field.${field}`;
    const label = t(key);
    if (label === key || searchKey(label) === searchKey(header)) return isolate(header);
    return t("desk.import.column_as", { header: isolate(header), field: label });
  });
}

/** A coded particular (constituency, floor language, attendance, gender) in the page's language;
 * null for a field of free text or no code. */
function valueLabel(field, code) {
  if (code === undefined || code === null) return null;
  if (code === "") return t("desk.import.empty_value");
  const labels = {
    constituency: () => constituencyLabel(code),
    language: () => floorLanguageName(code),
    attendance: () => (code === "remote" ? t("who.remote") : t("who.in_room")),
    gender: () => t(`join.gender_${code}`),
  };
  return labels[field] ? labels[field]() : null;
}

/** What the file gives otherwise than the registry, for someone registered already: "Attendance:
 * In the room → Remote", the column and coded values in the page's language (the server's words
 * where the desk has none). */
function differences(list) {
  const changes = list.map((d) => {
    const key = `desk.import_field.${d.field}`;
    const column = t(key) === key ? d.column : t(key);
    const shown = (text) => (text === "" ? t("desk.import.empty_value") : text);
    const registered = valueLabel(d.field, d.registered_value) ?? shown(d.registered);
    const file = valueLabel(d.field, d.value) ?? shown(d.file);
    return t("desk.import.difference", { column, registered: isolate(registered), file: isolate(file) });
  });
  return t("desk.import.differs", { changes: joinList(changes) });
}

/** A file's size in megabytes as the page's language writes them ("12.3 MB"). */
const megabytes = (bytes) =>
  new Intl.NumberFormat(intlLocale(), { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }).format(bytes / 1e6);

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
  // its form, its line, and the particulars it changes them from (as it opened, or since agreed)
  let draft = null;
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
    const query = searchKey($("participants-search").value.trim());
    const people = desk.participants;
    const matching = query
      ? people.filter((p) => searchKey([p.name, p.title, p.organisation, constituencyLabel(p.constituency), p.region].join(" ")).includes(query))
      : people;
    setText(
      $("participants-count"),
      query
        ? t("desk.participants.matching", { shown: matching.length, count: people.length })
        : plural("desk.participants.registered", people.length),
    );
    $("participants-empty").hidden = people.length > 0;
    const rows = $("participants-rows");
    keepFocus(rows, () => rows.replaceChildren(
      ...matching.slice(0, SHOWN).flatMap((p) => [
        h(
          "tr",
          { dataset: { participantId: p.id } },
          h("td", {}, h("span", { class: "person-name", dir: "auto" }, p.name), p.title ? h("span", { class: "person-title", dir: "auto" }, p.title) : null),
          // each cell names its column (data-label): a narrow list shows each person as a card
          h("td", { class: "person-org", dataset: { label: t("desk.participants.organisation") } }, h("bdi", {}, p.organisation)),
          h("td", { dataset: { label: t("desk.participants.constituency") } }, constituencyLabel(p.constituency)),
          h("td", { dataset: { label: t("desk.participants.region") } }, h("bdi", {}, p.region)),
          h("td", { dataset: { label: t("desk.participants.language") } }, floorLanguageName(p.language)),
          h("td", { dataset: { label: t("desk.participants.attendance") } }, p.attendance === "remote" ? t("who.remote") : t("who.in_room")),
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
                "aria-haspopup": p.has_phone === false ? null : "dialog",
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
    ), { fallback: $("participants-heading") });
    const more = $("participants-more");
    more.hidden = matching.length <= SHOWN;
    setText(more, t("desk.participants.more", { shown: SHOWN, count: matching.length }));
  }

  // --- a correction -----------------------------------------------------------------------------

  function toggleCorrection(id) {
    correcting = correcting === id ? null : id;
    openRow = null;
    draft = null;
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
    draft = { id: p.id, base: { ...p }, form, message };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveCorrection(p, form, message);
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") toggleCorrection(p.id);
    });
    return h("tr", { class: "correct-row" }, h("td", { colspan: "7" }, form));
  }

  /** A field of the open correction as typed (trimmed). */
  const typed = (form, field) => form.elements[field].value.trim();

  /**
   * The list read again while a correction is open. The person removed: said, the form closed.
   * Changed by someone else: a field nobody touched takes its new value; one typed in keeps what
   * was typed, and the form says what the other organiser saved (a save is then refused until
   * asked again).
   */
  function reconcile() {
    if (!draft) return;
    const now = desk.participants.find((person) => person.id === draft.id);
    const { base, form, message } = draft;
    if (!now) {
      desk.notices.show(t("desk.gone.person", { name: isolate(base.name) }), "warning");
      correcting = null;
      openRow = null;
      draft = null;
      return;
    }
    const filled = [];
    const kept = [];
    for (const field of FIELDS) {
      const was = base[field] || "";
      const is = now[field] || "";
      if (is === was) continue;
      if (typed(form, field) === was) {
        form.elements[field].value = is;
        base[field] = now[field];
        filled.push(field);
      } else if (typed(form, field) === is) {
        base[field] = now[field]; // both wrote the same
      } else {
        kept.push(field);
      }
    }
    if (!filled.length && !kept.length) return;
    const changes = changesText([...filled, ...kept], (field) => particular(now, field));
    const name = isolate(now.name);
    setText(message, [t("desk.conflict.person", { name, changes }), kept.length ? t("desk.conflict.kept") : ""].filter(Boolean).join(" "));
    message.dataset.tone = "warning";
  }

  async function saveCorrection(p, form, message) {
    const base = draft && draft.id === p.id ? draft.base : p;
    const changes = {};
    const expected = {};
    for (const field of FIELDS) {
      const now = typed(form, field);
      if (now === (base[field] || "")) continue;
      changes[field] = now;
      expected[field] = base[field] ?? null; // what the form opened with: changed since, refused
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
    if (waiting(button)) return; // a second press while the first is sent: nothing
    delete message.dataset.tone;
    setText(message, t("desk.correct.saving"));
    // the button waits with aria-disabled, keeping the focus; saved, the form closes and the
    // focus goes back to the person's Correct (util.keepFocus)
    await waitingOn(button, async () => {
      try {
        const answer = await api("PATCH", `/participants/${encodeURIComponent(p.id)}`, { ...changes, expected });
        const name = isolate(answer.participant.name);
        const count = answer.segments_corrected.length;
        desk.notices.show(count ? plural("desk.correct.done_segments", count, { name }) : t("desk.correct.done", { name }));
        correcting = null;
        openRow = null;
        draft = null;
        await load();
      } catch (error) {
        const fields = changedSince(error);
        if (gone(error)) {
          // removed by someone else meanwhile: said by their name, the list read again
          desk.notices.show(t("desk.gone.person", { name: isolate(base.name) }), "warning");
          correcting = null;
          openRow = null;
          draft = null;
          await load();
          document.querySelector("#participants-search")?.focus();
        } else if (fields) {
          // saved by someone else meanwhile: the list read again, what was typed kept, said
          await load();
          const now = desk.participants.find((person) => person.id === p.id);
          if (now) {
            const named = fields.filter((field) => FIELDS.includes(field));
            for (const field of named) base[field] = now[field];
            setText(message, t("desk.conflict.not_saved", { changes: changesText(named, (field) => particular(now, field)) }));
            message.dataset.tone = "error";
          }
        } else {
          message.dataset.tone = "error";
          setText(message, t("desk.correct.failed", { message: isolate(refusalText(withLabels(error))) }));
        }
      }
    });
  }

  // --- a phone link -----------------------------------------------------------------------------

  /** Someone registered (an imported panellist, a delegate whose phone was lost) gets their own
   * way in: a link and QR code that sign their phone in as them, made now and shown once, under
   * their row. The join link would make them a second person (the server refuses it). */
  let phoning = false; // a phone link being made: a second tap makes no second one
  async function phoneLink(p) {
    if (phoning) return;
    phoning = true;
    let minted;
    try {
      // a new link signs out the phone they have, if any: asked first, as a removal is. When the
      // list said they have none, the server is asked to make it only if that still holds
      // (`if_no_phone`: another organiser may have given them one since): refused, we ask
      const name = isolate(p.name);
      const path = `/participants/${encodeURIComponent(p.id)}/phone-link`;
      const ask = () =>
        confirmAction({
          title: t("desk.phone.confirm_title", { name }),
          text: t("desk.phone.confirm_text", { name }),
          ok: t("desk.phone.confirm_ok"),
        });
      if (p.has_phone === false) {
        try {
          minted = await desk.call("POST", path, { if_no_phone: true }, { quiet: true });
        } catch (error) {
          if (!(error instanceof ApiError) || error.code !== "has_phone") {
            desk.notices.show(refusalText(error), "error");
            return;
          }
        }
      }
      if (!minted) {
        if (!(await ask())) return;
        minted = await desk.call("POST", path);
      }
    } catch {
      return; // shown by desk.call
    } finally {
      phoning = false;
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
    let removedElsewhere = false;
    try {
      await desk.call("DELETE", `/participants/${encodeURIComponent(p.id)}`, undefined, { quiet: true });
    } catch (error) {
      if (!gone(error)) {
        desk.notices.show(desk.refusal(error), "error");
        return;
      }
      // removed already, by someone else: said by their name, the list read again at once (so
      // that their other row, a duplicate's, is not taken for theirs)
      removedElsewhere = true;
    }
    if (correcting === p.id) {
      correcting = null;
      openRow = null;
      draft = null;
    }
    desk.notices.show(t(removedElsewhere ? "desk.gone.person" : "desk.remove.done", { name }), removedElsewhere ? "warning" : "info");
    await load();
  }

  // --- the import ------------------------------------------------------------------------------

  /** "The file is 12.3 MB; the desk takes files up to 10 MB…", for a file over the server's limit. */
  function tooLarge(size, limit) {
    return t("desk.import.too_large", { size: isolate(megabytes(size), { ltr: true }), limit: isolate(megabytes(limit), { ltr: true }) });
  }

  async function send(dryRun) {
    // a file over the limit the server states is not sent (the server would refuse it, 413)
    const limit = desk.event.import_limit_bytes;
    if (limit && chosen.size > limit) return { tooLarge: tooLarge(chosen.size, limit) };
    const form = new FormData();
    form.append("file", chosen);
    const query = new URLSearchParams();
    if (dryRun) query.set("dry_run", "1");
    else if ($("import-update").checked) query.set("update_registered", "true");
    try {
      const asked = query.toString();
      return { report: await api("POST", `${path()}/import${asked ? `?${asked}` : ""}`, form) };
    } catch (error) {
      if (error instanceof ApiError && error.body && error.body.report) return { report: error.body.report, refused: error.code };
      if (error instanceof ApiError && error.code === "file_too_large") {
        const detail = (error.body && error.body.detail) || {};
        return { tooLarge: tooLarge(detail.size || chosen.size, detail.limit || limit || chosen.size) };
      }
      return { failed: error };
    }
  }

  async function preview(file) {
    chosen = file;
    report = null;
    $("import-preview").hidden = false;
    // which room it goes to: one hearing in three rooms has three events of one title
    setText($("import-preview-where"), t("desk.import.preview_for", { where: isolate(whereOf(desk.event)) }));
    setText($("import-file-name"), file.name);
    setText($("import-summary"), "");
    setText($("import-verdict"), t("desk.import.checking"));
    $("import-verdict").dataset.tone = "info";
    $("import-rows").replaceChildren();
    $("import-file-errors").replaceChildren();
    $("import-columns").hidden = true;
    $("import-shown").hidden = true;
    $("import-update-row").hidden = true;
    $("import-update").checked = false;
    $("import-confirm").hidden = true;
    const answer = await send(true);
    showReport(answer, false);
    $("import-preview").focus();
  }

  function showReport(answer, done) {
    const verdict = $("import-verdict");
    $("import-confirm").hidden = true;
    $("import-update-row").hidden = true;
    if (answer.tooLarge) {
      verdict.dataset.tone = "error";
      setText(verdict, answer.tooLarge);
      return;
    }
    if (answer.failed) {
      verdict.dataset.tone = "error";
      setText(verdict, refusalText(answer.failed, { stop: true }));
      return;
    }
    report = answer.report;
    const counts = report.counts;
    // what was read, and what was not: a column left alone ("Country") is seen before importing
    const read = columnsRead(report.columns);
    const ignored = (report.ignored_columns || []).map((header) => isolate(header));
    $("import-columns").hidden = !read.length && !ignored.length;
    setText($("import-columns-read"), read.length ? t("desk.import.columns_read", { columns: joinList(read) }) : "");
    $("import-columns-ignored").hidden = !ignored.length;
    setText($("import-columns-ignored"), ignored.length ? t("desk.import.columns_ignored", { columns: joinList(ignored) }) : "");
    // what the server will register where a new row leaves a cell empty: said before, not found
    // later in the export as if the file had said it
    const assumed = report.assumed || [];
    $("import-assumed").hidden = !assumed.length;
    $("import-assumed").replaceChildren(
      ...assumed.map(({ field, value, rows }) => {
        const listed = rows.slice(0, ASSUMED_ROWS_LISTED).map(figure);
        const more = rows.length > ASSUMED_ROWS_LISTED ? "…" : "";
        const words = field === "language" ? floorLanguageName(value) : t(`who.${value}`);
        const said = { rows: joinList(listed) + more, value: words };
        const line = field === "language" ? plural("desk.import.assumed.language", rows.length, said) : plural("desk.import.assumed.attendance", rows.length, said);
        return h("li", { dataset: { field } }, line);
      }),
    );
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
      const updated = report.updated || 0;
      const left = counts.registered - updated; // registered already and left as they were
      setText(
        verdict,
        !report.imported && updated
          ? plural("desk.import.updated_only", updated)
          : plural("desk.import.done", report.imported, {
              queued: report.queued ? plural("desk.import.done_queued", report.queued) : "",
              already:
                (left ? plural("desk.import.done_already", left) : "") + (updated ? plural("desk.import.done_updated", updated) : ""),
              repeated: counts.repeated ? plural("desk.import.repeated", counts.repeated) : "",
            }),
      );
      for (const problem of report.not_queued || []) {
        // the queue's refusal, by its code, as every refusal reads (refusal.<code>)
        desk.notices.show(t("desk.import.row_problem", { row: problem.row, message: isolate(refusalText(problem)) }), "warning");
      }
    } else {
      verdict.dataset.tone = "ok";
      const differing = counts.differing || 0;
      let words = t("desk.import.nothing_new");
      if (counts.new) words = plural("desk.import.ready", counts.new);
      else if (differing) words = t("desk.import.nothing_new_differs", { count: differing });
      setText(verdict, words);
      // people registered already whom the file gives otherwise: updated only if ticked
      $("import-update-row").hidden = !differing;
      setText($("import-update-label"), plural("desk.import.update_registered", differing));
      confirmLabel();
    }
    // refused rows first, then the rest in the spreadsheet's order
    const rows = [...report.rows].sort((a, b) => (a.status === "refused" ? 0 : 1) - (b.status === "refused" ? 0 : 1) || a.row - b.row);
    // each row's organisation and constituency, when the server's answer has them
    const details = rows.some((row) => "organisation" in row || "constituency" in row);
    $("import-col-organisation").hidden = !details;
    $("import-col-constituency").hidden = !details;
    const shown = $("import-shown");
    shown.hidden = rows.length <= PREVIEWED;
    setText(shown, t("desk.import.shown", { shown: figure(PREVIEWED), count: figure(rows.length) }));
    $("import-rows").replaceChildren(
      ...rows.slice(0, PREVIEWED).map((row) =>
        h(
          "tr",
          { dataset: { status: row.status, row: String(row.row) } },
          h("td", { class: "num", dataset: { label: t("desk.import.row") } }, String(row.row)),
          h(
            "td",
            { class: "import-status" },
            h("span", { class: "state-tag", dataset: { state: row.status } }, rowStatus(row.status)),
            row.differences && row.differences.length ? h("span", { class: "row-differs" }, differences(row.differences)) : null,
            ...(row.elsewhere || []).map((place) => h("span", { class: "row-elsewhere" }, elsewhereText(place))),
          ),
          h("td", { class: "import-name" }, h("bdi", {}, row.name)),
          // each cell names its column (data-label): a narrow preview shows each row as a card
          details ? h("td", { class: "org", dataset: { label: t("desk.participants.organisation") } }, row.organisation ? h("bdi", {}, row.organisation) : null) : null,
          details ? h("td", { dataset: { label: t("desk.participants.constituency") } }, constituencyLabel(row.constituency)) : null,
          h("td", { dataset: { label: t("desk.import.panel") } }, row.panel ? h("span", { class: "panel-cell", dir: "auto" }, row.panel) : null),
          h(
            "td",
            { class: "problems", dataset: { label: t("desk.import.problems") } },
            row.errors.length
              ? h("ul", {}, row.errors.map((e) => h("li", { dir: "auto" }, h("strong", {}, e.column ? `${e.column}: ` : ""), problemText(e))))
              : null,
          ),
        ),
      ),
    );
  }

  /** "Also on a panel at the same time — Room A: Panel, 10:30–12:00" (the server's
   * `elsewhere`: the same person in another room of the day), times in this event's zone. */
  function elsewhereText(place) {
    const zone = desk.event && desk.event.timezone;
    const time = `${timeOfDay(place.starts_at, zone)}–${timeOfDay(place.ends_at, zone)}`;
    return t("desk.import.elsewhere", {
      room: isolate(place.room || place.event_title),
      segment: isolate(place.segment_title),
      time: isolate(time, { ltr: true }),
    });
  }

  /** The preview's button: import the new rows, or (none new) update the ones that differ, when
   * ticked. */
  function confirmLabel() {
    if (!report || report.dry_run === false) return;
    const counts = report.counts;
    const updating = $("import-update").checked ? counts.differing || 0 : 0;
    const button = $("import-confirm");
    button.hidden = !counts.new && !updating;
    setText(button, counts.new ? plural("desk.import.confirm", counts.new) : plural("desk.import.confirm_update", updating));
  }

  async function confirm() {
    const button = $("import-confirm");
    if (waiting(button)) return; // a second press while the first is sent: nothing
    // it waits with aria-disabled, keeping the focus; the answer shown, it is put away (imported,
    // or refused after all) and the verdict, which says what happened, takes the focus
    await waitingOn(button, async () => {
      const answer = await send(false);
      if (answer.report && !answer.refused) {
        // said first: the warnings the report shows next (a row not queued) stay beside it
        const { imported, updated } = answer.report;
        desk.notices.show(!imported && updated ? plural("desk.import.updated_only", updated) : plural("desk.import.imported", imported));
      }
      showReport(answer, Boolean(answer.report) && !answer.refused);
      if (answer.report && !answer.refused) {
        await load();
        await desk.reloadEvent(); // panellists joined their segments' queues
      }
    });
    if (!canFocus(button)) focusOn($("import-verdict"), $("import-preview"));
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
  $("import-update").addEventListener("change", confirmLabel);
  $("import-cancel").addEventListener("click", close);
  $("participants-search").addEventListener("input", render);

  return {
    load,
    changed(what) {
      if (what === "participants") reconcile();
      if (what === "event" || what === "participants") render();
    },
  };
}
