// The delegate's phone: join with the event's code, request the floor, follow one's place in
// the queue until one speaks, send a recommendation or a pledge for the outcome. Everything the server says is put in as text (dom.js).
// This module wires the pieces (delegate/*.js) to the page and renders on every change.
// The language picker offers the event's languages (its `languages`, from the join link's answer
// or the socket's snapshot); a language the event does not offer gives way to one it does.
//
// A phone that has joined keeps its session (an HttpOnly cookie) and goes on with it: the join
// code in the address is looked up only by a phone without a valid session, or by one that came
// in by another link (another meeting day's). So an organiser who rotates the code locks out no
// one who already joined, and their reloads never count as wrong codes. A phone that remembers
// no delegate (delegate/remember.js: written at join, forgotten at leave and when the server
// signs it out) has no session to go on with: it does not ask the server (which would answer
// 401), it shows the join form. One that remembers a delegate asks; if the server no longer
// knows it (removed, revoked, expired), it forgets, says the phone was signed out and shows the
// join form (or, when its link does not work any more, only that it was signed out).

import { actAs, api, forEvent, signIn } from "./client.js";
import { fill, h, setText } from "./dom.js";
import {
  LANGUAGES,
  apply,
  currentLanguage,
  eventLanguages,
  t,
  onLanguageChange,
  pickLanguage,
  setLanguage,
} from "./i18n.js";
import { Clocks } from "./delegate/clocks.js";
import { createContribute } from "./delegate/contribute.js";
import { createHeader } from "./delegate/header.js";
import { createJoin } from "./delegate/join.js";
import { createQueue } from "./delegate/queue.js";
import { forget, mayHaveSession, remember, remembered, roomOf } from "./delegate/remember.js";
import { createRequestForm } from "./delegate/request.js";
import { createSession, show } from "./delegate/session.js";
import { createStatus } from "./delegate/status.js";
import { errorText, showError } from "./delegate/text.js";

const $ = (id) => document.getElementById(id);
actAs("delegate");

const ctx = {
  code: decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || ""),
  info: null, // GET /join/{code}, once looked up
  participant: null, // who this phone belongs to
  eventId: null, // the event this phone's session belongs to
  connection: null,
  clocks: new Clocks(),
  render,
  enterFloor: (participant, eventId, options) => session.enter(participant, eventId, options),
  signedOut: () => session.signedOut(),
  showJoin,
  announce: (parts) => status.announce(parts), // the polite live region (#status-live)
  resetFloor: () => {
    status.reset({ forget: true });
    join.reset();
    contribute.reset();
  },
};

const explicit = new URLSearchParams(location.search).get("lang");
setLanguage(pickLanguage(explicit));

// the speaker's own time: low said politely once, up said at once (assertive), once each
ctx.clocks.onPhase = (news) => {
  if (news === "low") status.announce([t("status.time_low")]);
  else fill($("status-urgent"), h("p", {}, t("status.overtime")));
};

const header = createHeader(ctx);
const status = createStatus(ctx);
const request = createRequestForm(ctx);
const queue = createQueue(ctx);
const contribute = createContribute(ctx);
const join = createJoin(ctx);
const session = createSession(ctx);

function render() {
  if (!ctx.connection) return;
  offerLanguages(ctx.connection.event?.languages);
  followIdentity(ctx.connection.you);
  header.render();
  status.render();
  request.render();
  contribute.render();
  queue.render();
  header.setTitle();
  ctx.clocks.tick(ctx.connection);
}

/** The secretariat corrected who this phone's delegate is registered as: show it at once. */
function followIdentity(you) {
  const who = ctx.participant;
  const same = (key) => (you[key] ?? "") === (who[key] ?? "");
  if (!you || !who || ["name", "organisation", "name_lang", "organisation_lang"].every(same)) return;
  ctx.participant = { ...who, name: you.name, organisation: you.organisation, name_lang: you.name_lang, organisation_lang: you.organisation_lang };
  session.showIdentity();
  const kept = remembered(who.id);
  if (kept) remember(ctx.participant, kept.joinCode, ctx.eventId); // the name shown before the server speaks
}

let offered = eventLanguages(null); // until the event says which: all six
let offeredKey = null;

function buildLanguagePicker() {
  const picker = $("language-picker");
  fill(
    picker,
    LANGUAGES.filter(({ code }) => offered.includes(code)).map(({ code, name }) =>
      h("option", { value: code, lang: code }, name),
    ),
  );
  picker.value = currentLanguage();
}

