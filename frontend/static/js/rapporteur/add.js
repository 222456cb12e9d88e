// Adding a contribution on someone's behalf: a speaker with no phone says a recommendation or a
// pledge at the microphone, and the rapporteur writes it down for them. The form (in the detail
// column, or on its own on a narrow screen) picks the registered participant — searched by name or
// organisation, namesakes told apart by organisation and constituency — the kind, the language
// (the page's by default), the segment it was made in (the live one by default) and the words;
// those found are a list of choices that wrap (on a phone too): each its name, then its
// constituency and its whole organisation, so namesakes differ at a glance;
// it sends `submit_contribution` with `on_behalf_of` (protocol.md, Outcome commands), and the new
// contribution is then shown, chosen. A speaker of the live segment who is not registered (a
// panellist added by name on the console) is offered too, first, by their turn: the command then
// names the turn (`segment_id`, `entry_id`) instead. The server decides what it takes; the form
// only says why not.

import { api, newId } from "../client.js";
import { fill, h, setText } from "../dom.js";
import { FLOOR_LANGUAGES, constituencyLabel, currentLanguage, t } from "../i18n.js";
import { refusalText } from "../refusal.js";
import { keepFocus } from "./focus.js";
import { blank, refusesField } from "../fields.js";
import { KINDS, MAX_TEXT, backBar, isolate, kindLabel, langOf, languageName } from "./model.js";

const $ = (id) => document.getElementById(id);

/** The words a search looks in: a participant's name and organisation. */
const haystack = (person) => `${person.name}\n${person.organisation}`.toLocaleLowerCase();

/** The choice of a speaker not registered: their turn's (entry) id. */
const turnId = (entry) => `turn:${entry.id}`;

/** People's words inside an option (which holds no markup): each in its own direction. */
const island = (text) => (text ? `\u2068${text}\u2069` : "");

/**
 * A segment's title short enough for a choice on a phone: its head before a colon ("Thematic
 * discussion I"), the whole title when it has none.
 */
const shortTitle = (title) => island((title || "").split(":")[0].trim() || title);

