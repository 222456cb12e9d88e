// Words and numbers the console shows: labels for the domain's enums and the server's keys,
// durations, in the page's language (../i18n/staff.js; the codes' own families in ../i18n.js).
// Every figure comes from the server (the view, the instruments): nothing here computes a
// balance, a budget or a time to come.

import "../i18n/staff.js";
import { CONSTITUENCIES as CONSTITUENCY_CODES, floorLanguageTag, plural, t } from "../i18n.js";

/**
 * `{code: label}` whose labels are read when asked for, in the page's language: a module may keep
 * one as a constant, and `KINDS[code]` or `Object.entries(KINDS)` still give today's words.
 */
function labels(codes, label) {
  const table = {};
  for (const code of codes) Object.defineProperty(table, code, { get: () => label(code), enumerable: true });
  return Object.freeze(table);
}

export const CONSTITUENCIES = labels(CONSTITUENCY_CODES, (code) => t(`constituency.${code}`));
export const KINDS = labels(
  ["panellist", "intervention", "point_of_order", "right_of_reply", "moderator_summary", "remarks", "question", "answer"],
  (code) => t(`kind.${code}`),
);
export const STATUSES = labels(["scheduled", "live", "ended"], (code) => t(`staff.status.${code}`));

export const constituencyLabel = (value) => CONSTITUENCIES[value] || value || "";
export const kindLabel = (value) => KINDS[value] || value || "";

const rightToLeft = () => document.documentElement.dir === "rtl";

/**
 * A clock time ("10:30"), a range of them ("10:00–10:30") or a time as m:ss, put in a sentence of
 * the page's language: it reads left to right in every language. In a right-to-left page its parts
 * would otherwise be reordered (in Arabic "10:00–10:30" reads 10:30–10:00), so it is isolated there
 * (U+2066 … U+2069, as the desk's isolate(value, {ltr: true})); elsewhere it is as it is.
 */
export const ltr = (text) => (rightToLeft() && text ? `\u2066${text}\u2069` : text);

/**
 * What people typed (a name, a title) put in a sentence of the page's language: in a right-to-left
 * page it keeps its own direction (U+2068 … U+2069), so "Moderator (TBC)" keeps its brackets where
 * they are; elsewhere it is as it is.
 */
export const typed = (text) => (rightToLeft() && text ? `\u2068${text}\u2069` : text);

/**
 * What someone wrote, quoted in a sentence of the page's language ("« {text} »"): always an
 * island of its own direction (U+2068 … U+2069), so an Arabic pledge on a French console keeps
 * the quotation marks the right way round, outside it.
 */
export const island = (text) => (text ? `\u2068${text}\u2069` : text);

/** 5 min, 2 min 30 s, 45 s: a duration for reading, not a clock. */
export function minutes(ms) {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (!m) return t("staff.duration.s", { s });
  return s ? t("staff.duration.min_s", { m, s }) : t("staff.duration.min", { m });
}

/** 2:30: a duration as minutes:seconds, for a field the moderator edits. */
export function minutesSeconds(ms) {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * The keypad of a time field (m:ss: the queue's ✎, the interposed turn's). A phone's "numeric"
 * pad has no ":" (an iPhone's has digits only); its "decimal" pad has digits and the decimal
 * separator of the phone's region ("." or ",", Arabic's "٫"), which parseMinutesSeconds reads as
 * the ":" ("1.30" is 1:30). A computer's keyboard types either.
 */
export const TIME_INPUT_MODE = "decimal";

/** Arabic-Indic and Persian digits (a phone's keypad in its region's digits) as Latin ones. */
const latinDigits = (text) =>
  text.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (digit) => String(digit.charCodeAt(0) & 0xf));

/**
 * "2:30", "2" (minutes) or "0:45" as milliseconds; null when blank, NaN when it is no duration.
 * The ":" may be typed as a decimal pad's separator, ".", "," or Arabic's "٫" ("1.30" and "1,30"
 * are 1:30, never 1.3 minutes: seconds are two digits, as after ":"), the digits as Arabic-Indic
 * ones ("١:٣٠"). Only reads what was typed: whether the server takes that time is the server's.
 */
export function parseMinutesSeconds(text) {
  const value = latinDigits(String(text || "").trim());
  if (!value) return null;
  const match = /^(\d{1,3})(?:[:.,\u066B]([0-5]\d))?$/.exec(value);
  if (!match) return Number.NaN;
  return (Number(match[1]) * 60 + Number(match[2] || 0)) * 1000;
}

/** 1 h 05 min or 42 min: rounded to the minute, for the programme's arithmetic. */
export function roundMinutes(ms) {
  const total = Math.round(Math.abs(ms) / 60000);
  if (total < 60) return t("staff.duration.min", { m: total });
  const days = Math.floor(total / 1440);
  if (days >= 2) return plural("staff.days", days);
  const h = Math.floor(total / 60);
  return t("staff.duration.h_min", { h, mm: String(total % 60).padStart(2, "0") });
}

/** The outcome: recommendations and pledges, their curation status, the languages they come in. */
export const CONTRIBUTION_KINDS = labels(["recommendation", "pledge"], (code) => t(`contribution.${code}`));
export const CONTRIBUTION_STATUSES = labels(["submitted", "accepted", "set_aside", "merged"], (code) =>
  t(`staff.curation.${code}`),
);
export const LANGUAGES = labels(["ar", "zh", "en", "fr", "ru", "es", "other"], (code) => t(`language.${code}`));

/** The language tag of a speaker's floor language: "FR", "AR"…, "Other" (the room shows the same). */
export const languageTag = (code) => floorLanguageTag(code);
export const languageName = (code) => LANGUAGES[code] || code || "";

/** Self-declared and optional: only in the balance's figures and, discreetly, a row's tooltip. */
export const GENDERS = labels(["woman", "man", "another", "unstated"], (code) => t(`staff.gender.${code}`));
export const GENDER_OF_ONE = labels(["woman", "man", "another"], (code) => t(`staff.gender_one.${code}`));
/** The balance's groups of constituencies (app/floor/balance.py group_of). */
export const GROUPS = labels(["member_states", "stakeholders", "un_system", "others"], (code) =>
  t(`staff.group.${code}`),
);
export const regionLabel = (key) => (!key || key === "unstated" ? t("staff.not_stated") : key);

/** The booth's signals: what the console shows, big, until each expires or is cleared. */
export const SIGNALS = labels(["slow_down", "no_sound", "mic_off"], (code) => ({
  label: t(`staff.signal.${code}`),
  detail: t(`staff.signal_detail.${code}`),
}));

/** "1 turn", "3 turns" (each language's plural forms). */
export const turns = (n) => plural("staff.turns", n);

/** "3 speakers", "1 speaker". */
export const speakers = (n) => plural("staff.speakers", n);
