// What changed on the floor, said once to a screen reader in one polite region (#timer-said):
// who has the floor now (name, kind of turn, time allotted), the timer started, paused, resumed or
// reset with the time left, time added or taken off with the new time left, a turn ended and who
// is next, the floor given back after an interposed turn; and the timer's warning, danger and
// overtime (speaker.js asks for those); and a correction of the floor language or attendance of
// the speaker on the floor or the turn paused ("… now speaks Arabic", "… now speaks remotely").
// Each change is read from the state the console receives,
// whoever made it (this console's key or button, another console, a script, the button box), by
// comparing it with the state before: a first look at a segment is not news, nor is a redraw.
// Times are said in words with their units (client.js spokenClock: "2 minutes, 30 seconds").

import { remainingMs, spokenClock } from "../client.js";
import { fill, h, nameLang } from "../dom.js";
import { currentLanguage, t } from "../i18n.js";
import { kindLabel, languageName } from "./format.js";

/** A phase reached this soon after a change was said (−30 s taking the timer into its warning)
 * is said after the change's words, in the same announcement, not in place of them. */
const PHASE_AFTER_CHANGE_MS = 1500;
/** How long this console's own interposed turn, whose notice says it, is left to that notice. */
const QUIET_MS = 10000;

/** What the announcements compare: copies, as the state is patched in place. */
function turnFacts(turn) {
  if (!turn) return null;
  return {
    id: turn.id,
    name: turn.name,
    name_lang: turn.name_lang,
    kind: turn.kind,
    language: turn.language ?? null,
    attendance: turn.attendance ?? null,
    interposed_in: turn.interposed_in ?? null,
    timer: turn.timer ? { ...turn.timer } : null,
  };
}

function floorFacts(state) {
  return {
    segment: state.segment.id,
    // ended (another segment made live ends it): its queue stays behind, nobody is next in it
    ended: state.segment.status === "ended",
    current: turnFacts(state.current),
    paused: turnFacts(state.paused),
    next: turnFacts(state.queue[0]),
    last: state.last_speaker ? state.last_speaker.entry_id : null,
  };
}

/**
 * A sentence of the page's language whose {placeholders} are filled: a person (an object with a
 * name) in an element of its own with the server's `name_lang`, isolated from the sentence; any
 * other value as text.
 */
function sentence(key, vars) {
  return t(key)
    .split(/\{(\w+)\}/)
    .map((part, index) => {
      if (index % 2 === 0) return part;
      const value = vars[part];
      if (value && typeof value === "object") return h("bdi", { lang: nameLang(value) }, value.name);
      return value === undefined || value === null ? `{${part}}` : String(value);
    })
    .filter((part) => part !== "");
}

