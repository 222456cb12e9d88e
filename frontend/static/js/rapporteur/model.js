// What the rapporteur's page knows about contributions: their numbers, words for their kinds,
// statuses and languages, the themes the programme suggests, and the filters.

import { constituencyLabel } from "../i18n.js";

export const STATUSES = ["submitted", "accepted", "set_aside", "merged"];
export const STATUS_LABELS = {
  submitted: "Submitted",
  accepted: "Accepted",
  set_aside: "Set aside",
  merged: "Merged",
};
export const KIND_LABELS = { recommendation: "Recommendation", pledge: "Pledge" };
export const KIND_PLURALS = { recommendation: "Recommendations", pledge: "Pledges" };
export const LANGUAGE_NAMES = {
  ar: "Arabic",
  zh: "Chinese",
  en: "English",
  fr: "French",
  ru: "Russian",
  es: "Spanish",
  other: "Another language",
};

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
  const themes = (programme || []).filter((segment) => segment.kind === "thematic").map((s) => themeOf(s.title));
  return [...new Set(themes.filter(Boolean))];
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
