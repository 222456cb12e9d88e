// The current speaker, the big timer (computed here every frame from the timer's facts and the
// server's clock) and the turn's controls. The buttons and the keyboard share one set of actions.

import { formatClock, remainingMs, timeShown } from "../client.js";
import { setNameLang, setText } from "../dom.js";
import { t } from "../i18n.js";
import { refusalText } from "../refusal.js";
import { createFloorCorrection } from "./floor-correct.js";
import { createFloorSaid } from "./floor-said.js";
import { constituencyLabel, island, kindLabel, minutes } from "./format.js";
import { undoHint } from "./shortcuts.js";
import { onePressPerTap } from "./presses.js";
import { whoDetails } from "./who.js";

const $ = (id) => document.getElementById(id);

/** The console's buttons, by the names the server gives their actions (the view's `actions`). */
const ACTIONS = {
  toggle: "toggle_timer",
  next: "call_next",
  end: "end_turn",
  skipEnd: "end_turn", // the same command, with skipped: true (the speaker did not speak)
  skipNext: "call_next_skipped",
  plus: "add_time",
  minus: "remove_time",
  reset: "reset_timer",
  undo: "undo",
  readd: "readd_last_speaker",
  question: "interpose_question",
  answer: "interpose_answer",
};

/**
 * Why an action cannot be taken now, as the server says in the state's `actions` (null: it can).
 * The console re-derives no rule: the server's refusal is the button's reason, in the server's
 * words on an English page, by its code in another language (refusal.js).
 */
export function refusalFor(action, state) {
  if (!state) return t("console.speaker.not_connected");
  const refusal = state.actions ? state.actions[ACTIONS[action]] : null;
  if (!refusal) return null;
  return refusalText(refusal, { stop: true }) || t("console.speaker.not_possible");
}

/** A finger pressing twice: "Call next" (N or its button; Shift+N likewise) pressed again this
 * soon after the press that called a speaker, with nothing else changed on the floor since, is
 * the same press, not sent, as a button box's second press is its first's
 * (app/api/routes/actions.py DOUBLE_PRESS_S). Without it, a second press that comes after the
 * first's update is decided on the new floor and calls the one after (outside probe: N, N
 * 80 ms apart put the first speaker on the record with 0.1 s spoken). */
export const DOUBLE_PRESS_MS = 700;

/** Mark a button unavailable without removing it from the tab order, and say why. */
export function setAvailable(button, reason) {
  if (reason) {
    button.setAttribute("aria-disabled", "true");
    button.title = reason;
  } else {
    button.removeAttribute("aria-disabled");
    button.removeAttribute("title");
  }
}