export function createAdd(ctx) {
  const box = $("detail");
  let people = null; // the registered participants, read when the form opens
  let loadError = null;
  let draft = null;
  let sending = false;
  let shownKey = null;

  function fresh() {
    const page = currentLanguage();
    const current = ctx.current();
    const author = current ? current.participant_id || turnId(current) : "";
    return {
      query: "",
      // the one speaking now is the likeliest author
      author,
      kind: KINDS[0],
      language: FLOOR_LANGUAGES.includes(page) ? page : "other",
      segment: ctx.liveSegmentId() || "",
      text: "",
      error: null, // {field, message}
      commandId: null, // the intention's id, kept while it is the same intention
      intention: null,
    };
  }

  async function load() {
    loadError = null;
    try {
      const eventId = ctx.eventId();
      people = await api("GET", `/events/${encodeURIComponent(eventId)}/participants`);
    } catch (error) {
      people = people || [];
      loadError = refusalText(error, { clause: true });
    }
    shownKey = null;
    render();
  }

  function open() {
    if (!draft) {
      draft = fresh();
      draft.picked = choices().find((person) => person.id === draft.author) || null;
    }
    shownKey = null;
    render();
    $("add-heading")?.focus({ preventScroll: true });
    load();
  }

  function close() {
    draft = null;
    ctx.stopAdding();
  }

  /** Who may be chosen: the live segment's speakers not registered (by their turn), then the
   * registered participants. */
  function choices() {
    const guests = ctx.guestTurns().map(({ entry, segment, where }) => ({
      id: turnId(entry),
      name: entry.name,
      organisation: entry.organisation || "",
      constituency: entry.constituency,
      turn: { segment, entry: entry.id, where },
    }));
    return [...guests, ...(people || [])];
  }

  /** The one chosen: among the choices now, else a speaker chosen by their turn who has left
   * the floor since (their turn is on the record: the server still takes it). */
  function chosenOne() {
    const now = choices().find((person) => person.id === draft.author);
    if (now) return now;
    const picked = draft.picked && draft.picked.id === draft.author ? draft.picked : null;
    return picked && picked.turn ? { ...picked, turn: { ...picked.turn, where: null } } : picked;
  }

  function matching() {
    const words = draft.query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const found = choices().filter((person) => words.every((word) => haystack(person).includes(word)));
    // the one chosen stays in the list, whatever the search says
    const chosen = chosenOne();
    if (chosen && !found.some((person) => person.id === chosen.id)) found.unshift(chosen);
    return found;
  }

  function errorFor(field) {
    const said = draft.error && draft.error.field === field ? draft.error.words : "";
    return h("p", { class: "field-error", id: `add-${field}-error`, hidden: !said }, said);
  }

  const invalid = (field) =>
    draft.error && draft.error.field === field
      ? { "aria-invalid": "true", "aria-describedby": `add-${field}-error` }
      : {};

  function authorField() {
    const search = h("input", {
      type: "search",
      id: "add-search",
      autocomplete: "off",
      dir: "auto",
      placeholder: t("rapporteur.add_find_placeholder"),
      "aria-controls": "add-author-options",
    });
    search.value = draft.query;
    const found = people ? matching() : [];
    const choose = (id) => {
      draft.author = id;
      draft.picked = choices().find((person) => person.id === id) || null;
      if (draft.error && draft.error.field === "author") draft.error = null;
      render(true);
    };
    // one choice a person, wrapping: the name, then the constituency and the whole organisation
    const option = (person) => {
      const id = `add-author-${person.id}`;
      const input = h("input", { type: "radio", name: "add-author", id, value: person.id });
      input.checked = person.id === draft.author;
      input.addEventListener("change", () => choose(person.id));
      const constituency = constituencyLabel(person.constituency) || "";
      return h(
        "label",
        { class: "author-option", for: id },
        input,
        h(
          "span",
          { class: "author-who" },
          h("bdi", { class: "author-name" }, person.name),
          constituency || person.organisation
            ? h(
                "span",
                { class: "author-more" },
                constituency ? h("span", { class: "author-constituency" }, constituency) : null,
                constituency && person.organisation ? " · " : null,
                person.organisation ? h("bdi", { class: "author-organisation" }, person.organisation) : null,
              )
            : null,
          person.turn && person.turn.where
            ? h("span", { class: "author-turn" }, t(person.turn.where === "floor" ? "rapporteur.add_on_floor" : "rapporteur.add_waiting"))
            : null,
        ),
      );
    };
    const list = h(
      "fieldset",
      { id: "add-author", class: "author-list", role: "radiogroup", ...invalid("author") },
      h("legend", { class: "label" }, t("rapporteur.add_author")),
      h(
        "div",
        { class: "author-options", id: "add-author-options" },
        people === null && !found.length
          ? h("p", { class: "author-empty" }, t("rapporteur.add_loading"))
          : found.length
            ? found.map(option)
            : h("p", { class: "author-empty" }, choices().length ? t("rapporteur.add_no_match") : t("rapporteur.add_none_registered")),
      ),
    );
    search.addEventListener("input", () => {
      draft.query = search.value;
      render(true);
    });
    search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        // on to the list of those found (the one chosen, else the first, chosen): the arrows go
        // on choosing there
        event.preventDefault();
        const usable = matching();
        if (!usable.length) return;
        const target = usable.some((person) => person.id === draft.author) ? draft.author : usable[0].id;
        if (target !== draft.author) choose(target);
        $(`add-author-${target}`)?.focus();
      } else if (event.key === "Enter") {
        event.preventDefault();
        const usable = matching();
        if (usable.length === 1) choose(usable[0].id);
      }
    });
    const chosen = chosenOne();
    const more = chosen
      ? [chosen.organisation ? h("bdi", {}, chosen.organisation) : null, constituencyLabel(chosen.constituency) || null]
      : [];
    return h(
      "div",
      { class: "field" },
      h("label", { for: "add-search", class: "label" }, t("rapporteur.add_find")),
      search,
      list,
      errorFor("author"),
      loadError ? h("p", { class: "field-error" }, isolate("rapporteur.add_load_failed", { message: loadError })) : null,
      h(
        "p",
        { class: "add-chosen", id: "add-chosen", "aria-live": "polite" },
        chosen
          ? [isolate("rapporteur.add_chosen", { name: chosen.name }), more.filter(Boolean).map((part) => [" · ", part])]
          : t("rapporteur.add_nobody"),
      ),
    );
  }

  function kindField() {
    return h(
      "fieldset",
      { class: "field" },
      h("legend", {}, t("rapporteur.kind_legend")),
      h(
        "div",
        { class: "row" },
        KINDS.map((kind) => {
          const id = `add-kind-${kind}`;
          const input = h("input", { type: "radio", name: "add-kind", id, value: kind });
          input.checked = draft.kind === kind;
          input.addEventListener("change", () => (draft.kind = kind));
          return h("label", { class: "check", for: id }, input, h("span", {}, kindLabel(kind)));
        }),
      ),
    );
  }

  function languageField() {
    const select = h(
      "select",
      { id: "add-language" },
      FLOOR_LANGUAGES.map((code) => h("option", { value: code, lang: langOf(code) || null }, languageName(code))),
    );
    select.value = draft.language;
    select.addEventListener("change", () => {
      draft.language = select.value;
      const text = $("add-text");
      if (text) text.lang = langOf(select.value);
    });
    return h("div", { class: "field" }, h("label", { for: "add-language", class: "label" }, t("rapporteur.fact_language")), select);
  }

  function segmentField() {
    const live = ctx.liveSegmentId();
    const select = h(
      "select",
      { id: "add-segment" },
      h("option", { value: "" }, t("rapporteur.add_segment_none")),
      ctx.programme().map((segment) =>
        h(
          "option",
          { value: segment.id, title: segment.title },
          segment.id === live ? t("rapporteur.add_segment_live", { title: shortTitle(segment.title) }) : shortTitle(segment.title),
        ),
      ),
    );
    select.value = ctx.programme().some((segment) => segment.id === draft.segment) ? draft.segment : "";
    select.addEventListener("change", () => (draft.segment = select.value));
    return h("div", { class: "field" }, h("label", { for: "add-segment", class: "label" }, t("rapporteur.add_segment")), select);
  }

  function textField() {
    const text = h("textarea", {
      id: "add-text",
      rows: "6",
      maxlength: String(MAX_TEXT),
      dir: "auto",
      lang: langOf(draft.language),
      ...invalid("text"),
    });
    text.value = draft.text;
    const counter = h("span", { class: "counter", id: "add-count", dir: "ltr" }, `${draft.text.length} / ${MAX_TEXT}`);
    text.addEventListener("input", () => {
      draft.text = text.value;
      setText(counter, `${text.value.length} / ${MAX_TEXT}`);
      if (draft.error && draft.error.field === "text" && !blank(text.value)) {
        draft.error = null;
        text.removeAttribute("aria-invalid");
        $("add-text-error").hidden = true;
      }
    });
    return h(
      "div",
      { class: "field" },
      h("label", { for: "add-text", class: "label" }, t("rapporteur.add_text")),
      text,
      errorFor("text"),
      h("div", { class: "row" }, counter),
    );
  }

  /** The command this form sends now; the same intention keeps its command id (a retry). */
  function command() {
    const body = {
      type: "submit_contribution",
      kind: draft.kind,
      text: draft.text.trim(),
      language: draft.language,
    };
    const chosen = chosenOne();
    if (chosen && chosen.turn) {
      // a speaker not registered: named by their turn, in its own segment
      return { ...body, segment_id: chosen.turn.segment, entry_id: chosen.turn.entry };
    }
    body.on_behalf_of = draft.author;
    if (draft.segment) body.segment_id = draft.segment;
    const current = ctx.current();
    // said during their own turn, now: the turn it was made in
    if (current && current.participant_id === draft.author && draft.segment && draft.segment === ctx.currentSegmentId()) {
      body.entry_id = current.id;
    }
    return body;
  }

  async function submit(event) {
    event.preventDefault();
    if (sending) return;
    if (!draft.author || !chosenOne()) {
      draft.error = { field: "author", words: t("rapporteur.add_choose_author") };
      render(true);
      $("add-search")?.focus();
      return;
    }
    if (blank(draft.text)) {
      draft.error = { field: "text", words: t("rapporteur.add_text_required") };
      render(true);
      $("add-text")?.focus();
      return;
    }
    draft.error = null;
    const body = command();
    const intention = JSON.stringify(body);
    if (draft.intention !== intention) {
      draft.intention = intention;
      draft.commandId = newId();
    }
    const person = chosenOne();
    const name = person ? person.name : "";
    sending = true;
    render(true);
    const sent = draft;
    const ack = await ctx.run(
      body,
      (answer) => t("rapporteur.added_notice", { number: ctx.numbers().get(answer.contribution_id) ?? "", name: `\u2068${name}\u2069` }),
      {
        commandId: sent.commandId,
        onRefusal: (error) => {
          if (!refusesField(error, "text")) return false;
          sent.error = { field: "text", words: t("rapporteur.text_invalid", { field: t("rapporteur.add_text"), max: MAX_TEXT }) };
          return true;
        },
      },
    );
    sending = false;
    if (ack && ack.contribution_id) {
      draft = null;
      ctx.select(ack.contribution_id);
      return;
    }
    if (draft === sent) {
      render(true);
      if (sent.error) $(`add-${sent.error.field === "author" ? "search" : sent.error.field}`)?.focus();
    }
  }

  function render(force = false) {
    if (!draft) return;
    const key = JSON.stringify([
      people && people.length,
      ctx.guestTurns().map(({ entry, where }) => [entry.id, where]),
      loadError,
      ctx.programme().map((s) => [s.id, s.title]),
      ctx.liveSegmentId(),
    ]);
    if (!force && key === shownKey && box.querySelector("#add-form")) return;
    shownKey = key;
    const submitButton = h(
      "button",
      { type: "submit", id: "add-submit", class: "btn btn-primary", disabled: sending },
      t("rapporteur.add_submit"),
    );
    const cancel = h("button", { type: "button", id: "add-cancel", class: "btn btn-quiet" }, t("rapporteur.cancel"));
    cancel.addEventListener("click", close);
    const form = h(
      "form",
      { id: "add-form", class: "add-form", "aria-labelledby": "add-heading", novalidate: true },
      authorField(),
      kindField(),
      h("div", { class: "add-pair" }, languageField(), segmentField()),
      textField(),
      h("div", { class: "row" }, submitButton, cancel),
    );
    form.addEventListener("submit", submit);
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    keepFocus(() =>
      fill(
        box,
        backBar(ctx),
        h("div", { class: "detail-head" }, h("h2", { id: "add-heading", tabindex: "-1" }, t("rapporteur.add_heading"))),
        h("p", { class: "hint" }, t("rapporteur.add_intro")),
        form,
      ),
    );
  }

  return { open, render };
}
