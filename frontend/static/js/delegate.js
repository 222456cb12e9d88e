// The delegate's phone: join with the event's code, request the floor, follow one's place in
// the queue until one speaks. Everything the server says is put in as text (dom.js).
// This module wires the pieces (delegate/*.js) to the page and renders on every change.

import { actAs, api, signIn } from "./client.js";
import { fill, h, setText } from "./dom.js";
import { LANGUAGES, apply, currentLanguage, onLanguageChange, pickLanguage, setLanguage } from "./i18n.js";
import { Clocks } from "./delegate/clocks.js";
import { createHeader } from "./delegate/header.js";
import { createJoin } from "./delegate/join.js";
import { createQueue } from "./delegate/queue.js";
import { remembered } from "./delegate/remember.js";
import { createRequestForm } from "./delegate/request.js";
import { createSession, show } from "./delegate/session.js";
import { createStatus } from "./delegate/status.js";
import { errorText, isolate } from "./delegate/text.js";

const $ = (id) => document.getElementById(id);
actAs("delegate");

const ctx = {
  code: decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || ""),
  info: null, // GET /join/{code}
  participant: null, // who this phone belongs to
  connection: null,
  clocks: new Clocks(),
  render,
  enterFloor: (participant) => session.enter(participant),
  signedOut: () => session.signedOut(),
  resetFloor: () => {
    status.reset();
    join.reset();
  },
};

const explicit = new URLSearchParams(location.search).get("lang");
setLanguage(pickLanguage(explicit));

const header = createHeader(ctx);
const status = createStatus(ctx);
const request = createRequestForm(ctx);
const queue = createQueue(ctx);
const join = createJoin(ctx);
const session = createSession(ctx);
ctx.join = join;

function render() {
  if (!ctx.connection) return;
  header.render();
  status.render();
  request.render();
  queue.render();
  header.setTitle();
  ctx.clocks.tick(ctx.connection);
}

function buildLanguagePicker() {
  const picker = $("language-picker");
  fill(
    picker,
    LANGUAGES.map(({ code, name }) => h("option", { value: code, lang: code }, name)),
  );
  picker.value = currentLanguage();
  picker.addEventListener("change", () => setLanguage(picker.value));
}

function translatePage() {
  apply(document);
  $("language-picker").value = currentLanguage();
  join.translate();
  header.setTitle();
  status.reset(); // rebuild the status cards in the new language
  if (ctx.connection) render();
  if (ctx.participant) session.showIdentity();
}

async function main() {
  buildLanguagePicker();
  apply(document);
  onLanguageChange(translatePage);
  setInterval(() => ctx.clocks.tick(ctx.connection), 250);

  try {
    ctx.info = await api("GET", `/join/${encodeURIComponent(ctx.code)}`);
  } catch (error) {
    if (error.status === 404) {
      show("invalid");
      return;
    }
    show("invalid");
    setText($("view-invalid").querySelector("p"), errorText(error));
    return;
  }
  fill($("event-title"), isolate(ctx.info.title));
  header.setTitle();

  let current = null;
  try {
    current = await signIn();
  } catch (error) {
    current = null;
  }
  if (current && current.role === "delegate" && current.event_id === ctx.info.event_id) {
    const participant = current.participant ||
      remembered(current.participant_id) || { id: current.participant_id, name: "", organisation: "" };
    session.enter(participant);
  } else {
    show("join");
  }
}

main();
