// One contribution, to curate: who made it, where and in what language; its wording as
// submitted and as it stands (edit it); accept, set aside with a note, merge into another; tag
// themes and Global Compact objectives; show it on the room display. Each change is one outcome
// command on the socket (client.js sendOutcome); what the rapporteur is typing is kept as a
// draft per contribution, so an update arriving meanwhile loses none of it.

import { fill, h, setText, timeOfDay } from "../dom.js";
import { GCM_OBJECTIVES } from "../gcm.js";
import { constituencyLabel } from "../i18n.js";
import { keepFocus } from "./focus.js";
import {
  KIND_LABELS,
  LANGUAGE_NAMES,
  MAX_NOTE,
  MAX_TEXT,
  MAX_THEME,
  MAX_THEMES,
  STATUS_LABELS,
  excerpt,
  segmentTitle,
  suggestedThemes,
} from "./model.js";

const $ = (id) => document.getElementById(id);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export function createDetail(ctx) {
  const box = $("detail");
  const drafts = new Map(); // contribution id -> {text, note, into, themes, objectives, extra}
  let shownKey = null;

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
    return ack;
  }

  function fact(term, ...value) {
    return [h("dt", {}, term), h("dd", {}, ...value)];
  }

  function header(item, number, shownId) {
    return h(
      "div",
      { class: "detail-head" },
      h("h2", { id: "detail-heading", tabindex: "-1" }, `#${number} · ${KIND_LABELS[item.kind] || item.kind}`),
      h("span", { class: `state-pill state-${item.status}` }, STATUS_LABELS[item.status] || item.status),
      item.id === shownId ? h("span", { class: "on-air" }, "On the room display") : null,
    );
  }

  /** "Thematic discussion I · objectives 6, 15", or "" when untagged. */
  function tagLine(item) {
    const parts = [...item.themes];
    if (item.objectives.length) parts.push(`GCM objectives ${item.objectives.join(", ")}`);
    return parts.join(" · ");
  }

  function facts(item) {
    const event = ctx.event() || {};
    const where = segmentTitle(ctx.programme(), item.segment_id);
    const submitted = timeOfDay(item.submitted_at, event.timezone, "en-GB");
    const changed = item.updated_at !== item.submitted_at ? timeOfDay(item.updated_at, event.timezone, "en-GB") : "";
    return h(
      "dl",
      { class: "facts" },
      fact("Author", h("bdi", {}, item.author.name || "—")),
      fact("Organisation", h("bdi", {}, item.author.organisation || "—")),
      fact("Constituency", constituencyLabel(item.author.constituency) || "—"),
      fact("Written in", LANGUAGE_NAMES[item.language] || item.language),
      fact("Made in", where ? h("bdi", {}, where) : "—", item.entry_id ? " · during their turn" : ""),
      fact("Submitted", submitted, changed ? ` · last changed ${changed}` : ""),
      fact("Tagged", tagLine(item) || "not yet"),
    );
  }

  function wording(item) {
    const draft = draftOf(item.id);
    const edited = item.text !== item.original_text;
    const parts = [
      h("blockquote", { class: "current-text", dir: "auto" }, item.text),
      edited
        ? h(
            "div",
            { class: "original" },
            h("p", { class: "original-label" }, "As submitted (kept on the record)"),
            h("blockquote", { class: "original-text", dir: "auto" }, item.original_text),
          )
        : null,
    ];
    if (draft.text === undefined) {
      const open = h("button", { type: "button", id: "edit-open", class: "btn btn-small" }, "Edit the wording");
      open.addEventListener("click", () => {
        draft.text = item.text;
        render(true);
        $("edit-text")?.focus();
      });
      parts.push(
        h("div", { class: "row" }, open, h("span", { class: "hint" }, "The submitted wording stays on the record.")),
      );
    } else {
      const text = h("textarea", { id: "edit-text", rows: "6", maxlength: String(MAX_TEXT), dir: "auto" });
      text.value = draft.text;
      const counter = h("span", { class: "counter", id: "edit-count" }, "");
      const save = h("button", { type: "button", id: "save-text", class: "btn btn-primary btn-small" }, "Save the wording");
      const cancel = h("button", { type: "button", id: "cancel-text", class: "btn btn-quiet btn-small" }, "Cancel");
      const sync = () => {
        save.disabled = !text.value.trim() || text.value.trim() === item.text;
        setText(counter, `${text.value.length} / ${MAX_TEXT}`);
      };
      text.addEventListener("input", () => {
        draft.text = text.value;
        sync();
      });
      save.addEventListener("click", () =>
        act(
          save,
          { type: "edit_contribution", contribution_id: item.id, text: text.value.trim() },
          () => delete draft.text,
          "Wording saved.",
        ),
      );
      cancel.addEventListener("click", () => {
        delete draft.text;
        render(true);
        $("edit-open")?.focus();
      });
      sync();
      parts.push(
        h("label", { for: "edit-text", class: "label" }, "New wording"),
        text,
        h("div", { class: "row" }, save, cancel, counter),
      );
    }
    return h(
      "section",
      { class: "detail-section", "aria-labelledby": "wording-heading" },
      h("h3", { id: "wording-heading" }, edited ? "Wording (edited)" : "Wording, as submitted"),
      parts,
    );
  }

  function decision(item, numbers, all, shownId) {
    const draft = draftOf(item.id);
    const parts = [];
    let state;
    if (item.status === "accepted") state = "Accepted for the outcome.";
    else if (item.status === "set_aside") state = item.note ? `Set aside: ${item.note}` : "Set aside (no note).";
    else if (item.status === "merged") state = `Merged into #${numbers.get(item.merged_into)}.`;
    else state = "Not decided yet.";
    parts.push(h("p", { class: "decision-state", dir: "auto" }, state));

    const buttons = [];
    if (item.status !== "accepted" && item.status !== "merged") {
      const accept = h("button", { type: "button", id: "accept", class: "btn btn-primary" }, "Accept");
      accept.addEventListener("click", () =>
        act(accept, { type: "accept_contribution", contribution_id: item.id }, null, `#${numbers.get(item.id)} accepted.`),
      );
      buttons.push(accept);
    }
    if (item.status === "accepted" && item.id !== shownId) {
      const show = h("button", { type: "button", id: "show", class: "btn btn-show" }, "Show on the room display");
      show.addEventListener("click", () =>
        act(show, { type: "show_contribution", contribution_id: item.id }, null, `#${numbers.get(item.id)} is on the room display.`),
      );
      buttons.push(show);
    }
    if (item.id === shownId) {
      const clear = h("button", { type: "button", id: "unshow", class: "btn" }, "Clear the display");
      clear.addEventListener("click", () =>
        act(clear, { type: "show_contribution", contribution_id: null }, null, "The room display shows the floor again."),
      );
      buttons.push(clear);
    }
    if (item.status === "merged" && item.merged_into) {
      const open = h("button", { type: "button", id: "open-target", class: "btn" }, `Open #${numbers.get(item.merged_into)}`);
      open.addEventListener("click", () => ctx.select(item.merged_into));
      buttons.push(open);
    }
    if (buttons.length) parts.push(h("div", { class: "row" }, buttons));

    if (item.status !== "set_aside" && item.status !== "merged") {
      const note = h("input", { type: "text", id: "aside-note", maxlength: String(MAX_NOTE), dir: "auto" });
      note.value = draft.note ?? "";
      note.addEventListener("input", () => (draft.note = note.value));
      const aside = h("button", { type: "button", id: "set-aside", class: "btn btn-danger" }, "Set aside");
      aside.addEventListener("click", () =>
        act(
          aside,
          { type: "set_aside_contribution", contribution_id: item.id, note: note.value.trim() },
          () => delete draft.note,
          `#${numbers.get(item.id)} set aside.`,
        ),
      );
      parts.push(
        h(
          "div",
          { class: "inline-form" },
          h("label", { for: "aside-note", class: "label" }, "Set aside, saying why (optional; the author does not see the note)"),
          h("div", { class: "row" }, note, aside),
        ),
      );
    }

    if (item.status !== "merged") {
      const targets = all.filter((c) => c.id !== item.id && c.status !== "merged");
      const select = h(
        "select",
        { id: "merge-into" },
        h("option", { value: "" }, targets.length ? "Choose the one it repeats…" : "No other contribution to merge into"),
        targets.map((c) =>
          h("option", { value: c.id }, `#${numbers.get(c.id)} · ${KIND_LABELS[c.kind]} · ${excerpt(c.text, 60)}`),
        ),
      );
      select.value = targets.some((c) => c.id === draft.into) ? draft.into : "";
      const merge = h("button", { type: "button", id: "merge", class: "btn" }, "Merge");
      const sync = () => (merge.disabled = !select.value);
      select.addEventListener("change", () => {
        draft.into = select.value;
        sync();
      });
      merge.addEventListener("click", () =>
        act(
          merge,
          { type: "merge_contributions", contribution_id: item.id, into_id: select.value },
          () => delete draft.into,
          `#${numbers.get(item.id)} merged into #${numbers.get(select.value)}.`,
        ),
      );
      sync();
      parts.push(
        h(
          "div",
          { class: "inline-form" },
          h("label", { for: "merge-into", class: "label" }, "A duplicate? Merge it into another"),
          h("div", { class: "row" }, select, merge),
        ),
      );
    }
    return h(
      "section",
      { class: "detail-section", "aria-labelledby": "decision-heading" },
      h("h3", { id: "decision-heading" }, "Decision"),
      parts,
    );
  }

  function tags(item) {
    const draft = draftOf(item.id);
    const themes = draft.themes ?? [...item.themes];
    const objectives = draft.objectives ?? [...item.objectives];
    const offered = [...new Set([...suggestedThemes(ctx.programme()), ...item.themes, ...(draft.extra || [])])];
    const themeBoxes = offered.map((theme, index) => {
      const id = `theme-${index}`;
      const input = h("input", { type: "checkbox", id, value: theme });
      input.checked = themes.includes(theme);
      input.addEventListener("change", () => {
        const now = draft.themes ?? [...item.themes];
        draft.themes = input.checked ? [...now, theme] : now.filter((t) => t !== theme);
      });
      return h("label", { class: "check", for: id }, input, h("span", { dir: "auto" }, theme));
    });
    const fresh = h("input", {
      type: "text",
      id: "theme-new",
      maxlength: String(MAX_THEME),
      placeholder: "Another theme",
      "aria-label": "Another theme",
    });
    const add = h("button", { type: "button", id: "theme-add", class: "btn btn-small" }, "Add");
    const addTheme = () => {
      const theme = fresh.value.trim();
      if (!theme) return;
      draft.extra = [...new Set([...(draft.extra || []), theme])];
      const now = draft.themes ?? [...item.themes];
      if (!now.includes(theme)) draft.themes = [...now, theme];
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

    const objectiveBoxes = [...GCM_OBJECTIVES].map(([number, title]) => {
      const id = `objective-${number}`;
      const input = h("input", { type: "checkbox", id, value: String(number) });
      input.checked = objectives.includes(number);
      input.addEventListener("change", () => {
        const now = draft.objectives ?? [...item.objectives];
        draft.objectives = input.checked ? [...now, number].sort((a, b) => a - b) : now.filter((n) => n !== number);
      });
      return h(
        "label",
        { class: "check objective", for: id },
        input,
        h("span", { class: "objective-number" }, String(number)),
        h("span", { class: "objective-title" }, title),
      );
    });

    const save = h("button", { type: "button", id: "save-tags", class: "btn btn-primary btn-small" }, "Save the tags");
    save.addEventListener("click", () => {
      const wanted = { themes: draft.themes ?? [...item.themes], objectives: draft.objectives ?? [...item.objectives] };
      if (wanted.themes.length > MAX_THEMES) {
        ctx.notify(`At most ${MAX_THEMES} themes: untick some first.`, "error");
        return;
      }
      if (same(wanted.themes, item.themes) && same(wanted.objectives, item.objectives)) {
        ctx.notify("The tags are as saved already.", "info");
        return;
      }
      act(
        save,
        { type: "tag_contribution", contribution_id: item.id, ...wanted },
        () => {
          delete draft.themes;
          delete draft.objectives;
          delete draft.extra;
        },
        "Tags saved.",
      );
    });
    return h(
      "section",
      { class: "detail-section", "aria-labelledby": "tags-heading" },
      h("div", { class: "section-head" }, h("h3", { id: "tags-heading" }, "Tags"), save),
      h(
        "fieldset",
        { class: "tag-group" },
        h("legend", {}, `Themes (up to ${MAX_THEMES})`),
        h("div", { class: "checks" }, themeBoxes),
        h("div", { class: "row" }, fresh, add),
      ),
      h(
        "fieldset",
        { class: "tag-group" },
        h("legend", {}, "Global Compact objectives"),
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
          h(
            "div",
            { class: "placeholder" },
            h("h2", { id: "detail-heading" }, "Choose a contribution"),
            h("p", {}, "Pick one in the list to read it in full, accept it, edit its wording, tag it or show it on the room display."),
          ),
        );
        return;
      }
      fill(
        box,
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