export function createSpeakerPanel(ctx) {
  const card = $("speaker-card");
  const timer = $("timer");
  const bar = $("timer-bar");
  const facts = $("timer-facts");
  // the timer's phase as last said to a screen reader, per turn: {turn, phase} (null: not yet)
  let said = null;
  // the floor's changes and the phases, said in one polite region (#timer-said)
  const floorSaid = createFloorSaid(ctx, $("timer-said"));
  // the floor language and attendance of the turn on the floor (and a paused one), correctable
  const floorCorrection = createFloorCorrection(ctx);
  const buttons = {
    toggle: $("btn-toggle"),
    minus: $("btn-minus"),
    plus: $("btn-plus"),
    reset: $("btn-reset"),
    end: $("btn-end"),
    next: $("btn-next"),
    skipEnd: $("btn-skip-end"),
    skipNext: $("btn-skip-next"),
  };

  /** After a turn went on the record as not spoken: say so, and how to take it back. */
  const skipped = (name) => (ack) => {
    if (ack) ctx.notices.undoable(undoHint(t("console.speaker.skipped", { name })));
    return ack;
  };
  const speakerName = () => {
    const state = ctx.state();
    return state && state.current ? state.current.name : t("console.speaker.the_speaker");
  };

  const actions = {
    toggle() {
      const state = ctx.state();
      const current = state && state.current;
      const type = !current
        ? "start_timer"
        : { idle: "start_timer", running: "pause_timer", paused: "resume_timer" }[current.timer.state];
      return ctx.run({ type }, { forTurn: true });
    },
    // each press is meant for the turn on the floor now (forTurn: moderator.js ctx.run), and is
    // dropped rather than kept for minutes while the connection is down
    next: () => ctx.run({ type: "call_next" }, { versioned: true, brief: true }),
    end: () => ctx.run({ type: "end_turn" }, { forTurn: true }),
    skipEnd: () =>
      ctx.run({ type: "end_turn", skipped: true }, { versioned: true, forTurn: true }).then(skipped(speakerName())),
    skipNext: () =>
      ctx.run({ type: "call_next", skipped: true }, { versioned: true, brief: true }).then(skipped(speakerName())),
    plus: () => ctx.run({ type: "adjust_time", delta_ms: 30000 }, { forTurn: true }),
    minus: () => ctx.run({ type: "adjust_time", delta_ms: -30000 }, { forTurn: true }),
    reset: () => ctx.run({ type: "reset_timer" }, { forTurn: true }),
  };

  // the last call this console sent: its action, when (performance.now()) and the version its
  // ack gave (null while unanswered); null once refused
  let called = null;

  /** Whether this press of `action` is the last call's press again (see DOUBLE_PRESS_MS). */
  const pressedTwice = (action, now) =>
    called !== null &&
    called.action === action &&
    now - called.at < DOUBLE_PRESS_MS &&
    (called.version === null || called.version === ctx.conn.version);

  /** Send a call, remembered as the last (see DOUBLE_PRESS_MS). */
  function call(action, now) {
    const press = { action, at: now, version: null };
    called = press;
    const sent = actions[action]();
    sent.then((ack) => {
      if (called !== press) return;
      if (ack && typeof ack.version === "number") press.version = ack.version;
      else called = null; // refused or dropped: pressing again is a new press
    });
    return sent;
  }

  /** Do an action if it makes sense now; otherwise say why (keyboard and buttons alike). */
  function perform(action) {
    const reason = refusalFor(action, ctx.state());
    if (reason) {
      ctx.notices.show(reason, "warning");
      return null;
    }
    if (action === "next" || action === "skipNext") {
      const now = performance.now();
      if (pressedTwice(action, now)) {
        ctx.notices.show(t("console.notice.pressed_twice"), "info");
        return null;
      }
      return call(action, now);
    }
    return actions[action]();
  }

  // a double tap on Start/Pause is one press: it started the timer and paused it again
  const toggleRepeated = onePressPerTap();
  for (const [action, button] of Object.entries(buttons)) {
    button.addEventListener("click", (event) => {
      if (action === "toggle" && toggleRepeated(event)) return;
      perform(action);
    });
  }

  function render(state) {
    floorSaid.render(state);
    // the phase the change reached (−30 s into the warning), in the same announcement now
    if (state.current) tick(state, ctx.conn.clock.now());
    const current = state.current;
    card.dataset.empty = current ? "false" : "true";
    if (current) {
      setText($("speaker-name"), current.name);
      setNameLang($("speaker-name"), current);
      const region = (current.region || "").trim();
      setText($("speaker-org"), [current.organisation, region].filter(Boolean).join(" · "));
      $("speaker-org").title = whoDetails(current).title;
      setText($("speaker-constituency"), constituencyLabel(current.constituency));
      setText($("speaker-kind"), kindLabel(current.kind));
      setText($("speaker-note"), current.note ? t("console.quoted", { text: island(current.note) }) : "");
      $("speaker-kind").dataset.kind = current.kind;
    } else {
      setText($("speaker-name"), t("console.speaker.nobody"));
      setNameLang($("speaker-name"), null);
      const first = state.queue[0];
      setText($("speaker-org"), t(first ? "console.speaker.call_when_ready" : "console.speaker.queue_empty"));
      $("speaker-org").removeAttribute("title");
      setText($("speaker-constituency"), "");
      setText($("speaker-kind"), "");
      setText($("speaker-note"), "");
    }
    const running = current && current.timer.state === "running";
    const paused = current && current.timer.state === "paused";
    setText($("btn-toggle-label"), t(running ? "console.timer.pause" : paused ? "console.timer.resume" : "console.timer.start"));
    buttons.toggle.dataset.mode = running ? "pause" : paused ? "resume" : "start";
    for (const [action, button] of Object.entries(buttons)) setAvailable(button, refusalFor(action, state));
    // "did not speak" is about the speaker who has the floor: offered while someone has it
    $("skip-group").hidden = !current;

    renderPaused(state);
    floorCorrection.render(state);

    const next = state.queue[0];
    const onCall = state.settings.start_timer_on_call ? t("console.next.timer_on_call") : "";
    const back = state.paused;
    setText($("btn-next-label"), t(back ? "console.next.give_back" : "console.next.call"));
    if (back) {
      // after an interposed turn the floor goes back to the paused speaker, not to the queue
      setText($("next-name"), back.name);
      setNameLang($("next-name"), back);
      setText(
        $("next-details"),
        next ? t("console.next.back_then", { name: next.name }) : t("console.next.back_then_empty"),
      );
      return;
    }
    setText($("next-name"), next ? next.name : t("console.next.nobody"));
    setNameLang($("next-name"), next);
    setText(
      $("next-details"),
      next
        ? [next.organisation, kindLabel(next.kind), minutes(next.allotted_ms), onCall].filter(Boolean).join(" · ")
        : current
          ? t("console.next.ends_turn")
          : "",
    );
  }

  /** The turn an interposed question or answer paused (the view's `paused`): who, time left. */
  function renderPaused(state) {
    const paused = state.paused;
    const box = $("paused-box");
    box.hidden = !paused;
    card.dataset.interposed = paused ? "true" : "false";
    const answer = state.current && state.current.kind === "answer";
    setText(
      $("speaker-heading"),
      t(!paused ? "console.speaker.heading" : answer ? "console.speaker.interposed_answer" : "console.interpose.question"),
    );
    if (!paused) return;
    setText($("paused-name"), paused.name);
    const left = remainingMs(paused.timer, ctx.conn.clock.now());
    const idle = paused.timer.state === "idle";
    setText(
      $("paused-time"),
      t(idle ? "console.paused.left_not_started" : "console.paused.left_paused", { time: formatClock(left) }),
    );
    setText(
      $("paused-hint"),
      t(answer ? "console.paused.hint_answer" : "console.paused.hint_question", {
        name: paused.name,
        button: t(idle ? "console.timer.start" : "console.timer.resume"),
      }),
    );
  }

  /** Called every animation frame: the time left, its colour and the bar. */
  function tick(state, now) {
    const current = state && state.current;
    if (!current) {
      // nobody speaks: show the next turn's time, dimmed
      const next = state && state.queue[0];
      setText(timer, next ? formatClock(next.allotted_ms) : "0:00");
      timer.className = "timer phase-idle";
      card.dataset.phase = "idle";
      card.dataset.timer = "none";
      bar.style.width = "0%";
      setText(facts, next ? t("console.timer.next_turn", { time: minutes(next.allotted_ms) }) : t("console.timer.none_waiting"));
      return null;
    }
    const timerFacts = current.timer;
    // the line lost: the time as last known, with no phase or "over time" the server has not
    // said (another console may have paused it or given time), as on the room's screens
    const { ms: left, phase, lost } = timeShown(timerFacts, state.settings, now, ctx.conn.lostAt);
    setText(timer, formatClock(left));
    const className = `timer phase-${phase}`;
    if (timer.className !== className) timer.className = className;
    card.dataset.phase = phase;
    card.dataset.timer = timerFacts.state;
    // what is left, against the allotted time (or more, when time was added)
    const scale = Math.max(timerFacts.allotted_ms, timerFacts.allotted_ms + timerFacts.added_ms);
    const share = scale > 0 ? Math.min(1, Math.max(0, left / scale)) : 0;
    bar.style.width = `${(share * 100).toFixed(1)}%`;
    const delta = timerFacts.added_ms ? `${timerFacts.added_ms > 0 ? "+" : "−"}${minutes(Math.abs(timerFacts.added_ms))}` : "";
    const status = { idle: "console.timer.ready", running: "console.timer.running", paused: "console.timer.paused" }[timerFacts.state];
    const parts = lost ? [t("console.timer.not_live")] : [status ? t(status) : timerFacts.state];
    if (left < 0 && !lost) parts.push(t("console.timer.over"));
    parts.push(t(delta ? "console.timer.allotted_adjusted" : "console.timer.allotted", { time: minutes(timerFacts.allotted_ms), delta }));
    setText(facts, parts.join(" · "));
    if (!lost) sayPhase(current, phase, state.settings);
    return left;
  }

  /** Tell a screen reader, once, that the running timer reached its warning, its danger or
   * overtime (#timer-said, polite, floor-said.js): the timer itself is not live, and the change
   * is what a moderator who cannot see it needs to say "please conclude". A turn's first phase,
   * and a change while the timer does not run or just said with the time left (time added or
   * taken off), are not said. */
  function sayPhase(current, phase, settings) {
    const before = said && said.turn === current.id ? said.phase : null;
    said = { turn: current.id, phase };
    if (before === null || before === phase || current.timer.state !== "running") return;
    let text = null;
    if (phase === "warning") text = t("console.timer.said_warning", { time: minutes(settings.warning_ms) });
    else if (phase === "danger") text = t("console.timer.said_danger", { time: minutes(settings.danger_ms) });
    else if (phase === "overtime") text = t("console.timer.said_overtime");
    if (text) floorSaid.phase(text);
  }

  return { render, tick, perform, ours: floorSaid.ours };
}
