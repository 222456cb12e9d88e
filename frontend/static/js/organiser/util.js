// What the desk's sections share: a confirmation dialog, copying a link, times as the event
// reads them, a QR code's SVG as an image, and the words for roles and faces (in the page's
// language: every word is looked up when it is drawn, never when the module loads); the focus
// kept off <body> (a list drawn again, a button waiting, a control hidden), dates kept whole on
// their line, and a select whose choice waits for Enter.

import { h, setText } from "../dom.js";

// a time typed at the desk, and Arabic-Indic digits, are read as every face reads them (dom.js)
export { clock24, latinDigits } from "../dom.js";
import { currentLanguage, t } from "../i18n.js";

const $ = (id) => document.getElementById(id);

/** "10:30" from an ISO 8601 local time the server gave ("2022-05-16T10:30:00-04:00"). */
export const hourMinute = (local) => (local ? local.slice(11, 16) : "");

/** "2022-05-16" from the same. */
export const dayOf = (local) => (local ? local.slice(0, 10) : "");

/** Where the desk acts, in a word: the event's room, else its title (one hearing in three rooms
 * has one title and three rooms). */
export const whereOf = (event) => (event ? event.room || event.title : "");

/** The direction a text sets itself in: its first letter's ("rtl" for Arabic or Hebrew). A
 * select's `dir="auto"` would take its first option's instead, whichever is chosen. */
export function textDir(text) {
  const letter = /\p{L}/u.exec(String(text || ""));
  return letter && /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(letter[0]) ? "rtl" : "ltr";
}

/** An event's title, room and date, as the event picker names it ("IMRF hearing · Room A ·
 * 2027-05-17"): three events with one title differ. The room and the date are isolated in a
 * right-to-left page; the title is left as it is, so that it sets the line's direction. */
export const eventName = (event) =>
  [event.title, isolate(event.room), isolate(event.date, { ltr: true })].filter(Boolean).join(" · ");

/**
 * A value put in a sentence of the page's language, kept whole: a date, a time or a code (`ltr`),
 * or what people typed. In a right-to-left page its parts would otherwise be reordered (after an
 * Arabic word "2022-05-16" reads 16-05-2022), so it is isolated there; elsewhere it is as it is.
 */
export function isolate(value, { ltr = false } = {}) {
  if (document.documentElement.dir !== "rtl" || value === null || value === undefined || value === "") return value;
  return `${ltr ? "\u2066" : "\u2068"}${value}\u2069`;
}

/** A date (YYYY-MM-DD) in a sentence, isolated (a right-to-left page) or not. */
const DATE_IN_TEXT = /(\u2066?\d{4}-\d{2}-\d{2}\u2069?)/;

/**
 * Put `text` in `node`, each date in it (YYYY-MM-DD) kept whole on one line and left to right
 * (span.date, white-space: nowrap): broken at a hyphen ("on 2027-06-" and "17." on two lines) a
 * date reads as two things, and in Arabic as a jumble. The text itself is as `setText` puts it.
 */
export function setDated(node, text) {
  const parts = String(text ?? "").split(DATE_IN_TEXT);
  if (parts.length === 1) {
    setText(node, parts[0]);
    return;
  }
  if (node.textContent === parts.join("") && node.querySelector(".date")) return; // (no redraw)
  node.replaceChildren(...parts.map((part, at) => (at % 2 ? h("span", { class: "date", dir: "ltr" }, part) : part)).filter((part) => part !== ""));
}

/** The page's language for Intl, with Latin digits (the desk's numbers are never Arabic-Indic). */
export const intlLocale = () => `${currentLanguage()}-u-nu-latn`;

/** A list of values shown to people, joined as the page's language writes a list ("A, B, C";
 * "A، B، C" in Arabic; "A、B、C" in Chinese). */
export const joinList = (values) => values.join(t("desk.list_separator"));

/** A count in figures as the page's language groups them (1,500; 1 500), in Latin digits. */
export const figure = (n) => new Intl.NumberFormat(intlLocale()).format(n);

/** The next day of a `YYYY-MM-DD` date (and of the last of a month, a year, the 29 February). */
export function nextDay(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** How long after the programme's last planned end a time typed past midnight is read as that
 * night's (a night session's last segment or interpretation ends soon after it). */
const NIGHT_AFTER_MIN = 6 * 60;

/** Whether a time of day typed ("HH:MM") for the event's date `day` means that night's, on the
 * next day: before the programme's first start, and within NIGHT_AFTER_MIN of its last end once
 * read on the next day ("00:30" after a 22:30-23:59 programme; "09:00" before a 10:00 start stays
 * the day's, and the server says what is wrong with it). `segments`: as the server gives them. */
