// The organiser's desk: set a hearing up and keep an eye on it. Signed in by the organiser key
// (every event: pick one, or make a new one) or an organiser link (its own event). Sections: the
// event and its join code, the programme, the participants (the secretariat's spreadsheet in and
// out), access links with their QR codes, and the screens connected now. Everything goes through
// the REST API with the session cookie; the secret of a new link is shown here once. In the six
// languages (i18n/desk.js), in the one this browser chose (staff-language.js).
// With the keyboard and a screen reader: the focus is never dropped on <body> (a button waits
// with aria-disabled, a control hidden or drawn away gives the focus to a neighbour or the
// section's heading: organiser/util.js focusOn, waitingOn, keepFocus); the event picker opens an
// event on Enter, not on an arrow key (util.js chooseOnEnter, the language picker's rules); the
// notices keep the room they take at the window's foot free, and never lie over the focus.

import "./i18n/desk.js"; // the desk's words, in before any module below draws one
import { ApiError, actAs, api, signIn } from "./client.js";
import { h, setText } from "./dom.js";
import { plural, t } from "./i18n.js";
import { Notices } from "./moderator/notices.js";
import { createEventSection } from "./organiser/event.js";
import { createLinks } from "./organiser/links.js";
import { createParticipants } from "./organiser/participants.js";
import { createProgramme } from "./organiser/programme.js";
import { createScreens } from "./organiser/screens.js";
import { createSync } from "./organiser/sync.js";
import { chooseOnEnter, eventName, focusLost, focusOn, isolate, joinList, textDir, withLabels } from "./organiser/util.js";
import { refusalText } from "./refusal.js";
import { languagePicker, startLanguage } from "./staff-language.js";

startLanguage();
document.title = `${t("identify.organiser")} · Floorkeeper`;
const $ = (id) => document.getElementById(id);
actAs("organiser");

const shown = new Notices($("notices"));

/**
 * The room the notices take at the foot of the window (--notices-block), kept free below what the
 * desk shows: the section scrolls it, and the focus, above them (scroll-padding, organiser.css),
 * so that a notice never lies over a link just made or the control in use (a window at 200 %).
 */
function noticesRoom() {
  const region = $("notices");
  const top = region.children.length ? Math.min(...[...region.children].map((n) => n.getBoundingClientRect().top)) : innerHeight;
  const room = Math.max(0, Math.ceil(innerHeight - top));
  document.documentElement.style.setProperty("--notices-block", `${room}px`);
  return room;
}
new ResizeObserver(noticesRoom).observe($("notices"));
new MutationObserver(noticesRoom).observe($("notices"), { childList: true });
addEventListener("resize", noticesRoom);

/** An element under a notice (the one just focused, or the focus when a notice comes) scrolled
 * above the notices (scroll-padding keeps their room: organiser.css). */
function clearOfNotices(element) {
  if (!element || element === document.body || !$("notices").children.length) return;
  noticesRoom();
  const under = element.getBoundingClientRect();
  const covered = [...$("notices").children].some((notice) => {
    const over = notice.getBoundingClientRect();
    return under.bottom > over.top && under.top < over.bottom && under.right > over.left && under.left < over.right;
  });
  if (covered) element.scrollIntoView({ block: "nearest" });
}
document.addEventListener("focusin", (event) => clearOfNotices(event.target));

/**
 * The desk's notices. What it says after something worked clears the refusals and warnings said
 * before it (an old refusal stays otherwise for seconds over the form where the work goes on, as
 * if it were about what was just done). A notice that comes over the control in use moves the
 * section so that the control is above it.
 */
const notices = {
  show(text, tone = "info") {
    if (tone === "info") {
      for (const old of [...$("notices").children]) if (old.dataset.tone !== "info") old.remove();
    }
    const item = shown.show(text, tone);
    clearOfNotices(document.activeElement);
    return item;
  },
  /** Take away the refusals and warnings shown (another event, another section: not theirs). */
  clear() {
    for (const old of [...$("notices").children]) if (old.dataset.tone !== "info") old.remove();
  },
};
const SECTIONS = ["event", "programme", "participants", "links", "screens"];

