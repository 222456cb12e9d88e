// Words and numbers the console shows: labels for the domain's enums and the server's keys,
// durations. Every figure comes from the server (the view, the instruments): nothing here
// computes a balance, a budget or a time to come.

export const CONSTITUENCIES = {
  migrant_association: "Migrant association",
  local_and_regional_authorities: "Local and regional authorities",
  civil_society: "Civil society",
  migrant_and_diaspora_organisation: "Migrant and diaspora organisation",
  academia: "Academia",
  private_sector: "Private sector",
  trade_union: "Trade union",
  parliamentarian: "Parliamentarian",
  national_human_rights_institution: "National human rights institution",
  faith_based_organisation: "Faith-based organisation",
  red_cross_red_crescent: "Red Cross / Red Crescent",
  media: "Media",
  human_rights_mechanism: "Human rights mechanism",
  member_state: "Member State",
  un_system: "UN system",
  other: "Other",
};

export const KINDS = {
  panellist: "Panellist",
  intervention: "Floor intervention",
  point_of_order: "Point of order",
  right_of_reply: "Right of reply",
  moderator_summary: "Moderator summary",
  remarks: "Remarks",
  question: "Question",
  answer: "Answer",
};

export const STATUSES = { scheduled: "Scheduled", live: "Live", ended: "Ended" };

export const constituencyLabel = (value) => CONSTITUENCIES[value] || value || "";
export const kindLabel = (value) => KINDS[value] || value || "";

/** 5 min, 2 min 30 s, 45 s: a duration for reading, not a clock. */
export function minutes(ms) {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (!m) return `${s} s`;
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** 2:30: a duration as minutes:seconds, for a field the moderator edits. */
export function minutesSeconds(ms) {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * "2:30", "2" (minutes) or "0:45" as milliseconds; null when blank, NaN when it is no duration.
 * Only reads what was typed: whether the server takes that time is the server's to say.
 */
export function parseMinutesSeconds(text) {
  const value = String(text || "").trim();
  if (!value) return null;
  const match = /^(\d{1,3})(?::([0-5]\d))?$/.exec(value);
  if (!match) return Number.NaN;
  return (Number(match[1]) * 60 + Number(match[2] || 0)) * 1000;
}

/** 1 h 05 min or 42 min: rounded to the minute, for the programme's arithmetic. */
export function roundMinutes(ms) {
  const total = Math.round(Math.abs(ms) / 60000);
  if (total < 60) return `${total} min`;
  const days = Math.floor(total / 1440);
  if (days >= 2) return `${days} days`;
  const h = Math.floor(total / 60);
  return `${h} h ${String(total % 60).padStart(2, "0")} min`;
}

/** The outcome: recommendations and pledges, their curation status, the languages they come in. */
export const CONTRIBUTION_KINDS = { recommendation: "Recommendation", pledge: "Pledge" };
export const CONTRIBUTION_STATUSES = {
  submitted: "To curate",
  accepted: "Accepted",
  set_aside: "Set aside",
  merged: "Merged",
};
export const LANGUAGES = {
  ar: "Arabic",
  zh: "Chinese",
  en: "English",
  fr: "French",
  ru: "Russian",
  es: "Spanish",
  other: "Another language",
};

/** The language tag of a speaker's floor language: "FR", "AR"…, "Other" (the room shows the same). */
export const languageTag = (code) => (!code ? "" : code === "other" ? "Other" : code.toUpperCase());
export const languageName = (code) => LANGUAGES[code] || code || "";

/** Self-declared and optional: only in the balance's figures and, discreetly, a row's tooltip. */
export const GENDERS = { woman: "Women", man: "Men", another: "Another gender", unstated: "Not stated" };
export const GENDER_OF_ONE = { woman: "woman", man: "man", another: "another gender" };
/** The balance's groups of constituencies (app/floor/balance.py group_of). */
export const GROUPS = {
  member_states: "Member States",
  stakeholders: "Stakeholders",
  un_system: "UN system",
  others: "Others",
};
export const regionLabel = (key) => (!key || key === "unstated" ? "Not stated" : key);

/** The booth's signals: what the console shows, big, until each expires or is cleared. */
export const SIGNALS = {
  slow_down: { label: "Slow down", detail: "The interpreters ask the speaker to slow down." },
  no_sound: { label: "No sound", detail: "The booth hears no sound from the floor." },
  mic_off: { label: "Microphone off", detail: "The speaker's microphone is off." },
};

/** "1 turn", "3 turns". */
export const turns = (n) => `${n} ${n === 1 ? "turn" : "turns"}`;

/** "3 speakers", "1 speaker". */
export const speakers = (n) => `${n} ${n === 1 ? "speaker" : "speakers"}`;
