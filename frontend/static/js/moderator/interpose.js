// The list as a chair runs it: an interposed question or a panellist's answer (the speaker's turn
// is paused and comes back when it ends), and giving the last speaker a new turn. Each button is
// greyed with the server's reason (the view's `actions`); the console works out no rule itself.
// The interposed speaker's floor language and attendance go with a guest's name; a registered
// participant's are their registration's, shown when their name is chosen, and if changed here
// their turn is corrected once it has the floor (interpose takes a registered person as registered).

import { api } from "../client.js";
import { h, setText } from "../dom.js";
import { t } from "../i18n.js";
import { refusalText } from "../refusal.js";
import { fillLanguages, floorChanges, floorFields, showFloor } from "./floor-language.js";
import { constituencyLabel, kindLabel, languageName, minutesSeconds, parseMinutesSeconds } from "./format.js";
import { titleWithKey, undoHint } from "./shortcuts.js";
import { refusalFor, setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);
const STALE_MS = 10000;

/**
 * What may tell two registered people of the same name and organisation apart (someone on the
 * secretariat's list who also joined from a phone, or two namesakes), in this order: the first
 * that differs between them is added to their entries, then the next while two still read alike.
 */
const DETAILS = [
  (p) => constituencyLabel(p.constituency),
  (p) => (p.region ? t("console.who.region", { region: p.region }) : t("console.who.no_region")),
  (p) => (p.language ? t("console.who.speaks", { language: languageName(p.language) }) : ""),
];

/** People by what `key` says of them, in their order. */
function groupBy(people, key) {
  const groups = new Map();
  for (const p of people) {
    const k = key(p);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(p);
  }
  return [...groups.values()];
}

/**
 * Each participant's entry in the list (participant id → label), one per person: their name; with
 * their organisation when another has the same name; and when those are the same too, what tells
 * them apart (DETAILS), or, when nothing does, the start of their id ("#3f9a2c"). Each detail is
 * isolated (U+2068 … U+2069) in the label, which the name field shows in the name's direction.
 */
export function participantLabels(participants) {
  const labels = new Map();
  for (const namesakes of groupBy(participants, (p) => p.name)) {
    if (namesakes.length === 1) {
      labels.set(namesakes[0].id, namesakes[0].name);
      continue;
    }
    const extra = new Map(namesakes.map((p) => [p.id, p.organisation ? [p.organisation] : []]));
    const alike = (group, details) => {
      if (group.length === 1) return;
      const [detail, ...rest] = details;
      if (!detail) {
        let length = 6;
        while (length < 64 && new Set(group.map((p) => p.id.slice(0, length))).size < group.length) length += 2;
        for (const p of group) extra.get(p.id).push(`#${p.id.slice(0, length)}`);
        return;
      }
      const groups = groupBy(group, detail);
      if (groups.length > 1) for (const p of group) extra.get(p.id).push(detail(p));
      for (const same of groups) alike(same, rest);
    };
    for (const same of groupBy(namesakes, (p) => p.organisation || "")) alike(same, DETAILS);
    for (const p of namesakes) {
      // each in its own direction: after an Arabic organisation "#3f9a2c" would read "3f9a2c#"
      const more = extra.get(p.id).filter(Boolean).map((part) => `\u2068${part}\u2069`);
      labels.set(p.id, more.length ? `${p.name} (${more.join(" · ")})` : p.name);
    }
  }
  return labels;
}

export function createInterpose(ctx) {
  const dialog = $("interpose-dialog");
  const form = $("interpose-form");
  const nameInput = $("interpose-name");
  const organisation = $("interpose-organisation");
  const timeInput = $("interpose-time");
  const people = $("interpose-people");
  const language = $("interpose-language");
  const remote = $("interpose-remote");
  const buttons = { question: $("btn-question"), answer: $("btn-answer"), readd: $("btn-readd") };
  let participants = [];
  let labels = new Map(); // participant id -> their entry in the list, one per person
  let loadedAt = 0;
  let kind = "question";
  let sending = false; // an interpose sent and not yet answered
  let shownFor = null; // the registered participant whose floor language the fields show

  /** A participant's entry in the list: never the same as another's (participantLabels). */
  const labelOf = (participant) => labels.get(participant.id) || participant.name;

  async function load() {
    if (Date.now() - loadedAt < STALE_MS) return;
    loadedAt = Date.now();
    try {
      participants = await api("GET", `/events/${ctx.eventId}/participants`);
      labels = participantLabels(participants);
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
    fillLanguages(language, null);
    shownFor = null;
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
    if (participant) {
      // their floor language and attendance, if changed in the dialog, stand for this turn
      command.participant_id = participant.id;
      Object.assign(command, floorChanges(participant, language, remote));
    } else {
      command.name = typed;
      command.organisation = organisation.value.trim();
      Object.assign(command, floorFields(language, remote));
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
    ctx.interposing(kind); // its notice says it (and how to undo it), not the floor's region too
    let ack;
    try {
      ack = await ctx.run(command, { versioned: true, forTurn: true });
    } finally {
      sending = false;
    }
    if (!ack) {
      ctx.interposing(null);
      return;
    }
    dialog.close();
    const who = participant ? participant.name : typed;
    const question = kind === "question";
    ctx.notices.undoable(
      undoHint(
        paused
          ? t(question ? "console.interpose.given_question" : "console.interpose.given_answer", { name: who, paused })
          : t(question ? "console.interpose.given_question_plain" : "console.interpose.given_answer_plain", { name: who }),
      ),
    );
  });
  $("interpose-cancel").addEventListener("click", () => dialog.close());
  // a registered participant chosen from the list: their floor language and attendance shown
  nameInput.addEventListener("input", () => {
    const participant = participants.find((p) => labelOf(p) === nameInput.value.trim());
    if (participant) showFloor(participant, language, remote);
    else if (shownFor) showFloor({}, language, remote); // no longer theirs: a guest's, not known
    shownFor = participant || null;
  });

  function readd() {
    if (refused("readd")) return null;
    const last = ctx.state().last_speaker;
    return ctx.run({ type: "readd_last_speaker" }, { versioned: true }).then((ack) => {
      if (ack) ctx.notices.undoable(undoHint(t("console.readd.done", { name: last.name })));
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
      buttons.readd.title = titleWithKey(t("console.readd.title", { name: last.name, kind: kindLabel(last.kind) }), "R");
    }
    if (dialog.open && !sending && refusalFor(kind, state)) {
      dialog.close(); // the floor moved on (another console): what was being interposed cannot be
      ctx.notices.show(refusalFor(kind, state), "warning");
    }
  }

  return { render, perform: (which) => (which === "readd" ? readd() : open(which)) };
}