export function tonight(day, segments, time) {
  // minutes from the day's midnight of a local time the server gave (null: another day)
  const minutesOf = (local) => {
    if (!local) return null;
    const offset = dayOf(local) === day ? 0 : dayOf(local) === nextDay(day) ? 1440 : null;
    const [h, m] = hourMinute(local).split(":").map(Number);
    return offset === null ? null : offset + h * 60 + m;
  };
  const starts = segments.map((s) => minutesOf(s.scheduled_start_at_local)).filter((v) => v !== null);
  const ends = segments.map((s) => minutesOf(s.scheduled_end_at_local)).filter((v) => v !== null);
  if (!starts.length || !ends.length) return false;
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m < Math.min(...starts) && 1440 + h * 60 + m - Math.max(...ends) <= NIGHT_AFTER_MIN;
}

/** Days from one `YYYY-MM-DD` date to another (1 from a day to the next). */
export function daysBetween(from, to) {
  const at = (day) => {
    const [y, m, d] = day.split("-").map(Number);
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((at(to) - at(from)) / 86_400_000);
}

/** "16 May, 10:30" from the same (the date only when it is not `today`), the day and month in the
 * page's language ("16 mai", "5月16日"); the time stays as the room reads it. */
export function dayAndTime(local, today = "") {
  if (!local) return "";
  const day = dayOf(local);
  if (day === today) return hourMinute(local);
  const [y, m, d] = day.split("-").map(Number);
  const date = new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
  return t("desk.day_and_time", { date, time: isolate(hourMinute(local), { ltr: true }) });
}

/** Two local times as the room reads them ("00:45"), each with its day when they fall on
 * different days ("16 May, 01:45" beside "17 May, 00:45": bare, they read the wrong way round). */
export function twoTimes(a, b) {
  if (!a || !b || dayOf(a) === dayOf(b)) return [hourMinute(a), hourMinute(b)];
  return [dayAndTime(a), dayAndTime(b)];
}

/** "Tue 19 May, 23:59" from the same: the weekday, day and month in the page's language, the time
 * as the room reads it (a date some days or weeks away, where the weekday helps). */
export function weekdayAndTime(local) {
  if (!local) return "";
  const [y, m, d] = dayOf(local).split("-").map(Number);
  const date = new Intl.DateTimeFormat(intlLocale(), { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
  return t("desk.day_and_time", { date, time: isolate(hourMinute(local), { ltr: true }) });
}

/** "just now", "40 s ago", "3 min ago", "2 h ago". */
export function ago(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 5) return t("desk.ago.now");
  if (seconds < 90) return t("desk.ago.seconds", { n: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return t("desk.ago.minutes", { n: minutes });
  return t("desk.ago.hours", { n: Math.round(minutes / 60) });
}

/** An SVG the server made (a QR code) as an image: drawn, never parsed into the page. */
export function svgImage(svg, alt) {
  const image = document.createElement("img");
  image.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
  image.alt = alt;
  image.className = "qr";
  return image;
}

/** Copy the text of a read-only field (works on plain http too, where the clipboard API is not). */
export async function copyField(field) {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    field.focus();
    field.select();
    return document.execCommand("copy");
  }
}

/** Ask before something that cannot be taken back; resolves to true on OK. */
export function confirmAction({ title, text, ok }) {
  const dialog = $("confirm-dialog");
  setText($("confirm-heading"), title);
  setText($("confirm-text"), text);
  setText($("confirm-ok"), ok);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
    $("confirm-cancel").focus(); // the safe answer first
  });
}

/** An access link's role in words ("Moderator console"); an unknown one as it is. */
export function roleLabel(code) {
  const roles = {
    organiser: t("identify.organiser"),
    moderator: t("identify.console"),
    display: t("desk.role.display"),
    booth: t("identify.booth"),
    rapporteur: t("identify.rapporteur"),
    device: t("desk.role.device"),
  };
  return roles[code] || code || "";
}

/** A connected screen's face in words ("Speaker clock"); an unknown one as it is. */
export function faceLabel(code) {
  const faces = {
    console: t("identify.console"),
    display: t("identify.display"),
    clock: t("identify.clock"),
    booth: t("identify.booth"),
    rapporteur: t("identify.rapporteur"),
    organiser: t("identify.organiser"),
    other: t("identify.other"),
  };
  return faces[code] || code || "";
}

/** The server's messages are clauses ("the queue is full"): show them as sentences. */
export const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

/** The desk's label of each field a request's body may name, by its name in the body. */
const FIELD_LABELS = {
  title: "desk.field.title",
  venue: "desk.event.venue",
  room: "desk.event.room",
  date: "desk.event.date",
  timezone: "desk.event.timezone",
  languages: "desk.event.languages",
  hard_stop_at: "desk.event.hard_stop",
  scheduled_start_at: "desk.segment.starts",
  scheduled_end_at: "desk.segment.ends",
  kind: "desk.segment.kind",
  moderator: "desk.segment.moderator",
  aim: "desk.segment.aim",
  label: "desk.links.label",
  expires_at: "desk.links.expires",
  expires_in_s: "desk.links.expires",
  name: "desk.field.name",
  organisation: "desk.participants.organisation",
  region: "desk.participants.region",
  constituency: "desk.participants.constituency",
  language: "desk.participants.language",
  attendance: "desk.participants.attendance",
};

/** A field of a request's body as the desk's form names it ("Moderator"), in the page's
 * language; a field it has no label for as it is. */
export const fieldLabel = (field) => (Object.hasOwn(FIELD_LABELS, field) ? t(FIELD_LABELS[field]) : field);

/**
 * The fields a `changed_since` refusal names (someone else saved them since this desk read
 * them: the answer's `changed`, their values now), or null for any other refusal.
 */
export function changedSince(error) {
  if (!error || error.code !== "changed_since") return null;
  const body = error.body || {};
  const changed = body.changed || (body.detail && body.detail.changed) || (body.error && body.error.changed) || {};
  return Object.keys(changed).filter((name) => !name.endsWith("_local"));
}

/** Whether a refusal says that what was asked about is gone (someone else removed it). */
export const gone = (error) => Boolean(error && (error.status === 404 || error.code === "not_found"));

/**
 * "Moderator is now “Mr. D”; Aim is now empty": the fields someone else changed, each with its
 * value now as the desk shows it (`show(field)`: the words, or "" for none), as one list.
 */
export function changesText(fields, show) {
  return joinList(
    fields.map((field) => {
      const value = show(field);
      const label = fieldLabel(field);
      return value === "" || value === null || value === undefined
        ? t("desk.conflict.item_empty", { field: label })
        : t("desk.conflict.item", { field: label, value: isolate(value) });
    }),
  );
}

// --- the focus: never dropped on <body> (where a screen reader starts again from the top) -------

const CONTROLS = "button, a[href], input, select, textarea";

/** Whether an element can take the focus now: in the page, shown (not in a part hidden), and
 * not disabled (aria-disabled can: it waits, or cannot act, and says so). */
export function canFocus(element) {
  return Boolean(
    element && element.isConnected && !element.disabled && !element.closest("[hidden], [inert]") && element.getClientRects().length > 0,
  );
}

/** Whether the focus is lost: on <body>, or on an element hidden or taken out of the page. */
export function focusLost() {
  const active = document.activeElement;
  return !active || active === document.body || !canFocus(active);
}

/**
 * The focus given to the first of `targets` (elements, or null) that can take it: a control as
 * it is; a heading, a line or a region with tabindex=-1 (read where it is, not in the Tab order).
 * For where the focus was when that is hidden or drawn away (a section shown instead, a row
 * removed, a button put away). Returns the element focused, or null.
 */
export function focusOn(...targets) {
  for (const target of targets.flat()) {
    if (!canFocus(target)) continue;
    if (!target.matches(CONTROLS) && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
    return target;
  }
  return null;
}

/**
 * Run `work` (a call to the server, awaited) for the button pressed, keeping the focus on it: it
 * says it waits (aria-disabled) where `disabled` would drop the focus to <body>, and a press
 * meanwhile does nothing (its handler asks `waiting(button)` first). Returns what `work` returns.
 */
export async function waitingOn(button, work) {
  button.setAttribute("aria-disabled", "true");
  button.dataset.waiting = "true";
  try {
    return await work();
  } finally {
    button.removeAttribute("aria-disabled");
    delete button.dataset.waiting;
  }
}

/** Whether the button waits for the server's answer to its last press (`waitingOn`). */
export const waiting = (button) => button.dataset.waiting === "true";

/**
 * Draw a list again (`draw`) without taking the focus, or what was being typed, away from whoever
 * is in it: an element kept across the drawing (a form under a row) keeps its focus and its
 * selection; a button of a row drawn anew is found again by its row's key and its place in it.
 * A row gone (someone removed), or left with nothing to press (a link revoked), gives the focus
 * to the row now in its place, the next or else the one before (the control in the same place:
 * the next Remove, the next Revoke), else to `fallback` (the list's heading). The desk draws its
 * lists again whenever another organiser changes them, and after its own changes.
 */
export function keepFocus(container, draw, { fallback = null } = {}) {
  const active = document.activeElement;
  if (!active || active === document.body || !container.contains(active)) {
    draw();
    return;
  }
  // a row is known by its id (data-segment-id, data-participant-id, data-link-id), not its state
  const rowKey = (tr) => JSON.stringify(Object.entries(tr.dataset).filter(([name]) => name.endsWith("Id")));
  const keyed = () => [...container.querySelectorAll("tr")].filter((tr) => rowKey(tr) !== "[]");
  const controlsOf = (tr) => [...tr.querySelectorAll(CONTROLS)];
  // the row the focus is in; in a form or a card under a row, the row it belongs to
  let row = active.closest("tr");
  const own = row;
  while (row && rowKey(row) === "[]") row = row.previousElementSibling;
  const key = row ? rowKey(row) : null;
  const at = row ? keyed().indexOf(row) : -1;
  const place = row && row === own ? controlsOf(row).indexOf(active) : 0;
  let selection;
  try {
    selection = "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
  } catch {
    // (a field whose type has no selection)
  }
  draw();
  if (active.isConnected) {
    if (document.activeElement !== active) active.focus({ preventScroll: true });
    if (selection && selection[0] !== null) {
      try {
        active.setSelectionRange(...selection);
      } catch {
        // (a field whose type has no selection)
      }
    }
    return;
  }
  const rows = keyed();
  const pick = (tr) => {
    const controls = controlsOf(tr).filter((control) => !control.disabled);
    return controls.includes(controlsOf(tr)[place]) ? controlsOf(tr)[place] : controls[0] || null;
  };
  const again = key ? rows.find((tr) => rowKey(tr) === key) : null;
  const same = again ? pick(again) : null;
  if (same) {
    same.focus({ preventScroll: true });
    return;
  }
  if (at < 0) {
    focusOn(fallback);
    return;
  }
  // its neighbours: the row now in its place (or after it), then those before it
  const from = again ? rows.indexOf(again) + 1 : at;
  const before = rows.slice(0, again ? from - 1 : from).reverse();
  const neighbour = [...rows.slice(from), ...before].map(pick).find(Boolean);
  focusOn(neighbour, fallback);
}

/** Keys that move a closed select's choice (a change that follows one is not yet a choice made). */
const MOVES = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

/**
 * A select whose choice is taken only when it is made (WCAG 3.2.2), by the rules of the language
 * picker beside it (staff-language.js): an option chosen from the open list (the pointer, or
 * Enter in it), or Enter on the picker. An arrow key (or a letter) on the closed picker only
 * moves the choice, which waits for Enter (data-pending: the hint under it says so) and is taken
 * back on Escape or when the focus leaves. `current()`: the value taken now; `choose(value)`:
 * take another.
 */
export function chooseOnEnter(select, { current, choose }) {
  let moving = false; // a key that moves the closed picker's choice is being handled
  const pending = () => select.value !== current();
  const showPending = () => {
    if (pending()) select.dataset.pending = "true";
    else delete select.dataset.pending;
  };
  const takeBack = () => {
    select.value = current();
    showPending();
  };
  const take = () => {
    delete select.dataset.pending;
    choose(select.value);
  };
  select.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === "Escape") {
      if (!pending()) return;
      event.preventDefault();
      if (event.key === "Enter") take();
      else takeBack();
      return;
    }
    const letter = event.key.length === 1 && !event.ctrlKey && !event.metaKey;
    if (event.altKey || !(MOVES.has(event.key) || letter)) return;
    moving = true;
    setTimeout(() => (moving = false)); // the change it makes comes before this
  });
  select.addEventListener("change", () => {
    if (moving) showPending(); // moved with a key: waits for Enter
    else if (pending()) take(); // chosen from the open list
  });
  select.addEventListener("blur", () => {
    if (pending()) takeBack();
  });
}

/**
 * A refusal whose server words name a field of the body sent ("body.timezone: "EST" is a fixed
 * offset…", an invalid_request's) naming it as the form does instead ("Time zone: …", in the
 * page's language), the server's words after it kept whole (isolated in a right-to-left page);
 * any other refusal as it is.
 */
export function withLabels(said) {
  const message = said && typeof said.message === "string" ? said.message : "";
  const parts = message.split(/\bbody\.(\w+):\s*/);
  if (parts.length < 3) return said;
  let named = parts[0];
  for (let at = 1; at < parts.length; at += 2) {
    const field = parts[at];
    const label = Object.hasOwn(FIELD_LABELS, field) ? t(FIELD_LABELS[field]) : field;
    named += t("desk.refusal_field", { field: label, message: isolate(parts[at + 1]) });
  }
  return { code: said.code, message: named, reason: said.reason, name: said.name };
}
