// One contribution, to curate: who made it, where and in what language; its wording as
// submitted and as it stands (edit it); accept, set aside with a note, merge into another; tag
// themes and Global Compact objectives; show it on the room display. Each change is one outcome
// command on the socket (client.js sendOutcome); what the rapporteur is typing is kept as a
// draft per contribution, so an update arriving meanwhile loses none of it. The page's words are
// in its language (../i18n/rapporteur.js); a contribution's own words keep theirs (lang, dir: an
// Arabic one right to left). The merge picker offers what the server says this one may be merged
// into now (GET /contributions/{id}/merge-targets, asked again at each change of the outcome),
// each with its status; the objectives' titles come from the server (../gcm.js).

import { api } from "../client.js";
import { dateAndTime, fill, h, setText } from "../dom.js";
import { blank, refusesField } from "../fields.js";
import { OBJECTIVE_NUMBERS, loadObjectives, objectiveTitle, objectivesLoaded } from "../gcm.js";
import { FLOOR_LANGUAGES, constituencyLabel, plural, t } from "../i18n.js";
import { keepFocus } from "./focus.js";
import {
  MAX_NOTE,
  MAX_TEXT,
  MAX_THEME,
  MAX_THEMES,
  backBar,
  dirOf,
  excerpt,
  isolate,
  kindLabel,
  langOf,
  languageName,
  segmentTitle,
  statusLabel,
  suggestedSegments,
} from "./model.js";

