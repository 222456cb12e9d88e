// Building DOM safely: every piece of text goes in as a text node, never as HTML.

/**
 * h("li", {class: "entry", "aria-label": name, onclick: fn}, "text", childNode, null)
 * Strings become text nodes; null/false children are skipped; arrays are flattened.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace a node's children with these (same rules as h). */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** The language a person's name is written in, as the server says it (`name_lang`: "ar" for
 * "ليلى حداد", "" for a name in Latin letters), for its `lang`: a screen reader reads it in that
 * voice. Null when the server names none (h() then writes no attribute). Never guessed here. */
export function nameLang(person) {
  return (person && person.name_lang) || null;
}

/** Put `lang` on a node showing a person's name (or take it off: the page's language). */
export function setNameLang(node, person) {
  const lang = nameLang(person);
  if (lang) node.setAttribute("lang", lang);
  else node.removeAttribute("lang");
}

/** Set text only when it changed (keeps screen readers and layout quiet at 10 Hz). */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * The time of day at an instant, in the event's time zone; "" until that zone is known (or when
 * this browser does not know it): never the browser's own zone, which is not the room's. Every
 * face and language writes it one way, ISO 8601's 24-hour clock in Latin digits ("14:05", never
 * "02:05 PM"), so a phone and the room's screens agree.
 */
export function timeOfDay(ms, timeZone, locale = undefined) {
  if (ms === null || ms === undefined || !timeZone) return "";
  try {
    return clockFormat(locale, timeZone).format(ms);
  } catch {
    return "";
  }
}

// one formatter per (locale, zone), made once: the faces ask for the time of day at every tick,
// and making an Intl.DateTimeFormat costs far more than using one
const clockFormats = new Map();

function clockFormat(locale, timeZone) {
  const key = `${locale ?? ""}|${timeZone}`;
  let format = clockFormats.get(key);
  if (!format) {
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", numberingSystem: "latn", timeZone };
    format = new Intl.DateTimeFormat(locale, options); // throws for an unknown zone: not kept
    clockFormats.set(key, format);
  }
  return format;
}

/**
 * The date and time of day at an instant, in the event's time zone, as ISO 8601 writes them:
 * `{date: "2026-12-06", time: "14:05"}`; null until that zone is known (see timeOfDay).
 */
export function dateAndTime(ms, timeZone) {
  if (ms === null || ms === undefined || !timeZone) return null;
  try {
    const options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", numberingSystem: "latn", timeZone };
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", options).formatToParts(ms).map((part) => [part.type, part.value]));
    return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
  } catch {
    return null;
  }
}

/**
 * A time of day as typed in a 24-hour field ("9:30", "0930", "14.00", "14h00", "14") as HH:MM;
 * "" for an empty field; null for what is not a time of day. The desk's and the console's time
 * fields are text, not `type="time"`, which shows AM/PM in an English browser: the room's times
 * are 24-hour.
 */
export function clock24(typed) {
  const text = latinDigits(String(typed || "")).trim();
  if (!text) return "";
  // ":" as typed on a Chinese keyboard (：) and the Arabic decimal separator (٫) separate too
  const found = /^(\d{1,2})(?:[:.h\s\uFF1A\u066B]?(\d{2}))?$/.exec(text);
  if (!found) return null;
  const hours = Number(found[1]);
  const minutes = Number(found[2] || "0");
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

/** Arabic-Indic digits (٠١٢…, and the Persian and Urdu ۰۱۲…), as an Arabic keyboard types
 * them, as 0-9: "١٠:٣٠" is 10:30. */
export const latinDigits = (text) =>
  text.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (digit) => String(digit.charCodeAt(0) & 0xf));

/**
 * The instant (epoch ms) a wall clock in the event's time zone reads `hhmm` ("15:15") on the day
 * it is there at `near` (the server's now): the inverse of timeOfDay, for a time typed at a
 * console. The first of the two in the hour the clocks repeat (autumn), null in the hour they
 * skip (spring: wallReadings says which), for a time not written HH:MM, or when the zone is not
 * known.
 */
export function instantOfDay(hhmm, near, timeZone) {
  const readings = wallReadings(hhmm, near, timeZone);
  return readings && readings.instants.length ? readings.instants[0] : null;
}

/**
 * Every instant (epoch ms, earliest first) a wall clock in `timeZone` reads `hhmm` on the day it
 * is there at `near`: one as a rule, two in the hour the clocks repeat in autumn (01:15 in New
 * York on 2026-11-01, first -04:00 then -05:00), none in the hour they skip in spring (02:30 in
 * Zurich on 2026-03-29). Then `skipped` says what the server's refusal says (app/api/times.py):
 * the day ("2026-03-29") and the times to choose from: `before` ("02:00", null when the skipped
 * stretch begins at midnight) and `from` ("03:00"). Null for a time not written HH:MM, or when
 * the zone is not known.
 */
export function wallReadings(hhmm, near, timeZone) {
  const typed = /^(\d{1,2}):(\d{2})$/.exec(hhmm || "");
  if (!typed || !timeZone || Number(typed[1]) > 23 || Number(typed[2]) > 59) return null;
  try {
    const options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", numberingSystem: "latn", timeZone };
    const format = new Intl.DateTimeFormat("en-GB", options);
    const partsAt = (ms) => Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, Number(part.value)]));
    // the zone's offset at an instant: its wall clock read as if in UTC, less the instant
    const offsetAt = (ms) => {
      const p = partsAt(ms);
      return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
    };
    const day = partsAt(near);
    const wall = Date.UTC(day.year, day.month - 1, day.day, Number(typed[1]), Number(typed[2]));
    // the offsets a day either side (a change of summer time between them), and at the wall:
    // each reading of `wall` is the wall less one of them, where the zone has that offset
    const before = offsetAt(wall - 86400000);
    const after = offsetAt(wall + 86400000);
    const offsets = [...new Set([before, offsetAt(wall), after])];
    const instants = [...new Set(offsets.map((offset) => wall - offset).filter((ms) => offsetAt(ms) === wall - ms))];
    instants.sort((a, b) => a - b);
    let skipped = null;
    if (!instants.length && after > before) {
      // the change: between the wall read with the offset after and with the one before, found
      // to the second by halving, as the server does
      let low = Math.floor((wall - after) / 1000);
      let high = Math.ceil((wall - before) / 1000);
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offsetAt(middle * 1000) === after) high = middle;
        else low = middle;
      }
      const change = high * 1000;
      const clock = (ms) => new Date(ms).toISOString().slice(11, 16);
      const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);
      const from = change + before; // the first wall time skipped
      const iso = dayOf(wall);
      skipped = { day: iso, before: dayOf(from) === iso && clock(from) !== "00:00" ? clock(from) : null, from: clock(change + after) };
    }
    if (!instants.length && !skipped) return null;
    return { instants, skipped };
  } catch {
    return null;
  }
}

/** A text's beginning for a screen reader: whole words up to `chars` characters, then "…". */
export function beginningOf(text, chars) {
  if (text.length <= chars) return text;
  const cut = text.slice(0, chars);
  const space = cut.lastIndexOf(" ");
  return `${space > chars / 2 ? cut.slice(0, space) : cut}…`;
}
