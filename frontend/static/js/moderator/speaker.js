// The current speaker, the big timer (computed here every frame from the timer's facts and the
// server's clock) and the turn's controls. The buttons and the keyboard share one set of actions.

import { formatClock, phaseOf, remainingMs } from "../client.js";
import { fill, setText } from "../dom.js";
import { constituencyLabel, kindLabel, minutes } from "./format.js";
import { whoDetails, whoTags } from "./who.js";

const $ = (id) => document.getElementById(id);

/** The console's buttons, by the names the server gives their actions (the view's `actions`). */
const ACTIONS = {
  toggle: "toggle_timer",
  next: "call_next",
  end: "end_turn",
  skipEnd: "end_turn", // the same command, with skipped: true (the speaker did not speak)
  skipNext: "call_next",
  plus: "add_time",
  minus: "remove_time",
  reset: "reset_timer",
  undo: "undo",
  readd: "readd_last_speaker",
  question: "interpose_question",
  answer: "interpose_answer",
};

/** The server's reasons are clauses ("nobody has the floor: …"): shown as sentences. */
const sentence = (text) => {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
};

/**
 * Why an action cannot be taken now, as the server says in the state's `actions` (null: it can).
 * The console re-derives no rule: the server's refusal, with its words, is the button's reason.
 */