const $ = (id) => document.getElementById(id);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export function createDetail(ctx) {
  const box = $("detail");
  const drafts = new Map(); // contribution id -> {text, note, into, themes, objectives, extra}
  let shownKey = null;

  // what the chosen contribution may be merged into, as the server last said (merge-targets)
  let merging = { id: null, version: null, targets: null, failed: false, asking: null };

  /** Ask the server what contribution `id` may be merged into, the outcome being at `version`. */
  async function askTargets(id, version) {
    merging.asking = version;
    let targets;
    try {
      const answer = await api("GET", `/contributions/${encodeURIComponent(id)}/merge-targets`);
      targets = Array.isArray(answer.targets) ? answer.targets : [];
    } catch {
      targets = null;
    }
    if (merging.id !== id) return; // another one was chosen meanwhile
    if (merging.asking === version) merging.asking = null;
    merging.version = version;
    merging.failed = targets === null;
    if (targets !== null) merging.targets = targets;
    render(true);
  }

  /** The merge targets of `item` as known now; asked again when the outcome has changed since. */
  function targetsOf(item) {
    const outcome = ctx.outcome();
    const version = outcome ? outcome.version : null;
    if (merging.id !== item.id) merging = { id: item.id, version: null, targets: null, failed: false, asking: null };
    if (merging.version !== version && merging.asking !== version) askTargets(item.id, version);
    return merging;
  }

  const draftOf = (id) => {
    if (!drafts.has(id)) drafts.set(id, {});
    return drafts.get(id);
  };

  /** Send one command from a button; the button waits for the answer. */
  async function act(button, command, done, confirmation) {
    button.disabled = true;
    const ack = await ctx.run(command, confirmation);
    if (ack && done) done();
    if (button.isConnected) button.disabled = false;
    render(true);
    // the button is gone from the redrawn detail (Accept, once accepted): the focus goes to the
    // detail's heading, not to the page's start, and Tab leads on to what can be done next
    if (!button.isConnected && (!document.activeElement || document.activeElement === document.body)) {
      document.getElementById("detail-heading")?.focus();
    }
    return ack;
  }

  function fact(term, ...value) {
    return [h("dt", {}, term), h("dd", {}, ...value)];
  }

  function header(item, number, shownId) {
    return h(
      "div",
      { class: "detail-head" },
      h("h2", { id: "detail-heading", tabindex: "-1" }, `#${number} · ${kindLabel(item.kind)}`),
      h("span", { class: `state-pill state-${item.status}` }, statusLabel(item.status)),
      item.id === shownId ? h("span", { class: "on-air" }, t("rapporteur.on_display_heading")) : null,
    );
  }

  /** "Thematic discussion I · GCM objectives 6, 15" (themes as typed), or null when untagged. */
  function tagLine(item) {
    const parts = item.themes.map((theme) => h("bdi", {}, theme));
    const count = item.objectives.length;
    if (count) parts.push(plural("rapporteur.objectives_list", count, { list: item.objectives.join(", ") }));
    return parts.length ? parts.flatMap((part, index) => (index ? [" · ", part] : [part])) : null;
  }

  function facts(item) {
    const event = ctx.event() || {};
    const where = segmentTitle(ctx.programme(), item.segment_id);
    // times in the event's zone, as ISO 8601 writes them whatever the language (the date too: a
    // report is read after the day), the zone named once; a change the same day by its time alone
    const submittedAt = dateAndTime(item.submitted_at, event.timezone);
    const changedAt = item.updated_at !== item.submitted_at ? dateAndTime(item.updated_at, event.timezone) : null;
    const submitted = submittedAt ? `${submittedAt.date} ${submittedAt.time}` : "";
    const changed = !changedAt ? "" : changedAt.date === submittedAt.date ? changedAt.time : `${changedAt.date} ${changedAt.time}`;
    const zone = submittedAt ? [" ", h("bdi", { dir: "ltr", class: "zone" }, `(${event.timezone})`)] : null;
    return h(
      "dl",
      { class: "facts" },
      // each name in its own script's language (a screen reader's voice for it: the server says it)
      fact(t("rapporteur.fact_author"), h("bdi", { lang: (item.author.name && item.author.name_lang) || null }, item.author.name || "—")),
      fact(
        t("rapporteur.fact_organisation"),
        h("bdi", { lang: (item.author.organisation && item.author.organisation_lang) || null }, item.author.organisation || "—"),
      ),
      fact(t("rapporteur.fact_constituency"), constituencyLabel(item.author.constituency) || "—"),
      fact(
        t("rapporteur.fact_language"),
        languageName(item.language),
        item.original_language && item.original_language !== item.language
          ? ` · ${t("rapporteur.translated_from", { language: languageName(item.original_language) })}`
          : "",
      ),
      fact(t("rapporteur.fact_made_in"), where ? h("bdi", {}, where) : "—", item.entry_id ? ` · ${t("rapporteur.during_turn")}` : ""),
      fact(
        t("rapporteur.fact_submitted"),
        h("bdi", { dir: "ltr" }, submitted),
        changed ? [" · ", t("rapporteur.last_changed"), " ", h("bdi", { dir: "ltr" }, changed)] : null,
        zone,
      ),
      fact(t("rapporteur.fact_tagged"), tagLine(item) || t("rapporteur.not_tagged")),
    );
  }

  function wording(item) {
    const draft = draftOf(item.id);
    const edited = item.text !== item.original_text;
    const parts = [
      h("blockquote", { class: "current-text", dir: dirOf(item.language), lang: langOf(item.language) }, item.text),
      edited
        ? h(
            "div",
            { class: "original" },
            h("p", { class: "original-label" }, t("rapporteur.as_submitted")),
            h(
              "blockquote",
              {
                class: "original-text",
                dir: dirOf(item.original_language || item.language),
                lang: langOf(item.original_language || item.language),
              },
              item.original_text,
            ),
          )
        : null,
    ];
    if (draft.text === undefined && item.status === "merged") {
      // merged: its point is the kept one's now; that one's wording is changed, not this one's
    } else if (draft.text === undefined) {
      const open = h("button", { type: "button", id: "edit-open", class: "btn btn-small" }, t("rapporteur.edit_open"));
      open.addEventListener("click", () => {
        draft.text = item.text;
        draft.language = item.language; // a translation's is chosen below
        draft.version = item.version; // the wording the new one is written against
        draft.base = item.text;
        delete draft.conflict;
        delete draft.error;
        render(true);
        $("edit-text")?.focus();
      });
      parts.push(
        h("div", { class: "row" }, open, h("span", { class: "hint" }, t("rapporteur.edit_hint"))),
      );
    } else {
      const language = draft.language || item.language;
      const text = h("textarea", {
        id: "edit-text",
        rows: "6",
        maxlength: String(MAX_TEXT),
        dir: dirOf(language),
        lang: langOf(language),
      });
      text.value = draft.text;
      // the wording's language: another than the contribution's makes it a translation (the
      // submitted one's stays as original_language, and the summary says "[Original: ...]")
      const languages = h(
        "select",
        { id: "edit-language", "aria-describedby": "edit-language-hint" },
        FLOOR_LANGUAGES.map((code) => h("option", { value: code, lang: langOf(code) || null }, languageName(code))),
      );
      languages.value = language;
      const counter = h("span", { class: "counter", id: "edit-count", dir: "ltr" }, "");
      const conflict = draft.conflict;
      const save = h(
        "button",
        { type: "button", id: conflict ? "save-over" : "save-text", class: "btn btn-primary btn-small" },
        conflict ? t("rapporteur.conflict_save_mine") : t("rapporteur.edit_save"),
      );
      const cancel = h("button", { type: "button", id: "cancel-text", class: "btn btn-quiet btn-small" }, t("rapporteur.cancel"));
      const error = h("p", { class: "field-error", id: "edit-error", hidden: !draft.error }, draft.error || "");
      if (draft.error) {
        text.setAttribute("aria-invalid", "true");
        text.setAttribute("aria-describedby", "edit-error");
      }
      // merged by someone else while this was typed: nothing is saved here, the text stays to be
      // copied into the one kept
      const merged = item.status === "merged";
      const sync = () => {
        const wanted = text.value.trim();
        // over a change made meanwhile, even the same words are a deliberate choice
        const same = wanted === item.text && languages.value === item.language;
        save.disabled = merged || blank(wanted) || (!conflict && same);
        setText(counter, `${text.value.length} / ${MAX_TEXT}`); // digits and a slash: the same in every language
      };
      languages.addEventListener("change", () => {
        draft.language = languages.value;
        text.dir = dirOf(languages.value);
        if (langOf(languages.value)) text.lang = langOf(languages.value);
        else text.removeAttribute("lang");
        sync();
      });
      text.addEventListener("input", () => {
        draft.text = text.value;
        if (draft.error) {
          // said of the text sent; a new text is judged when it is sent
          delete draft.error;
          error.hidden = true;
          text.removeAttribute("aria-invalid");
        }
        sync();
      });
      const done = () => {
        delete draft.text;
        delete draft.language;
        delete draft.version;
        delete draft.base;
        delete draft.conflict;
        delete draft.error;
      };
      let retry = false; // refused only because something other than the wording changed
      /** The server refused it: changed meanwhile (edited_since), or the text itself. */
      const refused = (answer) => {
        if (answer.code === "edited_since") {
          const now = (ctx.outcome()?.contributions || []).find((c) => c.id === item.id) || item;
          const changed = {
            text: typeof answer.text === "string" ? answer.text : now.text,
            version: Number.isInteger(answer.version) ? answer.version : now.version,
          };
          if (!draft.conflict && changed.text === draft.base) {
            // changed otherwise (accepted, tagged) but worded as it was: nothing to choose
            draft.version = changed.version;
            retry = true;
            return true;
          }
          draft.conflict = changed;
          delete draft.error;
          render(true);
          $("conflict-heading")?.focus();
          return true;
        }
        if (refusesField(answer, "text")) {
          draft.error = t("rapporteur.text_invalid", { field: t("rapporteur.edit_label"), max: MAX_TEXT });
          render(true);
          $("edit-text")?.focus();
          return true;
        }
        return false;
      };
      const send = () => {
        const command = { type: "edit_contribution", contribution_id: item.id, text: text.value.trim() };
        if (languages.value !== item.language) command.language = languages.value;
        // over the change made meanwhile, deliberately: against the version it made
        const version = draft.conflict ? draft.conflict.version : draft.version;
        if (Number.isInteger(version)) command.version = version;
        return ctx.run(command, t("rapporteur.wording_saved"), { onRefusal: refused });
      };
      save.addEventListener("click", async () => {
        save.disabled = true;
        let ack = await send();
        if (!ack && retry) {
          retry = false;
          ack = await send();
        }
        if (ack) done();
        if (save.isConnected) save.disabled = false;
        render(true);
        if (ack) $("edit-open")?.focus();
      });
      cancel.addEventListener("click", () => {
        done();
        render(true);
        $("edit-open")?.focus();
      });
      sync();
      let take = null;
      if (conflict) {
        take = h("button", { type: "button", id: "take-theirs", class: "btn btn-small" }, t("rapporteur.conflict_take_theirs"));
        take.addEventListener("click", () => {
          done();
          ctx.notify(t("rapporteur.conflict_taken"), "info");
          render(true);
          $("edit-open")?.focus();
        });
        parts.push(
          h(
            "div",
            { class: "conflict", role: "group", "aria-labelledby": "conflict-heading" },
            h("p", { class: "conflict-heading", id: "conflict-heading", tabindex: "-1" }, t("rapporteur.conflict_heading")),
            h("p", {}, t("rapporteur.conflict_now")),
            h("blockquote", { class: "conflict-text", id: "conflict-text", dir: dirOf(item.language), lang: langOf(item.language) }, conflict.text),
            h("p", { class: "hint" }, t("rapporteur.conflict_yours")),
          ),
        );
      }
      const numbers = ctx.numbers();
      parts.push(
        merged
          ? h(
              "p",
              { class: "field-error", id: "edit-merged", role: "status" },
              t("rapporteur.edit_merged", { number: numbers.get(item.id), into: numbers.get(item.merged_into) }),
            )
          : null,
        h("label", { for: "edit-text", class: "label" }, conflict ? t("rapporteur.conflict_mine") : t("rapporteur.edit_label")),
        text,
        error,
        h(
          "div",
          { class: "field" },
          h("label", { for: "edit-language", class: "label" }, t("rapporteur.edit_language")),
          languages,
          h("p", { class: "hint", id: "edit-language-hint" }, t("rapporteur.edit_language_hint")),
        ),
        h("div", { class: "row" }, save, take, cancel, counter),
      );
    }
    return h(
      "section",
      { class: "detail-section", "aria-labelledby": "wording-heading" },
      h("h3", { id: "wording-heading" }, edited ? t("rapporteur.wording_edited") : t("rapporteur.wording_submitted")),
      parts,
    );
  }

  function decision(item, numbers, all, shownId) {
    const draft = draftOf(item.id);
    const parts = [];
    let state;
    if (item.status === "accepted") state = t("rapporteur.decided_accepted");
    else if (item.status === "set_aside") {
      // the note is the rapporteur's own words, in whatever language they wrote it
      state = item.note ? isolate("rapporteur.decided_set_aside_note", { note: item.note }) : t("rapporteur.decided_set_aside");
    } else if (item.status === "merged") state = t("rapporteur.decided_merged", { number: numbers.get(item.merged_into) });
    else state = t("rapporteur.undecided");
    parts.push(h("p", { class: "decision-state" }, state));

    const buttons = [];
    if (item.status !== "accepted" && item.status !== "merged") {
      const accept = h("button", { type: "button", id: "accept", class: "btn btn-primary" }, t("rapporteur.accept"));
      accept.addEventListener("click", () =>
        act(
          accept,
          // the status this page saw: decided meanwhile by someone else, the server refuses it
          { type: "accept_contribution", contribution_id: item.id, expected_status: item.status },
          null,
          t("rapporteur.accepted_notice", { number: numbers.get(item.id) }),
        ),
      );
      buttons.push(accept);
    }
    if (item.status === "accepted" && item.id !== shownId) {
      const show = h("button", { type: "button", id: "show", class: "btn btn-show" }, t("rapporteur.show"));
      show.addEventListener("click", () =>
        act(
          show,
          { type: "show_contribution", contribution_id: item.id, expected_shown: shownId },
          null,
          t("rapporteur.shown", { number: numbers.get(item.id) }),
        ),
      );
      buttons.push(show);
    }
    if (item.id === shownId) {
      const clear = h("button", { type: "button", id: "unshow", class: "btn" }, t("rapporteur.clear_display"));
      clear.addEventListener("click", () =>
        act(clear, { type: "show_contribution", contribution_id: null, expected_shown: shownId }, null, t("rapporteur.display_cleared")),
      );
      buttons.push(clear);
    }
    if (item.status === "accepted" || item.status === "set_aside") {
      // a decision taken back (a mistaken Accept): it awaits review again
      const reopen = h("button", { type: "button", id: "reopen", class: "btn" }, t("rapporteur.reopen"));
      reopen.addEventListener("click", () =>
        act(
          reopen,
          { type: "reopen_contribution", contribution_id: item.id, expected_status: item.status },
          null,
          t("rapporteur.reopened_notice", { number: numbers.get(item.id) }),
        ),
      );
      buttons.push(reopen);
    }
    if (item.status === "merged" && item.merged_into) {
      const open = h(
        "button",
        { type: "button", id: "open-target", class: "btn" },
        t("rapporteur.open_number", { number: numbers.get(item.merged_into) }),
      );
      open.addEventListener("click", () => ctx.select(item.merged_into));
      const unmerge = h("button", { type: "button", id: "unmerge", class: "btn" }, t("rapporteur.unmerge"));
      unmerge.addEventListener("click", () =>
        act(
          unmerge,
          { type: "unmerge_contribution", contribution_id: item.id },
          null,
          t("rapporteur.unmerged_notice", { number: numbers.get(item.id) }),
        ),
      );
      buttons.push(open, unmerge);
    }
    if (buttons.length) parts.push(h("div", { class: "row" }, buttons));

    if (item.status !== "set_aside" && item.status !== "merged") {
      const note = h("input", { type: "text", id: "aside-note", maxlength: String(MAX_NOTE), dir: "auto" });
      note.value = draft.note ?? "";
      note.addEventListener("input", () => (draft.note = note.value));
      const aside = h("button", { type: "button", id: "set-aside", class: "btn btn-danger" }, t("rapporteur.set_aside"));
      aside.addEventListener("click", () =>
        act(
          aside,
          { type: "set_aside_contribution", contribution_id: item.id, note: note.value.trim(), expected_status: item.status },
          () => delete draft.note,
          t("rapporteur.set_aside_notice", { number: numbers.get(item.id) }),
        ),
      );
      parts.push(
        h(
          "div",
          { class: "inline-form" },
          h("label", { for: "aside-note", class: "label" }, t("rapporteur.set_aside_label")),
          h("div", { class: "row" }, note, aside),
        ),
      );
    }

    if (item.status !== "merged") {
      // exactly the ones the server says it may be merged into now, each with its status
      const known = targetsOf(item);
      const byId = new Map(all.map((c) => [c.id, c]));
      const targets = (known.targets || []).map((id) => byId.get(id)).filter(Boolean);
      let first;
      if (known.targets === null) first = known.failed ? t("rapporteur.merge_failed") : t("rapporteur.merge_loading");
      else first = targets.length ? t("rapporteur.merge_choose") : t("rapporteur.merge_none");
      const select = h(
        "select",
        { id: "merge-into", "aria-busy": known.targets === null && !known.failed ? "true" : null },
        h("option", { value: "" }, first),
        targets.map((c) =>
          h(
            "option",
            { value: c.id },
            `#${numbers.get(c.id)} · ${kindLabel(c.kind)} · ${statusLabel(c.status)} · \u2068${excerpt(c.text, 60)}\u2069`,
          ),
        ),
      );
      select.addEventListener("focus", () => {
        if (merging.id === item.id && merging.failed && merging.asking === null) askTargets(item.id, merging.version);
      });
      select.value = targets.some((c) => c.id === draft.into) ? draft.into : "";
      const merge = h("button", { type: "button", id: "merge", class: "btn" }, t("rapporteur.merge"));
      const sync = () => (merge.disabled = !select.value);
      select.addEventListener("change", () => {
        draft.into = select.value;
        sync();
      });
      merge.addEventListener("click", () => {
        merging.version = null; // whatever the answer, what it may be merged into is asked again
        return act(
          merge,
          { type: "merge_contributions", contribution_id: item.id, into_id: select.value, expected_status: item.status },
          () => delete draft.into,
          t("rapporteur.merged_notice", { number: numbers.get(item.id), into: numbers.get(select.value) }),
        );
      });
      sync();
      parts.push(
        h(
          "div",
          { class: "inline-form" },
          h("label", { for: "merge-into", class: "label" }, t("rapporteur.merge_label")),
          h("div", { class: "row" }, select, merge),
        ),
      );
    }
    return h(
      "section",
      { class: "detail-section", "aria-labelledby": "decision-heading" },
      h("h3", { id: "decision-heading" }, t("rapporteur.decision_heading")),
      parts,
    );
  }

  /**
   * The tags as this page would have them: the contribution's as they are now (another
   * rapporteur's changes arrive with the outcome's updates) with this page's own changes on top
   * (the draft keeps only what was ticked and unticked here, so saving never takes away what
   * someone else added meanwhile).
   */
  function chosenTags(item, draft) {
    const removedThemes = draft.removeThemes || [];
    const themes = [...new Set([...item.themes.filter((theme) => !removedThemes.includes(theme)), ...(draft.addThemes || [])])];
    const removedObjectives = draft.removeObjectives || [];
    const objectives = [...new Set([...item.objectives.filter((n) => !removedObjectives.includes(n)), ...(draft.addObjectives || [])])];
    return { themes, objectives: objectives.sort((a, b) => a - b) };
  }

  /** `list` with `values` added (`on`) or taken out. */
  function toggled(list, values, on) {
    const rest = (list || []).filter((value) => !values.includes(value));
    return on ? [...rest, ...values] : rest;
  }

  function tags(item) {
    const draft = draftOf(item.id);
    const { themes, objectives } = chosenTags(item, draft);
    // a theme the server files under a segment the programme suggests (its `theme_labels`: "thematic
    // discussion i" is "Thematic discussion I: …") is that suggestion's box, not one of its own
    const suggestions = suggestedSegments(ctx.programme());
    const labels = Array.isArray(item.theme_labels) ? item.theme_labels : [];
    const folded = new Map(); // a theme as typed -> the suggestion it is filed under
    item.themes.forEach((theme, index) => {
      const under = suggestions.find((suggestion) => suggestion.title === labels[index]);
      if (under && under.theme !== theme) folded.set(theme, under.theme);
    });
    const offered = [
      ...new Set([
        ...suggestions.map((suggestion) => suggestion.theme),
        ...item.themes.filter((theme) => !folded.has(theme)),
        ...(draft.extra || []),
      ]),
    ];
    const themeBoxes = offered.map((theme, index) => {
      const id = `theme-${index}`;
      const aliases = [theme, ...[...folded].filter(([, under]) => under === theme).map(([typed]) => typed)];
      const input = h("input", { type: "checkbox", id, value: theme });
      input.checked = themes.some((chosen) => aliases.includes(chosen));
      input.addEventListener("change", () => {
        const held = aliases.filter((alias) => item.themes.includes(alias)); // as it is now
        if (!input.checked) {
          draft.addThemes = toggled(draft.addThemes, aliases, false);
          draft.removeThemes = toggled(draft.removeThemes, held, true);
        } else if (held.length) draft.removeThemes = toggled(draft.removeThemes, held, false);
        else draft.addThemes = toggled(draft.addThemes, [theme], true);
      });
      return h("label", { class: "check", for: id }, input, h("span", { dir: "auto" }, theme));
    });
    const fresh = h("input", {
      type: "text",
      id: "theme-new",
      maxlength: String(MAX_THEME),
      dir: "auto",
      placeholder: t("rapporteur.theme_new"),
      "aria-label": t("rapporteur.theme_new"),
    });
    const add = h("button", { type: "button", id: "theme-add", class: "btn btn-small" }, t("rapporteur.theme_add"));
    const addTheme = () => {
      const theme = fresh.value.trim();
      if (!theme) return;
      draft.extra = [...new Set([...(draft.extra || []), theme])];
      if (!chosenTags(item, draft).themes.includes(theme)) draft.addThemes = toggled(draft.addThemes, [theme], true);
      render(true);
      $("theme-new")?.focus();
    };
    add.addEventListener("click", addTheme);
    fresh.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        addTheme();
      }
    });

    if (!objectivesLoaded()) loadObjectives().then(() => render(true), () => {}); // their titles
    const objectiveBoxes = OBJECTIVE_NUMBERS.map((number) => {
      const id = `objective-${number}`;
      const input = h("input", { type: "checkbox", id, value: String(number) });
      input.checked = objectives.includes(number);
      input.addEventListener("change", () => {
        draft.addObjectives = toggled(draft.addObjectives, [number], input.checked && !item.objectives.includes(number));
        draft.removeObjectives = toggled(draft.removeObjectives, [number], !input.checked && item.objectives.includes(number));
      });
      return h(
        "label",
        { class: "check objective", for: id },
        input,
        h("span", { class: "objective-number" }, String(number)),
        h("span", { class: "objective-title" }, objectiveTitle(number)),
      );
    });

    const save = h("button", { type: "button", id: "save-tags", class: "btn btn-primary btn-small" }, t("rapporteur.tags_save"));
    save.addEventListener("click", () => {
      const wanted = chosenTags(item, draft);
      if (wanted.themes.length > MAX_THEMES) {
        ctx.notify(t("rapporteur.too_many_themes", { max: MAX_THEMES }), "error");
        return;
      }
      if (same(wanted.themes, item.themes) && same(wanted.objectives, item.objectives)) {
        ctx.notify(t("rapporteur.tags_unchanged"), "info");
        return;
      }
      // this page's changes, not the whole lists: what another rapporteur tagged meanwhile stays
      const changes = {
        add_themes: wanted.themes.filter((theme) => !item.themes.includes(theme)),
        remove_themes: item.themes.filter((theme) => !wanted.themes.includes(theme)),
        add_objectives: wanted.objectives.filter((n) => !item.objectives.includes(n)),
        remove_objectives: item.objectives.filter((n) => !wanted.objectives.includes(n)),
      };
      act(
        save,
        { type: "tag_contribution", contribution_id: item.id, ...changes },
        () => {
          delete draft.addThemes;
          delete draft.removeThemes;
          delete draft.addObjectives;
          delete draft.removeObjectives;
          delete draft.extra;
        },
        t("rapporteur.tags_saved"),
      );
    });
    return h(
      "section",
      { class: "detail-section", "aria-labelledby": "tags-heading" },
      h("div", { class: "section-head" }, h("h3", { id: "tags-heading" }, t("rapporteur.tags_heading")), save),
      h(
        "fieldset",
        { class: "tag-group" },
        h("legend", {}, t("rapporteur.themes_legend", { max: MAX_THEMES })),
        h("div", { class: "checks" }, themeBoxes),
        h("div", { class: "row" }, fresh, add),
      ),
      h(
        "fieldset",
        { class: "tag-group" },
        h("legend", {}, t("display.objectives")),
        h("div", { class: "objectives" }, objectiveBoxes),
      ),
    );
  }

  /** Draw the chosen contribution; `force` after a draft changed what is shown. */
  function render(force = false) {
    const outcome = ctx.outcome();
    const all = outcome ? outcome.contributions : [];
    const id = ctx.selectedId();
    const item = all.find((c) => c.id === id);
    const shownId = outcome ? outcome.shown_id : null;
    const numbers = ctx.numbers();
    const key = JSON.stringify([
      item,
      shownId,
      all.map((c) => [c.id, c.status, c.kind, excerpt(c.text, 60)]),
      ctx.programme().map((s) => [s.id, s.title, s.kind]),
      ctx.event() && ctx.event().timezone,
    ]);
    if (!force && key === shownKey) return;
    shownKey = key;
    keepFocus(() => {
      if (!item) {
        fill(
          box,
          backBar(ctx),
          h(
            "div",
            { class: "placeholder" },
            h("h2", { id: "detail-heading" }, t("rapporteur.choose_heading")),
            h("p", {}, t("rapporteur.choose_hint")),
          ),
        );
        return;
      }
      fill(
        box,
        backBar(ctx),
        header(item, numbers.get(item.id), shownId),
        facts(item),
        wording(item),
        decision(item, numbers, all, shownId),
        tags(item),
      );
    });
  }

  return { render };
}
