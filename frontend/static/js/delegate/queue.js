// Who is speaking now (with their clock) and the list of speakers, the delegate's own places
// marked; how many requests wait for the moderator. While an interposed question or answer has
// the floor, the turn it paused comes first, "Returns to the floor", as on the room display: the
// places below it count it.
//
// The words follow where the day is, as the server's programme says it: during a break, the
// break (nobody speaks, there is no list); once the segment has ended, no "yet"; once the
// hearing has closed, neither card (nobody will be called from that list any more).

import { hearingClosedAfter } from "../client.js";
import { fill, h, nameLang, setText } from "../dom.js";
import { kindLabel, t } from "../i18n.js";
import { affiliation } from "../speakers.js";
import { isBreak, isMine, segmentOf, speakersList } from "./mine.js";
const $ = (id) => document.getElementById(id);

/** A name and an organisation in their own bidi island, each in its own language as the server
 * says it (`name_lang`, `organisation_lang`), so a screen reader reads it in that voice; the
 * constituency after it as the room display, the live page and the booth say it (speakers.js
 * `affiliation`: not "Other", not a second time when the organisation says it). */
function speakerLine(entry) {
  const details = affiliation(entry);
  return [
    h("span", { class: "who-name" }, h("bdi", { lang: nameLang(entry) }, entry.name)),
    details.length ? h("span", { class: "who-details" }, details) : null,
  ];
}

/** Where the followed segment stands, for the words around the floor: "closed" (it ended and
 * nothing is to come after it), "ended", "break" (a break is live) or "open". */
function moment(connection) {
  const segment = segmentOf(connection);
  if (!segment) return "open";
  if (segment.status === "ended") return hearingClosedAfter(connection.programme, segment.id) ? "closed" : "ended";
  if (segment.status === "live" && isBreak(connection)) return "break";
  return "open";
}

const NOBODY = { ended: "speaker.ended", break: "speaker.break" };

export function createQueue(ctx) {
  function renderNowSpeaking(now) {
    const current = ctx.connection.state?.current;
    const box = $("now-speaking");
    ctx.clocks.clear("now");
    box.closest("section").hidden = now === "closed" && !current;
    if (!current) {
      fill(box, h("p", { class: "muted" }, t(NOBODY[now] || "speaker.none")));
      return;
    }
    const clock = h("span", { class: "now-clock" }, "");
    const words = ctx.clocks.add({ scope: "now", node: clock, base: "now-clock", timer: current.timer });
    fill(
      box,
      h(
        "div",
        { class: "now-row" },
        h(
          "p",
          { class: "who" },
          speakerLine(current),
          h("span", { class: "who-kind" }, kindLabel(current.kind)),
          isMine(ctx.connection, current.id) ? h("span", { class: "you" }, t("queue.you")) : null,
        ),
        clock,
        words,
      ),
    );
  }

  function renderQueue(now) {
    const state = ctx.connection.state;
    const list = speakersList(ctx.connection);
    // closed: nobody on it will be called; a break has no list
    $("queue-list").closest("section").hidden = now === "closed" || (now === "break" && list.length === 0);
    fill(
      $("queue-list"),
      list.map(({ entry, returns }, index) => {
        const mine = isMine(ctx.connection, entry.id);
        const classes = ["queue-entry", mine ? "mine" : null, returns ? "returns" : null].filter(Boolean);
        let tag = null;
        if (returns) tag = h("span", { class: "who-returns" }, t("queue.returns_to_floor"));
        else if (entry.kind !== "intervention") tag = h("span", { class: "who-kind" }, kindLabel(entry.kind));
        return h(
          "li",
          { class: classes.join(" "), dataset: { returns: String(returns) } },
          h("span", { class: "queue-place", "aria-hidden": "true" }, String(index + 1)),
          h("p", { class: "who" }, speakerLine(entry), tag),
          mine ? h("span", { class: "you" }, t("queue.you")) : null,
        );
      }),
    );
    $("queue-empty").hidden = list.length > 0;
    const empty = now === "ended" ? "queue.empty_ended" : "queue.empty";
    if ($("queue-empty").dataset.i18n !== empty) {
      $("queue-empty").dataset.i18n = empty; // a new language keeps the right words
      setText($("queue-empty"), t(empty));
    }
    const pendingCount = state?.pending_count || 0;
    const pending = $("queue-pending");
    pending.hidden = pendingCount === 0;
    if (pendingCount) setText(pending, t("queue.awaiting", { count: pendingCount }));
  }

  return {
    render() {
      const now = moment(ctx.connection);
      renderNowSpeaking(now);
      renderQueue(now);
    },
  };
}