export function refusalFor(action, state) {
  if (!state) return "Not connected yet.";
  const refusal = state.actions ? state.actions[ACTIONS[action]] : null;
  if (!refusal) return null;
  return sentence(refusal.message || refusal.code || "Not possible now");
}

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
    if (ack) ctx.notices.show(`${name}'s turn is on the record as not spoken. Press U to undo.`, "info");
    return ack;
  };
  const speakerName = () => {
    const state = ctx.state();
    return state && state.current ? state.current.name : "The speaker";
  };

  const actions = {
    toggle() {
      const state = ctx.state();
      const current = state && state.current;
      const type = !current
        ? "start_timer"
        : { idle: "start_timer", running: "pause_timer", paused: "resume_timer" }[current.timer.state];
      return ctx.run({ type });
    },
    next: () => ctx.run({ type: "call_next" }, { versioned: true }),
    end: () => ctx.run({ type: "end_turn" }),
    skipEnd: () => ctx.run({ type: "end_turn", skipped: true }, { versioned: true }).then(skipped(speakerName())),
    skipNext: () => ctx.run({ type: "call_next", skipped: true }, { versioned: true }).then(skipped(speakerName())),
    plus: () => ctx.run({ type: "adjust_time", delta_ms: 30000 }),
    minus: () => ctx.run({ type: "adjust_time", delta_ms: -30000 }),
    reset: () => ctx.run({ type: "reset_timer" }),
  };

  /** Do an action if it makes sense now; otherwise say why (keyboard and buttons alike). */
  function perform(action) {
    const reason = refusalFor(action, ctx.state());
    if (reason) {
      ctx.notices.show(reason, "warning");
      return null;
    }
    return actions[action]();
  }

  for (const [action, button] of Object.entries(buttons)) {
    button.addEventListener("click", () => perform(action));
  }

  function render(state) {
    const current = state.current;
    card.dataset.empty = current ? "false" : "true";
    if (current) {
      setText($("speaker-name"), current.name);
      const region = (current.region || "").trim();
      setText($("speaker-org"), [current.organisation, region].filter(Boolean).join(" · "));
      $("speaker-org").title = whoDetails(current).title;
      setText($("speaker-constituency"), constituencyLabel(current.constituency));
      const who = JSON.stringify([current.id, current.language, current.attendance]);
      if ($("speaker-who").dataset.who !== who) {
        fill($("speaker-who"), whoTags(current));
        $("speaker-who").dataset.who = who;
      }
      setText($("speaker-kind"), kindLabel(current.kind));
      setText($("speaker-note"), current.note ? `“${current.note}”` : "");
      $("speaker-kind").dataset.kind = current.kind;
    } else {
      setText($("speaker-name"), "Nobody has the floor");
      const first = state.queue[0];
      setText($("speaker-org"), first ? "Call the next speaker when the room is ready." : "The queue is empty.");
      $("speaker-org").removeAttribute("title");
      fill($("speaker-who"));
      $("speaker-who").dataset.who = "";
      setText($("speaker-constituency"), "");
      setText($("speaker-kind"), "");
      setText($("speaker-note"), "");
    }
    const running = current && current.timer.state === "running";
    const paused = current && current.timer.state === "paused";
    setText($("btn-toggle-label"), running ? "Pause" : paused ? "Resume" : "Start");
    buttons.toggle.dataset.mode = running ? "pause" : paused ? "resume" : "start";
    for (const [action, button] of Object.entries(buttons)) setAvailable(button, refusalFor(action, state));
    // "did not speak" is about the speaker who has the floor: offered while someone has it
    $("skip-group").hidden = !current;

    renderPaused(state);

    const next = state.queue[0];
    const onCall = state.settings.start_timer_on_call ? "timer starts on call" : "";
    const back = state.paused;
    setText($("btn-next-label"), back ? "Give the floor back" : "Call next");
    if (back) {
      // after an interposed turn the floor goes back to the paused speaker, not to the queue
      setText($("next-name"), back.name);
      setText($("next-details"), `gets the floor back · then ${next ? next.name : "the queue is empty"}`);
      return;
    }
    setText($("next-name"), next ? next.name : "Nobody: the queue is empty");
    setText(
      $("next-details"),
      next
        ? [next.organisation, kindLabel(next.kind), minutes(next.allotted_ms), onCall].filter(Boolean).join(" · ")
        : current
          ? "Call next ends this turn."
          : "",
    );
  }

  /** The turn an interposed question or answer paused (the view's `paused`): who, time left. */
  function renderPaused(state) {
    const paused = state.paused;
    const box = $("paused-box");
    box.hidden = !paused;
    card.dataset.interposed = paused ? "true" : "false";
    setText($("speaker-heading"), paused ? `Interposed ${kindLabel(state.current.kind).toLowerCase()}` : "Has the floor");
    if (!paused) return;
    setText($("paused-name"), paused.name);
    const left = remainingMs(paused.timer, ctx.conn.clock.now());
    const timerWord = paused.timer.state === "idle" ? "timer not started" : "timer paused";
    setText($("paused-time"), `${formatClock(left)} left · ${timerWord}`);
    setText(
      $("paused-hint"),
      `Ending this ${kindLabel(state.current.kind).toLowerCase()} gives the floor back to ${paused.name}: their timer stays paused, press ${paused.timer.state === "idle" ? "Start" : "Resume"} when they continue.`,
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
      setText(facts, next ? `Next turn: ${minutes(next.allotted_ms)}` : "No turn waiting");
      return null;
    }
    const t = current.timer;
    const left = remainingMs(t, now);
    const phase = phaseOf(left, state.settings);
    setText(timer, formatClock(left));
    const className = `timer phase-${phase}`;
    if (timer.className !== className) timer.className = className;
    card.dataset.phase = phase;
    card.dataset.timer = t.state;
    // what is left, against the allotted time (or more, when time was added)
    const scale = Math.max(t.allotted_ms, t.allotted_ms + t.added_ms);
    const share = scale > 0 ? Math.min(1, Math.max(0, left / scale)) : 0;
    bar.style.width = `${(share * 100).toFixed(1)}%`;
    const added = t.added_ms ? ` (${t.added_ms > 0 ? "+" : "−"}${minutes(Math.abs(t.added_ms))} adjusted)` : "";
    const status = { idle: "Ready to start", running: "Running", paused: "Paused" }[t.state];
    const over = left < 0 ? " · over time" : "";
    setText(facts, `${status}${over} · ${minutes(t.allotted_ms)} allotted${added}`);
    return left;
  }

  return { render, tick, perform };
}
