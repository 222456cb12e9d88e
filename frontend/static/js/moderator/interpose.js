// The list as a chair runs it: an interposed question or a panellist's answer (the speaker's turn
// is paused and comes back when it ends), and giving the last speaker a new turn. Each button is
// greyed with the server's reason (the view's `actions`); the console works out no rule itself.

import { api } from "../client.js";
import { h, setText } from "../dom.js";
import { t } from "../i18n.js";
import { refusalText } from "../refusal.js";
import { constituencyLabel, kindLabel, minutesSeconds, parseMinutesSeconds } from "./format.js";
import { refusalFor, setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);
const STALE_MS = 10000;

export function createInterpose(ctx) {
  const dialog = $("interpose-dialog");
  const form = $("interpose-form");
  const nameInput = $("interpose-name");
  const organisation = $("interpose-organisation");
  const timeInput = $("interpose-time");
  const people = $("interpose-people");
  const buttons = { question: $("btn-question"), answer: $("btn-answer"), readd: $("btn-readd") };
  let participants = [];
  let loadedAt = 0;
  let kind = "question";
  let sending = false; // an interpose sent and not yet answered

  /** A participant's entry in the list: their name, or with their organisation when two share it. */
  const labelOf = (participant) =>
    participants.filter((p) => p.name === participant.name).length > 1 && participant.organisation
      ? `${participant.name} (${participant.organisation})`
      : participant.name;

  async function load() {
    if (Date.now() - loadedAt < STALE_MS) return;
    loadedAt = Date.now();
    try {
      participants = await api("GET", `/events/${ctx.eventId}/participants`);
    } catch (error) {
      loadedAt = 0;
      ctx.notices.show(t("console.add.load_failed", { message: refusalText(error, { clause: true }) }), "error");
      return;
    }
    people.replaceChildren(
      ...participants.map((p) =>
        h("option", { value: labelOf(p) }, [p.organisation, constituencyLabel(p.constituency)].filter(Boolean).join(" · ")),
      ),
    );
  }

  function refused(action) {
    const reason = refusalFor(action, ctx.state());
    if (reason) ctx.notices.show(reason, "warning");
    return reason;
  }

  function open(which) {
    if (refused(which)) return;
    const state = ctx.state();
    kind = which;
    setText($("interpose-heading"), t(which === "question" ? "console.interpose.question" : "kind.answer"));
    // whose turn waits: the one already paused (an answer after a question), else the speaker's
    const waiting = (state.paused || state.current).name;
    const followsQuestion = which === "answer" && state.current && state.current.kind === "question" && state.paused;
    const about = t(which === "question" ? "console.interpose.about_question" : "console.interpose.about_answer", {
      name: waiting,
    });
    setText(
      $("interpose-about"),
      followsQuestion ? `${t("console.interpose.ends_question", { name: state.current.name })} ${about}` : about,
    );
    const defaultMs = state.settings.default_times_ms[which];
    timeInput.placeholder = defaultMs ? minutesSeconds(defaultMs) : "";
    form.reset();
    load();
    dialog.showModal();
    nameInput.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const typed = nameInput.value.trim();
    if (!typed) {
      ctx.notices.show(t("console.interpose.who_help"), "warning");
      nameInput.focus();
      return;
    }
    const command = { type: "interpose", kind };
    const participant = participants.find((p) => labelOf(p) === typed);
    if (participant) command.participant_id = participant.id;
    else {
      command.name = typed;
      command.organisation = organisation.value.trim();
    }
    const ms = parseMinutesSeconds(timeInput.value);
    if (Number.isNaN(ms) || ms === 0) {
      ctx.notices.show(t("console.interpose.bad_time"), "warning");
      timeInput.focus();
      return;
    }
    if (ms !== null) command.duration_ms = ms;
    const state = ctx.state();
    // read now: the state is patched in place as the command's own update arrives
    const turn = state && (state.paused || state.current);
    const paused = turn ? turn.name : null;
    sending = true; // its own update may come before its ack: not a floor that moved on
    let ack;
    try {
      ack = await ctx.run(command, { versioned: true });
    } finally {
      sending = false;
    }
    if (!ack) return;
    dialog.close();
    const who = participant ? participant.name : typed;
    const question = kind === "question";
    ctx.notices.show(
      paused
        ? t(question ? "console.interpose.given_question" : "console.interpose.given_answer", { name: who, paused })
        : t(question ? "console.interpose.given_question_plain" : "console.interpose.given_answer_plain", { name: who }),
      "info",
    );
  });
  $("interpose-cancel").addEventListener("click", () => dialog.close());

  function readd() {
    if (refused("readd")) return null;
    const last = ctx.state().last_speaker;
    return ctx.run({ type: "readd_last_speaker" }, { versioned: true }).then((ack) => {
      if (ack) ctx.notices.show(t("console.readd.done", { name: last.name }), "info");
      return ack;
    });
  }

  buttons.question.addEventListener("click", () => open("question"));
  buttons.answer.addEventListener("click", () => open("answer"));
  buttons.readd.addEventListener("click", () => readd());

  function render(state) {
    for (const [action, button] of Object.entries(buttons)) setAvailable(button, refusalFor(action, state));
    const last = state.last_speaker;
    setText($("btn-readd-label"), last ? t("console.readd.name", { name: last.name }) : t("console.readd.last"));
    if (last && !refusalFor("readd", state)) {
      buttons.readd.title = t("console.readd.title", { name: last.name, kind: kindLabel(last.kind) });
    }
    if (dialog.open && !sending && refusalFor(kind, state)) {
      dialog.close(); // the floor moved on (another console): what was being interposed cannot be
      ctx.notices.show(refusalFor(kind, state), "warning");
    }
  }

  return { render, perform: (which) => (which === "readd" ? readd() : open(which)) };
}
