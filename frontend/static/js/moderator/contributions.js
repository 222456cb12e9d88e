// The meeting day's recommendations and pledges, live from the shared connection's outcome (as the
// moderator's audience sees it), newest first, with the quick actions a chair needs: accept, set
// aside with a note, show one on the room display or clear it. Tags, merges and rewording are the
// rapporteur page's. Rows are kept by id, so a half-typed note and the focus survive updates.

import { beginningOf, fill, h, setText, timeOfDay } from "../dom.js";
import { plural, t } from "../i18n.js";
import { CONTRIBUTION_KINDS, CONTRIBUTION_STATUSES, LANGUAGES, constituencyLabel, island, typed } from "./format.js";
import { neighbours, reflectionOrder, steps } from "../reflection.js";
import { setAvailable } from "./speaker.js";
import { createArrivals } from "./arrivals.js";

const $ = (id) => document.getElementById(id);
/** What a screen reader hears of the text on the room display: its beginning, at most this. */
const SAID_CHARS = 200;
/** What the list says when the filter shows nothing. */
const EMPTY = {
  all: "console.contributions.empty_all",
  submitted: "console.contributions.empty_submitted",
  accepted: "console.contributions.empty_accepted",
};

/** "Theme — 2 of 5": where the room display is in the reflection (the display says the same). */
function placeLabel(place) {
  if (!place.theme) return "";
  const theme = place.other ? t("display.other_theme") : place.theme;
  return `${typed(theme)} — ${t("display.n_of_count", { n: place.themePosition, count: place.themeCount })}`;
}
/** The six languages' codes, for the text's lang attribute (screen readers, fonts). */
const LANG_CODES = new Set(["ar", "zh", "en", "fr", "ru", "es"]);

