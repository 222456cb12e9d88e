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

/** A text's beginning for a screen reader: whole words up to `chars` characters, then "…". */
export function beginningOf(text, chars) {
  if (text.length <= chars) return text;
  const cut = text.slice(0, chars);
  const space = cut.lastIndexOf(" ");
  return `${space > chars / 2 ? cut.slice(0, space) : cut}…`;
}