/** The event's languages are known (or changed): offer those, and switch to one of them if need be. */
function offerLanguages(list) {
  const codes = eventLanguages(list);
  const key = codes.join();
  if (key === offeredKey) return;
  offeredKey = key;
  offered = codes;
  buildLanguagePicker();
  if (!offered.includes(currentLanguage())) setLanguage(pickLanguage(explicit, offered), { remember: false });
}

function translatePage() {
  apply(document);
  $("language-picker").value = currentLanguage();
  join.translate();
  contribute.translate();
  header.setTitle();
  status.reset(); // rebuild the status cards in the new language
  if (ctx.connection) render();
  if (ctx.participant) session.showIdentity();
  session.drawLeave(); // "Stay" stays "Stay" while leaving waits for its confirmation
  session.drawLeaving(); // a leave waiting for the line says so in the new language
}

/** The event behind the address's join code, or null after showing why the link does not work
 * (`signedOut`: that this phone was signed out, which says what to do, in its place). */
async function lookUp({ signedOut = false } = {}) {
  try {
    return await api("GET", `/join/${encodeURIComponent(ctx.code)}`);
  } catch (error) {
    show(signedOut ? null : "invalid", { signedOut });
    if (error.status !== 404) setText($("view-invalid").querySelector("p"), errorText(error));
    return null;
  }
}

/** The join form for this link's event (looked up now if it was not), with an error if any;
 * `signedOut`: below the notice that the server signed this phone out. */
async function showJoin(error, { signedOut = false } = {}) {
  if (!ctx.info) ctx.info = await lookUp({ signedOut });
  if (ctx.info) {
    offerLanguages(ctx.info.languages);
    header.renderEvent();
    header.setTitle();
    show("join", { signedOut });
    showError($("join-error"), error);
    if (!error && !signedOut) join.focus();
  }
  if (signedOut) $("signed-out").focus(); // a screen reader hears why the floor went away
}

/** This phone's delegate session (asked as the delegate, see actAs), or null; "signed out" when
 * it remembered a delegate the server no longer knows. Asked only when there is reason to think
 * one exists: a key in the address, or a delegate this phone remembers. */
async function delegateSession() {
  const key = new URLSearchParams(location.hash.slice(1)).has("key");
  const rememberedOne = mayHaveSession();
  if (!key && !rememberedOne) return null; // a fresh phone: nobody joined here
  // the room this link is for, when this phone joined it: its sign-in, not another room's
  const room = key ? null : roomOf(ctx.code);
  if (room) forEvent(room);
  try {
    const current = await signIn();
    if (current === null) {
      forget(room); // the server no longer knows this phone here: next time, no asking
      return rememberedOne && !key ? "signed out" : null;
    }
    return current && current.role === "delegate" && current.event_id ? current : null;
  } catch {
    return null; // offline or the server is away: the join form, and the remembered delegate kept
  }
}

async function main() {
  buildLanguagePicker();
  $("language-picker").addEventListener("change", (event) => setLanguage(event.target.value));
  apply(document);
  onLanguageChange(translatePage);
  setInterval(() => {
    ctx.clocks.tick(ctx.connection);
    if (ctx.connection) {
      header.tick();
      request.tick();
    }
  }, 250);

  const current = await delegateSession();
  if (current === "signed out") {
    showJoin(null, { signedOut: true });
    return;
  }
  if (!current) {
    ctx.info = await lookUp();
    if (!ctx.info) return;
    offerLanguages(ctx.info.languages);
    header.renderEvent();
    header.setTitle();
    show("join");
    return;
  }
  const kept = remembered(current.participant_id);
  const participant = current.participant ||
    kept?.participant || { id: current.participant_id, name: "", organisation: "" };
  if (roomOf(ctx.code) !== current.event_id && (!kept || kept.joinCode !== ctx.code)) {
    // another link than the one this phone came in by: another meeting day's is for joining
    // that one; the event's new code (or one that does not work) leads to the session's event
    let info = null;
    try {
      info = await api("GET", `/join/${encodeURIComponent(ctx.code)}`);
    } catch {
      // not a working link: the session is what this phone has
    }
    if (info && info.event_id !== current.event_id) {
      // a phone that joined two rooms holds a sign-in for each (app/auth.py): this room's, if
      // it has one; else this link is for joining it
      forEvent(info.event_id);
      const here = await signIn().catch(() => null);
      if (here && here.role === "delegate" && here.event_id === info.event_id) {
        const person = here.participant || { id: here.participant_id, name: "", organisation: "" };
        remember(person, ctx.code, here.event_id);
        session.enter(person, here.event_id);
        return;
      }
      forEvent(null);
      ctx.info = info;
      showJoin(null);
      return;
    }
  }
  remember(participant, ctx.code, current.event_id);
  session.enter(participant, current.event_id);
}

main();
