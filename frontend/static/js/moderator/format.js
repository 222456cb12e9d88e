// Words and numbers the console shows: labels for the domain's enums, durations, lateness.

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

/** A schedule made for another day (a rehearsal, the demo) is measured from the actual start. */
const ANOTHER_DAY_MS = 6 * 3600 * 1000;

/**
 * How late the segment runs: its planned end against now plus the time still to speak.
 * `clock` formats an instant as a time of day. Returns {text, tone, detail, note}, where tone is
 * "ok", "late" or "info".
 */
export function lateness(segment, remainingMs, now, clock) {
  const start = segment.scheduled_start_at;
  const end = segment.scheduled_end_at;
  if (start == null || end == null) return { text: "No planned end", tone: "info", detail: "", note: "" };
  const slot = end - start;
  let planned = end;
  let note = "";
  if (segment.actual_start_at != null && Math.abs(segment.actual_start_at - start) > ANOTHER_DAY_MS) {
    planned = segment.actual_start_at + slot;
    note = "Scheduled for another day: the planned end is counted from the actual start.";
  }
  if (segment.status === "scheduled") {
    const over = remainingMs - slot;
    return {
      text: over >= 60000 ? `Queue ${roundMinutes(over)} too long` : "Queue fits the slot",
      tone: over >= 60000 ? "late" : "ok",
      detail: `${roundMinutes(remainingMs)} queued for ${roundMinutes(slot)}`,
      note,
    };
  }
  if (segment.status === "ended") {
    const ended = segment.actual_end_at || now;
    const { text, tone } = verdict(ended - planned);
    return { text, tone, detail: `Ended ${clock(ended)} · planned ${clock(planned)}`, note };
  }
  const projected = now + remainingMs;
  const { text, tone, spare = "" } = verdict(projected - planned);
  return {
    text,
    tone,
    detail: `Ends ≈ ${clock(projected)} · planned ${clock(planned)}`,
    extra: `${roundMinutes(remainingMs)} to speak${spare}`,
    note,
  };
}

function verdict(lateMs) {
  if (lateMs >= 60000) return { text: `+${roundMinutes(lateMs)} late`, tone: "late" };
  if (lateMs <= -60000) return { text: "On time", tone: "ok", spare: ` · ${roundMinutes(lateMs)} spare` };
  return { text: "On time", tone: "ok" };
}

/** The queue's speaking time still to come, with what is left of the current turn. */
export function timeStillToSpeak(state, currentRemaining) {
  const queued = state.queue.reduce((sum, entry) => sum + entry.allotted_ms, 0);
  return queued + Math.max(0, currentRemaining || 0);
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