const desk = {
  notices,
  session: null,
  /** The event being set up (GET /events/{id}), or null while a new one is being made. */
  event: null,
  events: [],
  participants: [],
  links: [],
  screens: null,
  /** Run an API call; on refusal show why (refusal.js: in the page's language) and throw it on. */
  async call(method, path, body, { quiet = false } = {}) {
    try {
      return await api(method, path, body);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) signedOut(t("desk.signin.expired"));
      else if (!quiet) notices.show(refusalText(withLabels(error)), "error");
      throw error;
    }
  },
  /** The event again from the server (after a change to it or its programme). */
  async reloadEvent() {
    if (!desk.event) return;
    desk.event = await api("GET", `/events/${encodeURIComponent(desk.event.id)}`);
    changed("event");
  },
  /**
   * A part of the desk read again because another organiser changed it (sync.js): "event" (the
   * event, its join code, live page and programme), "participants" or "links". Drawn again only
   * when it differs from what the desk shows (this desk's own change is read again too).
   */
  async refresh(part) {
    if (!desk.event) return;
    const id = desk.event.id;
    const events = `/events/${encodeURIComponent(id)}`;
    const paths = { event: events, participants: `${events}/participants`, links: `${events}/access-links` };
    const fields = { event: "event", participants: "participants", links: "links" };
    const now = await api("GET", paths[part]);
    if (!desk.event || desk.event.id !== id) return;
    const before = desk[fields[part]];
    if (JSON.stringify(now) === JSON.stringify(before)) return;
    desk[fields[part]] = now;
    if (part === "event" && before && before.join_code && now.join_code !== before.join_code) {
      // a code read out or printed a minute ago works no more: said, not only redrawn
      notices.show(t("desk.join.rotated_elsewhere", { code: isolate(now.join_code, { ltr: true }) }), "warning");
    }
    changed(part);
  },
  /** A refusal in words, in the page's language, naming a field as the form does. */
  refusal: (error) => refusalText(withLabels(error)),
  show,
  changed,
  selectEvent,
  focusSection,
};

const sections = {};
let sync = null;

function changed(what) {
  // the event picker's name for it: its title, room and date as they are now
  const listed = what === "event" && desk.event && desk.events.find((e) => e.id === desk.event.id);
  if (listed) Object.assign(listed, { title: desk.event.title, room: desk.event.room, date: desk.event.date });
  renderHeader();
  for (const section of Object.values(sections)) section.changed?.(what);
  renderChecklist();
}

function signedOut(message) {
  // the desk put away while someone works in it (the sign-in expired): the focus goes to the key
  const working = $("desk").contains(document.activeElement) || focusLost();
  $("desk").hidden = true;
  $("signin").hidden = false;
  $("event-picker").hidden = true;
  setText($("signin-message"), message);
  setText($("event-title"), t("desk.status.not_signed_in"));
  setText($("event-meta"), "");
  const status = $("connection-status");
  status.dataset.status = "signed-out";
  setText(status, t("desk.status.signed_out"));
  for (const section of Object.values(sections)) section.stop?.();
  sync?.stop();
  if (working && desk.session) focusOn($("signin-key"));
}

/** The focus on the heading of the section shown: for when the one that had it is hidden (an
 * event made: its programme shown; the desk shown after signing in). */
function focusSection() {
  const section = document.querySelector(".desk-section:not([hidden])");
  return focusOn(section && section.querySelector(".section-title"), $("desk-main"));
}

