// The list of contributions, filtered (status, kind, search), each a button that opens it.

import { beginningOf, fill, h, setText } from "../dom.js";
import { constituencyLabel, floorLanguageTag, t } from "../i18n.js";
import { keepFocus } from "./focus.js";
import {
  KINDS,
  STATUSES,
  dirOf,
  kindLabel,
  kindPlural,
  langOf,
  languageName,
  matches,
  searchWords,
  segmentTitle,
  statusLabel,
} from "./model.js";

const $ = (id) => document.getElementById(id);
/** What a card's name says of its text (its beginning): at most this many characters. */
const SAID_CHARS = 100;

export function createList(ctx) {
  const filters = { status: "all", kind: "all", words: [] };
  let shownKey = null;

  function radio(group, value, label, count) {
    const id = `${group}-${value}`;
    const input = h("input", { type: "radio", name: group, id, value });
    input.checked = filters[group] === value;
    input.addEventListener("change", () => {
      filters[group] = value;
      render();
    });
    return h(
      "label",
      { class: "choice", for: id },
      input,
      h("span", { class: "choice-label" }, label),
      count === null ? null : h("span", { class: "choice-count" }, String(count)),
    );
  }

  /** The status choices with their counts: rebuilt only when a count changes. */
  function renderFilters(all) {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, all.filter((c) => c.status === s).length]));
    const key = JSON.stringify([counts, all.length]);
    const box = $("status-filter");
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    keepFocus(() =>
      fill(
        box,
        radio("status", "all", t("rapporteur.filter_all"), all.length),
        STATUSES.map((status) => radio("status", status, statusLabel(status), counts[status])),
      ),
    );
  }

  function item(contribution, shownId) {
    const number = ctx.numbers().get(contribution.id);
    const selected = ctx.selectedId() === contribution.id;
    const where = segmentTitle(ctx.programme(), contribution.segment_id);
    const { name, organisation, constituency, name_lang: nameLang, organisation_lang: orgLang } = contribution.author;
    // each name in its own script's language (a screen reader's voice for it: the server says it)
    const details = [
      [name, nameLang],
      [organisation, orgLang],
    ]
      .filter(([text]) => text)
      .map(([text, lang]) => h("bdi", { lang: lang || null }, text));
    if (constituency) details.push(constituencyLabel(constituency));
    const into = contribution.status === "merged" && contribution.merged_into ? ctx.numbers().get(contribution.merged_into) : null;
    // a screen reader's name for the card is short (number, kind, state, language written out,
    // the text's beginning); who and where are its description
    const id = (part) => `item-${contribution.id}-${part}`;
    const language = { dir: dirOf(contribution.language), lang: langOf(contribution.language) };
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "item",
          id: `item-${contribution.id}`,
          "aria-current": selected ? "true" : null,
          "aria-labelledby": `${id("top")} ${id("said")}`,
          "aria-describedby": where ? `${id("by")} ${id("where")}` : id("by"),
          dataset: { status: contribution.status },
          onclick: () => ctx.select(contribution.id),
        },
        h(
          "span",
          { class: "item-top", id: id("top") },
          h("span", { class: "item-number" }, `#${number}`),
          h("span", { class: `kind-pill kind-${contribution.kind}` }, kindLabel(contribution.kind)),
          h("span", { class: `state-pill state-${contribution.status}` }, statusLabel(contribution.status)),
          into ? h("span", { class: "item-merged" }, t("rapporteur.decided_merged", { number: into })) : null,
          contribution.id === shownId ? h("span", { class: "on-air" }, t("rapporteur.on_air")) : null,
          h(
            "span",
            { class: "item-language", title: languageName(contribution.language), dir: "ltr", "aria-hidden": "true" },
            floorLanguageTag(contribution.language),
          ),
          h("span", { class: "visually-hidden" }, languageName(contribution.language)),
        ),
        h("span", { class: "item-text", ...language }, contribution.text),
        h("span", { class: "visually-hidden", id: id("said"), ...language }, beginningOf(contribution.text, SAID_CHARS)),
        h("span", { class: "item-by", id: id("by") }, details.flatMap((part, index) => (index ? [" · ", part] : [part]))),
        where ? h("span", { class: "item-where", id: id("where"), dir: "auto" }, where) : null,
      ),
    );
  }

  function render() {
    const outcome = ctx.outcome();
    const all = outcome ? outcome.contributions : [];
    renderFilters(all);
    const numbers = ctx.numbers();
    const shown = all.filter((c) =>
      matches(c, filters, {
        number: numbers.get(c.id),
        segmentTitle: segmentTitle(ctx.programme(), c.segment_id),
      }),
    );
    const key = JSON.stringify([shown, ctx.selectedId(), outcome && outcome.shown_id, ctx.programme().length]);
    if (key === shownKey) return;
    shownKey = key;
    keepFocus(() => fill($("list"), shown.map((c) => item(c, outcome && outcome.shown_id))));
    const empty = $("list-empty");
    empty.hidden = shown.length > 0;
    if (!shown.length) {
      setText(
        empty,
        all.length ? t("rapporteur.list_no_match") : t("rapporteur.list_none_yet"),
      );
    }
    setText(
      $("list-count"),
      shown.length === all.length
        ? t("rapporteur.count_all", { count: all.length })
        : t("rapporteur.count_shown", { n: shown.length, count: all.length }),
    );
  }

  fill(
    $("kind-filter"),
    radio("kind", "all", t("rapporteur.filter_both"), null),
    KINDS.map((kind) => radio("kind", kind, kindPlural(kind), null)),
  );
  $("search").addEventListener("input", (event) => {
    filters.words = searchWords(event.target.value);
    render();
  });

  return { render };
}