export function createContributions(ctx) {
  const list = $("contributions");
  const empty = $("contributions-empty");
  const count = $("contributions-count");
  const filters = [...document.querySelectorAll("[data-filter]")];
  const rows = new Map(); // contribution id -> row
  let filter = "all";
  let signature = "";
  let primed = false; // drawn once: a contribution new since is announced
  // new ones to curate (one: its kind and author; more: how many), said together; one curated
  // before it was said is not said
  const arrivals = createArrivals({
    waiting: (id) => rows.has(id) && rows.get(id).item.status === "submitted",
    words: (ids) => {
      const one = ids.length === 1 ? rows.get(ids[0]).item : null;
      return one
        ? t("console.contributions.arrived", { kind: CONTRIBUTION_KINDS[one.kind] || one.kind, name: island(one.author.name) })
        : t("console.contributions.arrived_many", { n: ids.length });
    },
    say: (text) => ctx.notices.show(text, "info"),
  });

  const outcome = () => ctx.conn.outcome || null;
  const zone = () => (ctx.conn.event && ctx.conn.event.timezone) || undefined;
  /** "the recommendation by Amina Yusuf": what a notice or a hidden label names. */
  const whose = (item) =>
    t(item.kind === "pledge" ? "console.contributions.whose_pledge" : "console.contributions.whose_recommendation", {
      name: item.author.name,
    });
  const hidden = (text) => h("span", { class: "visually-hidden" }, text);

  for (const button of filters) {
    button.addEventListener("click", () => {
      filter = button.dataset.filter;
      for (const other of filters) other.setAttribute("aria-pressed", String(other === button));
      signature = "";
      render();
    });
  }

  /** Put a contribution on the room display (null: clear it), from what this console saw there
   * (`expected_shown`): moved meanwhile by someone else, the server refuses it (changed_since),
   * and the console says so rather than overturn what it did not see. */
  const show = (contributionId) => {
    const current = outcome();
    const seen = current ? current.shown_id ?? null : null;
    return ctx.runOutcome(
      { type: "show_contribution", contribution_id: contributionId, expected_shown: seen },
      { said: { changed_since: t("console.contributions.moved_meanwhile") } },
    );
  };
  $("contributions-clear").addEventListener("click", () =>
    show(null).then((ack) => ack && ctx.notices.show(t("console.contributions.cleared"), "info")),
  );

  /** Where the shown contribution is in the reflection's order, and where the steps go
   * (reflection.js: the server's). */
  const stepPlace = () => {
    const current = outcome();
    if (!current) return { ...neighbours([], null), ...steps(null) };
    return { ...neighbours(reflectionOrder(current), current.shown_id), ...steps(current) };
  };
  // at either end the button stays, and its focus, greyed (aria-disabled) with the reason
  const ENDS = { previous: "console.contributions.at_first", next: "console.contributions.at_last" };
  for (const [id, side] of [["contributions-previous", "previous"], ["contributions-next", "next"]]) {
    $(id).addEventListener("click", () => {
      const target = stepPlace()[side];
      if (target) show(target.id);
      else ctx.notices.show(t(ENDS[side]), "warning");
    });
  }

  function build(item) {
    const noteId = `contribution-${item.id}-note`;
    const row = {
      item,
      li: h("li", { class: "contribution", dataset: { contributionId: item.id } }),
      kind: h("span", { class: "tag tag-contribution" }),
      status: h("span", { class: "contribution-status" }),
      shownTag: h("span", { class: "tag tag-shown" }, t("console.contributions.shown_tag")),
      when: h("span", { class: "contribution-when" }),
      lang: h("span", { class: "contribution-lang" }),
      author: h("p", { class: "contribution-author" }),
      text: h("p", { class: "contribution-text", dir: "auto" }),
      more: h("button", { type: "button", class: "btn btn-quiet btn-small contribution-more", "aria-expanded": "false" }),
      meta: h("p", { class: "contribution-meta" }),
      themes: h("p", { class: "contribution-themes" }),
      accept: h("button", { type: "button", class: "btn btn-primary btn-small" }),
      asideOpen: h("button", { type: "button", class: "btn btn-small" }),
      showButton: h("button", { type: "button", class: "btn btn-small btn-show" }),
      clearButton: h("button", { type: "button", class: "btn btn-small" }),
      note: h("input", { id: noteId, type: "text", maxlength: "280", autocomplete: "off" }),
      asideConfirm: h("button", { type: "button", class: "btn btn-danger btn-small" }, t("console.contributions.set_aside")),
      asideCancel: h("button", { type: "button", class: "btn btn-quiet btn-small" }, t("console.common.cancel")),
    };
    row.asideLabel = h("label", { for: noteId });
    row.asideBox = h(
      "div",
      { class: "aside-box", hidden: true },
      row.asideLabel,
      h("div", { class: "row" }, row.note, row.asideConfirm, row.asideCancel),
    );
    row.actions = h("div", { class: "contribution-actions" }, row.accept, row.asideOpen, row.showButton, row.clearButton);
    fill(
      row.li,
      h(
        "div",
        { class: "contribution-head" },
        row.kind,
        row.status,
        row.shownTag,
        h("span", { class: "contribution-stamp" }, row.when, row.lang),
      ),
      row.author,
      row.text,
      row.more,
      row.meta,
      row.themes,
      row.actions,
      row.asideBox,
    );

    row.more.addEventListener("click", () => {
      const open = row.more.getAttribute("aria-expanded") !== "true";
      row.more.setAttribute("aria-expanded", String(open));
      row.text.dataset.open = String(open);
      setText(row.more, t(open ? "console.contributions.show_less" : "console.contributions.show_all"));
    });
    row.accept.addEventListener("click", () => {
      const what = whose(row.item); // read now: patches change the item in place
      ctx.runOutcome({ type: "accept_contribution", contribution_id: row.item.id }).then((ack) => {
        if (ack) ctx.notices.show(t("console.contributions.accepted", { what }), "info");
      });
    });
    row.asideOpen.addEventListener("click", () => {
      row.asideBox.hidden = false;
      row.asideOpen.hidden = true;
      row.note.focus();
    });
    const closeAside = () => {
      row.asideBox.hidden = true;
      row.note.value = "";
      update(row, row.item, row.shown);
    };
    row.asideCancel.addEventListener("click", () => {
      closeAside();
      (row.asideOpen.hidden ? row.li.querySelector(".contribution-actions button:not([hidden])") : row.asideOpen)?.focus();
    });
    const setAside = () => {
      const what = whose(row.item);
      const command = { type: "set_aside_contribution", contribution_id: row.item.id, note: row.note.value.trim() };
      ctx.runOutcome(command).then((ack) => {
        if (!ack) return;
        ctx.notices.show(t("console.contributions.set_aside_notice", { what }), "info");
        closeAside();
      });
    };
    row.asideConfirm.addEventListener("click", setAside);
    row.note.addEventListener("keydown", (event) => {
      if (event.key === "Enter") setAside();
      if (event.key === "Escape") row.asideCancel.click();
    });
    row.showButton.addEventListener("click", () => {
      const what = whose(row.item);
      show(row.item.id).then((ack) => ack && ctx.notices.show(t("console.contributions.showing", { what }), "info"));
    });
    row.clearButton.addEventListener("click", () => $("contributions-clear").click());
    return row;
  }

  /** Show a contribution as the server has it now; only what changed is touched. */
  function update(row, item, shown) {
    row.item = item;
    row.version = item.version; // patches may change the item in place: remember what was shown
    row.shown = shown;
    const { li } = row;
    li.dataset.status = item.status;
    li.dataset.kind = item.kind;
    li.dataset.shown = String(shown);
    setText(row.kind, CONTRIBUTION_KINDS[item.kind] || item.kind);
    row.kind.dataset.kind = item.kind;
    setText(row.status, CONTRIBUTION_STATUSES[item.status] || item.status);
    row.status.dataset.status = item.status;
    row.shownTag.hidden = !shown;
    const segment = (ctx.conn.programme || []).find((s) => s.id === item.segment_id);
    setText(row.when, timeOfDay(item.submitted_at, zone(), "en-GB"));
    row.when.title = segment ? t("console.contributions.made_during", { title: segment.title }) : "";
    // the language as a short code to the eye, in full to a screen reader and on hover
    const language = LANGUAGES[item.language] || item.language;
    fill(
      row.lang,
      h("span", { "aria-hidden": "true" }, LANG_CODES.has(item.language) ? item.language.toUpperCase() : "…"),
      hidden(t("console.contributions.in_language", { language })),
    );
    row.lang.title = t("console.contributions.written_in", { language });
    const author = item.author;
    fill(
      row.author,
      h("bdi", { class: "contribution-name" }, author.name),
      [author.organisation, constituencyLabel(author.constituency)].filter(Boolean).map((part) => ` · ${part}`).join(""),
    );
    setText(row.text, item.text);
    if (LANG_CODES.has(item.language)) row.text.setAttribute("lang", item.language);
    else row.text.removeAttribute("lang");
    row.more.hidden = item.text.length <= 280;
    if (row.more.hidden) row.text.dataset.open = "true";
    else if (row.text.dataset.open !== "true") setText(row.more, t("console.contributions.show_all"));

    const meta = [];
    if (item.text !== item.original_text) meta.push(t("console.contributions.reworded"));
    if (item.status === "set_aside") {
      meta.push(item.note ? t("console.contributions.set_aside_note", { note: item.note }) : t("console.contributions.set_aside_plain"));
    }
    if (item.status === "merged") {
      const into = outcome().contributions.find((other) => other.id === item.merged_into);
      meta.push(
        into ? t("console.contributions.merged_into", { what: whose(into) }) : t("console.contributions.merged_elsewhere"),
      );
    }
    setText(row.meta, meta.join(" "));
    row.meta.hidden = !meta.length;
    const tags = [...item.themes, ...item.objectives.map((n) => t("console.contributions.objective", { n }))];
    fill(row.themes, tags.map((tag) => h("span", { class: "tag" }, tag)));
    row.themes.hidden = !tags.length;

    // the quick actions that mean something for its status; the server decides and says why not
    // one inline label each (a button lays its children out with gaps); heard with whose it is
    const label = (before, after = "") => h("span", {}, before, hidden(` ${whose(item)}`), after);
    fill(row.accept, label(t("console.contributions.accept")));
    fill(row.asideOpen, label(t("console.contributions.set_aside"), "…"));
    fill(row.showButton, label(t("console.contributions.show")));
    fill(row.clearButton, t("console.contributions.clear"));
    setText(row.asideLabel, t("console.contributions.why_aside", { what: whose(item) }));
    const hadFocus = li.contains(document.activeElement) ? document.activeElement : null;
    const status = item.status;
    row.accept.hidden = !(status === "submitted" || status === "set_aside");
    row.asideOpen.hidden = !row.asideBox.hidden || !(status === "submitted" || status === "accepted");
    row.showButton.hidden = status !== "accepted" || shown;
    row.clearButton.hidden = !shown;
    if (status === "merged" || status === "set_aside") row.asideBox.hidden = true;
    if (hadFocus && hadFocus.closest("[hidden]")) {
      // the button used is gone (accepted, shown): keep the keyboard in this row
      (row.actions.querySelector("button:not([hidden])") || $("contributions-heading")).focus();
    }
  }

  function render() {
    const current = outcome();
    const version = ctx.conn.outcomeVersion ?? (current && current.version);
    const key = current ? `${version}:${current.shown_id}:${filter}:${(ctx.conn.programme || []).length}` : "";
    if (key === signature) return;
    signature = key;
    if (!current) {
      list.replaceChildren();
      rows.clear();
      setText(empty, t("console.contributions.loading"));
      empty.hidden = false;
      return;
    }
    const items = [...current.contributions].sort((a, b) => b.submitted_at - a.submitted_at || (a.id < b.id ? 1 : -1));
    const seen = new Set();
    // the row that had the focus: if the filter hides it now (accepted while "To curate" is
    // shown), the keyboard goes to the next row shown, else the one before, else the heading
    const focusedLi = list.contains(document.activeElement) ? document.activeElement.closest("li") : null;
    const counts = { all: items.length, submitted: 0, accepted: 0 };
    for (const item of items) {
      if (item.status in counts) counts[item.status] += 1;
      let row = rows.get(item.id);
      if (!row) {
        row = build(item);
        rows.set(item.id, row);
        update(row, item, item.id === current.shown_id);
        if (primed && item.status === "submitted") arrivals.add(item.id);
      } else if (row.version !== item.version || row.shown !== (item.id === current.shown_id)) {
        update(row, item, item.id === current.shown_id);
      }
      row.li.hidden = filter !== "all" && item.status !== filter;
      seen.add(item.id);
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.li.remove();
        rows.delete(id);
      }
    }
    const wanted = items.map((item) => rows.get(item.id).li);
    wanted.forEach((li, i) => {
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
    });
    if (focusedLi && (focusedLi.hidden || !focusedLi.isConnected)) {
      const at = wanted.indexOf(focusedLi);
      const shownRow = (li) => !li.hidden && li.querySelector(".contribution-actions button:not([hidden])");
      const after = wanted.slice(at + 1).find(shownRow);
      const before = at > 0 ? wanted.slice(0, at).reverse().find(shownRow) : null;
      const to = after || before;
      (to ? to.querySelector(".contribution-actions button:not([hidden])") : $("contributions-heading")).focus();
    }

    const visible = items.filter((item) => filter === "all" || item.status === filter).length;
    empty.hidden = visible > 0;
    setText(empty, t(EMPTY[filter]));
    fill(count, String(counts.submitted), hidden(` ${t("console.contributions.to_curate")}`));
    count.dataset.count = String(counts.submitted);
    count.title = plural("console.contributions.waiting", counts.submitted);
    for (const button of filters) {
      setText(button.querySelector(".filter-count"), String(counts[button.dataset.filter]));
    }

    const shown = current.shown_id ? current.contributions.find((item) => item.id === current.shown_id) : null;
    const shownBox = $("contributions-shown");
    const hadFocus = shownBox.contains(document.activeElement);
    shownBox.hidden = !shown;
    if (shown) setText($("contributions-shown-text"), t("console.contributions.shown_text", { text: island(shown.text), name: island(shown.author.name) }));
    const place = stepPlace();
    $("contributions-step").hidden = place.count === 0;
    if (hadFocus && !shown) {
      // cleared (here or elsewhere) while its button had the focus: on to the steps, or the heading
      ($("contributions-step").hidden ? $("contributions-heading") : $("contributions-next")).focus();
    }
    // the place, and for a screen reader what the room now reads (its beginning) and whose it is:
    // the region says it once when it changes, whoever stepped (#contributions-place)
    setText($("contributions-place-label"), shown ? placeLabel(place) : t("display.accepted_count", { count: place.count }));
    setText($("contributions-place-said"), shown ? ` ${t("console.contributions.shown_text", { text: island(beginningOf(shown.text, SAID_CHARS)), name: island(shown.author.name) })}` : "");
    setAvailable($("contributions-previous"), place.previous ? null : t(ENDS.previous));
    setAvailable($("contributions-next"), place.next ? null : t(ENDS.next));
    primed = true;
    arrivals.flush();
  }

  return { render };
}