function show(name) {
  for (const button of document.querySelectorAll(".nav-btn")) {
    if (button.dataset.section === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  for (const section of document.querySelectorAll(".desk-section")) section.hidden = section.dataset.section !== name;
  notices.clear(); // a refusal said in another section is not about this one
  const params = new URLSearchParams(location.search);
  params.set("section", name);
  if (desk.event) params.set("event", desk.event.id);
  history.replaceState(null, "", `${location.pathname}?${params}`);
  sections[name]?.shown?.();
  sync?.poll(); // what another organiser changed meanwhile, at once
}

function renderHeader() {
  const event = desk.event;
  // what people typed reads in its own direction (the title: its paragraph's; the details: each)
  setText($("event-title"), event ? event.title : t("desk.event.new_title"));
  if (event) {
    const parts = [event.room, event.venue, event.date, event.timezone].filter(Boolean);
    // each part whole on its line where the line wraps (a narrow window): the date never at its hyphens
    $("event-meta").replaceChildren(
      ...parts.flatMap((part, at) => [...(at ? [" · "] : []), h("bdi", part === event.date ? { class: "date", dir: "ltr" } : {}, part)]),
    );
  } else {
    setText($("event-meta"), t("desk.event.new_meta"));
  }
  document.title = `${event ? event.title : t("desk.event_picker.new")} · ${t("identify.organiser")} · Floorkeeper`;
  const picker = $("event-select");
  if (!$("event-picker").hidden) {
    // a choice moved with the arrows and waiting for Enter (chooseOnEnter) stays as it is
    const waiting = picker.dataset.pending ? picker.value : null;
    picker.replaceChildren(
      // by its title, room and date: one hearing in three rooms is three events of one title
      ...desk.events.map((e) => new Option(eventName(e), e.id, false, event && e.id === event.id)),
      ...(event ? [] : [new Option(t("desk.event.new_title"), "", true, true)]),
    );
    if (waiting !== null && [...picker.options].some((option) => option.value === waiting)) picker.value = waiting;
    // in the direction of the name chosen (an English title among Arabic ones reads left to right)
    picker.dir = textDir(event ? event.title : t("desk.event.new_title"));
  }
  for (const button of document.querySelectorAll(".nav-btn")) {
    button.disabled = !event && button.dataset.section !== "event";
  }
  const segments = event ? event.segments.length : 0;
  setText($("nav-programme"), event ? String(segments) : "");
  setText($("nav-participants"), event ? String(desk.participants.length) : "");
  setText($("nav-links"), event ? String(desk.links.filter(live).length) : "");
  setText($("nav-screens"), desk.screens ? plural("desk.nav.screens_live", desk.screens.screens.length) : "");
  setText($("nav-event"), event && event.date ? event.date : "");
}

const live = (link) => !link.revoked_at && (link.expires_at === null || link.expires_at > Date.now());

function renderChecklist() {
  const event = desk.event;
  // a link that dies before the event's day is over (as the server says) does not make it ready
  const has = (role) => desk.links.some((link) => link.role === role && live(link) && !link.expires_before_event);
  const tooShort = (role) =>
    !has(role) && desk.links.some((link) => link.role === role && live(link) && link.expires_before_event);
  const screens = desk.screens ? desk.screens.screens : [];
  const segments = event ? event.segments : [];
  // a programme whose order and times disagree (the server names each such segment) is not ready
  const troubled = segments.filter((s) => s.timing_problem);
  let programmeWhy = "";
  if (event && !segments.length) programmeWhy = t("desk.checklist.why.no_segment");
  else if (troubled.length) programmeWhy = t("desk.checklist.why.timing", { segments: joinList(troubled.map((s) => isolate(s.title))) });
  const linkWhy = (role) => (tooShort(role) ? t("desk.checklist.why.link_short") : "");
  // each item: its words, whether it is done, and why not when the words alone do not say it
  const items = [
    [t("desk.checklist.dated"), Boolean(event && event.date), ""],
    [t("desk.checklist.programme"), Boolean(segments.length && !troubled.length), programmeWhy],
    [t("desk.checklist.participants"), desk.participants.length > 0, ""],
    [t("desk.checklist.moderator_link"), has("moderator"), linkWhy("moderator")],
    [t("desk.checklist.display_link"), has("display"), linkWhy("display")],
    [t("desk.checklist.screen_connected"), screens.some((s) => s.face === "display" || s.face === "clock"), ""],
  ];
  $("checklist").replaceChildren(
    ...items.map(([label, done, why]) => {
      const item = document.createElement("li");
      item.dataset.done = String(done);
      const words = h("span", { class: "checklist-words" }, label);
      const state = document.createElement("span");
      state.className = "visually-hidden";
      state.textContent = done ? t("desk.checklist.done") : t("desk.checklist.to_do");
      words.append(state);
      if (!done && why) words.append(h("span", { class: "checklist-why" }, why));
      item.append(words);
      return item;
    }),
  );
}

/** A section the organiser chose while an event was being read: it wins over the one asked for
 * (the link's ?section=), which would otherwise put them back where they started (CI, under load:
 * a click on Participants undone by the event's arrival). */
let chosenWhileReading = null;

/** Work on this event (null: a new one), showing `section` at once; its lists follow. */
// the newest choice of event: one read still under way when another is chosen is dropped
let choosing = 0;

async function selectEvent(eventId, section = "event") {
  const choice = ++choosing;
  const event = eventId ? await api("GET", `/events/${encodeURIComponent(eventId)}`) : null;
  // "New event" pressed while the first event was still being read: the press wins, not the
  // read (it filled the new event's form with the old one's, and Save then changed that one)
  if (choice !== choosing) return;
  desk.event = event;
  desk.participants = [];
  desk.links = [];
  desk.screens = null;
  changed("event");
  const wanted = chosenWhileReading ?? section;
  chosenWhileReading = null;
  show(desk.event && SECTIONS.includes(wanted) ? wanted : "event");
  if (!desk.event) return;
  await sync.prime(); // the tokens first: a change made while the lists are read is read again
  await Promise.all(Object.values(sections).map((part) => part.load?.()));
}

async function start() {
  let session;
  try {
    session = await signIn();
  } catch (error) {
    const revoked = error instanceof ApiError && (error.status === 401 || error.status === 403);
    signedOut(revoked ? t("desk.signin.invalid") : t("staff.signin.failed", { message: isolate(refusalText(error, { clause: true })) }));
    return;
  }
  if (!session) {
    signedOut(t("desk.signin.prompt"));
    return;
  }
  if (session.role !== "organiser") {
    signedOut(t("staff.signin.wrong_role", { role: t(`staff.role.${session.role}`), page: t("staff.page.organiser") }));
    return;
  }
  desk.session = session;
  $("signin").hidden = true;
  $("desk").hidden = false;
  const status = $("connection-status");
  status.dataset.status = "live";
  setText(status, session.event_id ? t("desk.status.link") : t("desk.status.key"));
  const params = new URLSearchParams(location.search);
  let eventId = session.event_id;
  if (!eventId) {
    $("event-picker").hidden = false;
    desk.events = await api("GET", "/events");
    const wanted = params.get("event");
    eventId = (desk.events.find((e) => e.id === wanted) || desk.events[0] || {}).id || null;
  }
  await selectEvent(eventId, params.get("section") || "event");
}

/** Fill an element with a sentence whose {placeholders} are code (a command, an address). */
function withCode(node, key, codes) {
  const parts = t(key).split(/\{(\w+)\}/);
  node.replaceChildren(
    ...parts.map((part, at) => (at % 2 ? h("code", { dir: "ltr", translate: "no" }, codes[part] ?? part) : part)),
  );
}

function wire() {
  languagePicker($("lang-select"));
  withCode($("signin-help"), "desk.signin.help", { link: "https://…/organiser#key=…", command: "floorkeeper serve" });
  sections.event = createEventSection(desk);
  sections.programme = createProgramme(desk);
  sections.participants = createParticipants(desk);
  sections.links = createLinks(desk);
  sections.screens = createScreens(desk);
  sync = createSync(desk);
  for (const button of document.querySelectorAll(".nav-btn")) {
    button.addEventListener("click", () => {
      chosenWhileReading = button.dataset.section;
      show(button.dataset.section);
      $("desk-main").focus({ preventScroll: true });
    });
  }
  // the nav is a list of buttons: the arrow keys move between them too
  $("desk").querySelector(".nav-list").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const buttons = [...document.querySelectorAll(".nav-btn:not(:disabled)")];
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    buttons[(at + (event.key === "ArrowDown" ? 1 : buttons.length - 1)) % buttons.length].focus();
  });
  // another event opens when it is chosen, not on every arrow key that goes past it (the language
  // picker's rules: arrows move the choice, Enter opens it, Escape or leaving takes it back)
  chooseOnEnter($("event-select"), {
    current: () => (desk.event ? desk.event.id : ""),
    choose: (id) => {
      chosenWhileReading = null; // another event opens on its own page, unless one is chosen meanwhile
      selectEvent(id);
    },
  });
  $("event-new").addEventListener("click", async () => {
    await selectEvent(null);
    if (desk.event) return; // another event chosen meanwhile
    sections.event.opened(); // said, and the focus in the new form's first field
  });
  const keyField = $("signin-key");
  keyField.addEventListener("input", () => keyField.removeAttribute("aria-invalid"));
  $("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const typed = keyField.value.trim();
    const key = typed.includes("#key=") ? typed.slice(typed.indexOf("#key=") + 5) : typed;
    try {
      await api("POST", "/session", { token: key });
    } catch (error) {
      // said at once (#signin-message is an alert, and the field's description), the field marked;
      // the same words again are said again (emptied first, then written)
      keyField.setAttribute("aria-invalid", "true");
      const words = error.status === 401 ? t("desk.signin.bad_key") : refusalText(error);
      setText($("signin-message"), "");
      setTimeout(() => setText($("signin-message"), words), 100);
      return;
    }
    keyField.value = "";
    keyField.removeAttribute("aria-invalid");
    await start();
    // the sign-in's field is hidden with it: the focus goes to the section the desk shows
    if (!$("desk").hidden) focusSection();
  });
}

window.organiserDesk = desk; // for the browser tests and for a look in the room
wire();
start();