export function createFloorSaid(ctx, region) {
  let last = null; // the facts as last seen
  let saidAt = -Infinity;
  let quiet = null; // {kind, until}: this console's interposed turn, said by its own notice

  const spoken = (ms) => spokenClock(ms, currentLanguage());
  /** "2 minutes, 30 seconds left" or "12 seconds over time". */
  const left = (timer) => {
    const ms = remainingMs(timer, ctx.conn.clock.now());
    return t(ms < 0 ? "console.said.over" : "console.said.left", { time: spoken(ms) });
  };

  function say(nodes) {
    const text = nodes.map((node) => (typeof node === "string" ? node : node.textContent)).join("");
    if (region.textContent === text) region.replaceChildren(); // the same words again: anew
    fill(region, nodes);
    saidAt = performance.now();
  }

  /** A new turn on the floor, or none. */
  function newTurn(before, now) {
    const was = before.current;
    const is = now.current;
    if (!is) {
      // the segment ended (with the turn): no "Next: …" (outside probe: it named one left in
      // the ended segment's queue, not the next segment's first speaker)
      const turnEnded = was && now.last === was.id;
      if (now.ended) {
        return turnEnded ? sentence("console.said.ended_with_segment", { name: was }) : sentence("console.said.segment_ended", {});
      }
      if (turnEnded) {
        return now.next
          ? sentence("console.said.ended", { name: was, next: now.next })
          : sentence("console.said.ended_empty", { name: was });
      }
      return now.next ? sentence("console.said.nobody", { next: now.next }) : sentence("console.said.nobody_empty", {});
    }
    if (before.paused && before.paused.id === is.id) {
      const key = { running: "console.said.back_running", idle: "console.said.back_idle" }[is.timer.state];
      return sentence(key || "console.said.back_paused", { name: is, left: left(is.timer) });
    }
    const vars = { name: is, kind: kindLabel(is.kind), time: spoken(is.timer.allotted_ms + is.timer.added_ms) };
    if (now.paused && is.interposed_in) {
      const ours = quiet && quiet.kind === is.kind && performance.now() < quiet.until;
      quiet = null;
      if (ours) return null; // this console's notice says it, with how to undo it
      return sentence("console.said.interposed", { ...vars, paused: now.paused });
    }
    return sentence(is.timer.state === "running" ? "console.said.floor_running" : "console.said.floor", vars);
  }

  /** The same turn's timer: started, paused, resumed, reset; time added or taken off. */
  function timerChange(was, is) {
    if (was.timer.state !== is.timer.state) {
      const key = {
        running: was.timer.state === "paused" ? "console.said.resumed" : "console.said.started",
        paused: "console.said.paused",
        idle: "console.said.idle",
      }[is.timer.state];
      return key ? sentence(key, { left: left(is.timer) }) : null;
    }
    const delta = is.timer.added_ms - was.timer.added_ms;
    if (!delta) return null;
    return sentence(delta > 0 ? "console.said.added" : "console.said.removed", {
      delta: spoken(Math.abs(delta)),
      left: left(is.timer),
    });
  }

  /** The same turn's speaker corrected: their floor language, their attendance, or both. */
  function floorChange(was, is) {
    const language = is.language && is.language !== was.language ? languageName(is.language) : null;
    const moved = is.attendance !== was.attendance ? is.attendance : null;
    if (language) {
      const key = { remote: "console.said.speaks_remote", in_room: "console.said.speaks_in_room" }[moved];
      return sentence(key || "console.said.speaks", { name: is, language });
    }
    if (moved === "remote") return sentence("console.said.remote", { name: is });
    if (moved === "in_room") return sentence("console.said.in_room", { name: is });
    return null;
  }

  /** Called with each state the console draws: says what changed on the floor since the last. */
  function render(state) {
    const now = floorFacts(state);
    const before = last;
    last = now;
    if (!before || before.segment !== now.segment) return; // a first look is not news
    const was = before.current;
    const is = now.current;
    let nodes = null;
    if ((was && was.id) !== (is && is.id)) nodes = newTurn(before, now);
    else if (was && is) {
      const parts = [was.timer && is.timer ? timerChange(was, is) : null, floorChange(was, is)].filter(Boolean);
      nodes = parts.length ? parts.flatMap((part, index) => (index ? [" ", ...part] : part)) : null;
    }
    // the turn an interposed one paused, corrected meanwhile
    const pausedWas = before.paused;
    const pausedIs = now.paused;
    if (!nodes && pausedWas && pausedIs && pausedWas.id === pausedIs.id) nodes = floorChange(pausedWas, pausedIs);
    if (nodes) say(nodes);
  }

  /** The timer's phase, reached while it runs (speaker.js): after the change just said, if any. */
  function phase(text) {
    const after = performance.now() - saidAt < PHASE_AFTER_CHANGE_MS ? [...region.childNodes, " "] : [];
    fill(region, ...after, text);
    saidAt = -Infinity;
  }

  /** This console is interposing a turn of `kind` (null: it was refused): its notice will say it. */
  function ours(kind) {
    quiet = kind ? { kind, until: performance.now() + QUIET_MS } : null;
  }

  return { render, phase, ours };
}
