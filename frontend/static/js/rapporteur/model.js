// What the rapporteur's page knows about contributions: their numbers, words for their kinds,
// statuses and languages (in the page's language: ../i18n/rapporteur.js), the themes the
// programme suggests, and the filters.

import { h } from "../dom.js";
import { constituencyLabel, contributionKindLabel, floorLanguageName, t } from "../i18n.js";

export const STATUSES = ["submitted", "accepted", "set_aside", "merged"];
export const KINDS = ["recommendation", "pledge"];

/** "Submitted", "Accepted", "Set aside", "Merged", in the page's language. */
export const statusLabel = (code) => (code ? t(`rapporteur.status.${code}`) : "");
/** "Recommendation" or "Pledge" (the phone's words, ../i18n.js contribution.*). */
export const kindLabel = (code) => contributionKindLabel(code) || code || "";
/** "Recommendations" or "Pledges": a filter's choice. */
export const kindPlural = (code) => (code ? t(`rapporteur.kinds.${code}`) : "");
/** "French"; "Another language" for other (../i18n.js language.*). */
export const languageName = (code) => floorLanguageName(code) || code || "";
/**
 * A contribution's lang attribute: its language's code, or "" (unknown) for another language, so
 * that its text is not read as the page's language.
 */
export const langOf = (code) => (code && code !== "other" ? code : "");

/**
 * A sentence of the page's with people's words in it ("Set aside: {note}"), as pieces: the
 * sentence's own words as strings, each value in a <bdi> of its own, so that a name or a note in
 * another script keeps its direction inside the sentence (dom.js h and fill take the pieces).
 */
export function isolate(key, vars) {
  return t(key) // without values: the {placeholders} are kept, to be split on
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((piece) => {
      const name = /^\{(\w+)\}$/.exec(piece);
      return name && Object.hasOwn(vars, name[1]) ? h("bdi", {}, String(vars[name[1]])) : piece;
    });
}

/** protocol.md, Outcome commands: the limits the server keeps. */
export const MAX_TEXT = 2000;
export const MAX_NOTE = 280;
export const MAX_THEME = 80;
export const MAX_THEMES = 5;

/** Each contribution's number (#1 is the earliest submitted), stable as the day goes on. */
export function numbering(contributions) {
  return new Map(contributions.map((item, index) => [item.id, index + 1]));
}

/**
 * A theme's label from a segment's title: the whole title when it fits (80 characters), else
 * its head before the colon ("Thematic discussion I: Assessing the progress…" → "Thematic
 * discussion I").
 */
export function themeOf(title) {
  const clean = (title || "").trim();
  if (clean.length <= MAX_THEME) return clean;
  const head = clean.split(":")[0].trim();
  return (head.length <= MAX_THEME ? head : head.slice(0, MAX_THEME)).trim();
}

/** The themes the programme suggests: its thematic segments', in programme order. */
export function suggestedThemes(programme) {
  return [...new Set(suggestedSegments(programme).map((suggestion) => suggestion.theme))];
}

/** The same, each with the title of the segment it names: `[{theme, title}]`. */
export function suggestedSegments(programme) {
  return (programme || [])
    .filter((segment) => segment.kind === "thematic")
    .map((segment) => ({ theme: themeOf(segment.title), title: segment.title }))
    .filter((suggestion) => suggestion.theme);
}

export function segmentTitle(programme, segmentId) {
  if (!segmentId) return "";
  const segment = (programme || []).find((s) => s.id === segmentId);
  return segment ? segment.title : "";
}

export function excerpt(text, length = 70) {
  const flat = (text || "").replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** Whether a contribution matches the filters: status, kind, and every word of the search. */
export function matches(item, { status, kind, words }, context) {
  if (status !== "all" && item.status !== status) return false;
  if (kind !== "all" && item.kind !== kind) return false;
  if (!words.length) return true;
  const haystack = [
    `#${context.number}`,
    item.text,
    item.original_text,
    item.author.name,
    item.author.organisation,
    constituencyLabel(item.author.constituency),
    ...(item.themes || []),
    context.segmentTitle,
    item.note || "",
  ]
    .join("\n")
    .toLocaleLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function searchWords(text) {
  return text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * A contribution's direction: right to left when it is in Arabic (even one that begins with a
 * Latin word or a figure, "2024: UNHCR …"), else that of its first letter.
 */
export const dirOf = (code) => (code === "ar" ? "rtl" : "auto");

/**
 * The way back to the list on a narrow screen, where the list and the contribution chosen take
 * turns (rapporteur.css hides it when both are side by side).
 */
export function backBar(ctx) {
  const back = h("button", { type: "button", id: "back-to-list", class: "btn btn-small btn-quiet" }, t("rapporteur.back_to_list"));
  back.addEventListener("click", () => ctx.backToList());
  return h("div", { class: "back-bar" }, back);
}
