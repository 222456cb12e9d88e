// A break's resumption, as the moderator tells the room (announce_resumption): a lunch that runs
// over, a break begun late. Offered while the server says it may be (the state's
// `actions.announce_resumption` is null: a break that has not ended), with what the room is told
// now: the time announced, else the next segment's scheduled start. Every face says the same
// (speakers.js breakOf), and the server's forecast reads it.

import { segmentAfterBreak } from "../client.js";
import { clock24, setText, timeOfDay, wallReadings } from "../dom.js";
import { t } from "../i18n.js";
import { ltr } from "./format.js";
import { setAvailable } from "./speaker.js";

const $ = (id) => document.getElementById(id);
/** The time first offered when none is to come: this far ahead, on a five-minute mark. */
const OFFER_AHEAD_MS = 10 * 60000;
const STEP_MS = 5 * 60000;
const HALF_DAY_MS = 12 * 3600000;

/** Of a wall time's readings that day, the first still to come (the hour the clocks repeat:
 * 01:15 typed at 01:57 in its first pass is the second 01:15), else the last (past: refused). */
const soonest = (instants, now) => instants.find((ms) => ms >= now) ?? instants[instants.length - 1] ?? null;

export function createResumption(ctx) {
  const form = $("resumption");
  const input = $("resumption-time");
  const told = $("resumption-told");
  const clear = $("resumption-clear");
  // what the input was last filled from (segment, announced time): refilled only when that changes,
  // never under the moderator's typing
  let filledFrom = null;
  // the time announced when the moderator began (the input filled): sent as `expected`, so that
  // one another console announced meanwhile is not silently replaced (outside probe D7)
  let seen = null;

  const zone = () => (ctx.conn.event && ctx.conn.event.timezone) || undefined;
  /** A time of day in the event's zone, as it sits in a sentence (left to right in Arabic too). */
  const clock = (ms) => ltr(timeOfDay(ms, zone(), "en-GB"));
  const plannedOf = (state) => {
    const after = segmentAfterBreak(ctx.conn.programme, state.segment.id);
    return after ? (after.scheduled_start_at ?? null) : null;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const now = ctx.conn.clock.now();
    const typed = clock24(input.value); // "15:15", "1515", "15.15", "15h15", "١٥:١٥"
    let readings = typed ? wallReadings(typed, now, zone()) : null;
    let at = readings ? soonest(readings.instants, now) : null;
    // 00:30 typed at 23:40 is tonight's, not last night's; 15:00 at 15:20 stays past (refused)
    if (at !== null && at < now - HALF_DAY_MS) {
      readings = wallReadings(typed, now + 2 * HALF_DAY_MS, zone());
      at = readings ? soonest(readings.instants, now) : null;
    }
    if (readings && readings.skipped) {
      // the hour the clocks skip: refused, not moved past the change (02:30 as 03:30)
      const { day, before, from } = readings.skipped;
      const words = { time: ltr(typed), day: ltr(day), zone: ltr(zone()), before: ltr(before || ""), from: ltr(from) };
      ctx.notices.show(t(before ? "console.resumption.skipped" : "console.resumption.skipped_from", words), "warning");
      input.focus();
      return;
    }
    if (at === null) {
      ctx.notices.show(t("console.resumption.required"), "warning");
      input.focus();
      return;
    }
    const ack = await ctx.run({ type: "announce_resumption", at, expected: seen });
    if (ack) {
      seen = at; // ours now, whether or not the field is filled again
      ctx.notices.show(t("console.resumption.announced", { time: clock(at) }), "info");
    } else if (ctx.state()) {
      // refused (changed since): what is announced now is on the line above; pressed again, sent
      seen = ctx.state().segment.resumes_at ?? null;
    }
  });

  clear.addEventListener("click", async () => {
    const state = ctx.state();
    if (!state || state.segment.resumes_at === null || state.segment.resumes_at === undefined) {
      ctx.notices.show(t("console.resumption.none_announced"), "warning");
      return;
    }
    const ack = await ctx.run({ type: "announce_resumption", at: null });
    if (!ack) return;
    seen = null;
    const planned = plannedOf(state);
    ctx.notices.show(planned !== null ? t("console.resumption.withdrawn_at", { time: clock(planned) }) : t("console.resumption.withdrawn"), "info");
  });

  /** The time first in the input: the one the room is told, if still to come; else soon. */
  function offered(at) {
    const now = ctx.conn.clock.now();
    const soon = Math.ceil((now + OFFER_AHEAD_MS) / STEP_MS) * STEP_MS;
    return timeOfDay(at !== null && at > now ? at : soon, zone(), "en-GB");
  }

  function render(state) {
    // a refusal (no break, or it has ended), or a server that does not know the command: hidden
    const shown = Boolean(state.actions) && state.actions.announce_resumption === null;
    form.hidden = !shown;
    if (!shown) return;
    const announced = state.segment.resumes_at ?? null;
    const planned = plannedOf(state);
    const at = announced ?? planned;
    const due = at !== null && at <= ctx.conn.clock.now();
    let key = "console.resumption.told_none";
    if (announced !== null) key = due ? "console.resumption.told_announced_due" : "console.resumption.told_announced";
    else if (planned !== null) key = due ? "console.resumption.told_planned_due" : "console.resumption.told_planned";
    setText(told, t(key, { time: clock(at) }));
    told.dataset.due = String(due);
    setAvailable(clear, announced === null ? t("console.resumption.none_announced") : null);
    const from = `${state.segment.id}|${announced}|${zone()}`;
    if (from !== filledFrom && document.activeElement !== input) {
      filledFrom = from;
      seen = announced;
      input.value = offered(at);
    }
  }

  return { render };
}
