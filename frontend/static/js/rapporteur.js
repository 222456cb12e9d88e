// The rapporteur's page: every recommendation and pledge of the day, live over the event's
// socket (the connection's `outcome`), to read, filter and curate — accept, set aside, edit the
// wording, merge duplicates, tag themes and Global Compact objectives — and to show one on the
// room display in the group reflection. Each change is an outcome command on the socket
// (client.js sendOutcome: one command id, sent again after a reconnect, applied once).
// In the six UN languages (./i18n/rapporteur.js; the language picked by ./staff-language.js); the
// contributions are shown in the language they were written in.

import "./i18n/rapporteur.js";
import "./i18n/staff.js";
import { FloorConnection, actAs, signInToEvent } from "./client.js";
import { fill, h, setText } from "./dom.js";
import { currentLanguage, plural, t } from "./i18n.js";
import { createAdd } from "./rapporteur/add.js";
import { createDetail } from "./rapporteur/detail.js";
import { createList } from "./rapporteur/list.js";
import { dirOf, excerpt, isolate, kindLabel, langOf, numbering } from "./rapporteur/model.js";
import { refusalText } from "./refusal.js";
import { neighbours, reflectionOrder, steps } from "./reflection.js";
import { languagePicker, startLanguage } from "./staff-language.js";

startLanguage();
const $ = (id) => document.getElementById(id);
const picker = languagePicker($("language"));
actAs("rapporteur", "moderator", "organiser");

const STATUS_KEYS = {
  connecting: "rapporteur.conn_connecting",
  live: "rapporteur.conn_live",
  reconnecting: "conn.reconnecting",
};
const SLOW_ACK_MS = 2000;
// how long after this page sends a command the display panel's line's next change is not said
// (its notice says it); any other change is
const QUIET_PLACE_MS = 3000;
let quietPlaceUntil = 0;
const NOTICE_MS = { info: 5000, error: 12000, warning: 10000 };

function notify(text, tone = "info") {
  const region = $("notices");
  for (const old of region.children) if (old.dataset.text === text) old.remove();
  const close = h("button", { type: "button", class: "notice-close", "aria-label": t("staff.dismiss_notice") }, "×");
  const item = h("div", { class: `notice notice-${tone}`, dataset: { text } }, h("span", { dir: "auto" }, text), close);
  close.addEventListener("click", () => item.remove());
  region.append(item);
  while (region.children.length > 3) region.firstElementChild.remove();
  setTimeout(() => item.remove(), NOTICE_MS[tone] || NOTICE_MS.info);
}

function signedOut(message) {
  $("desk").hidden = true;
  $("signin").hidden = false;
  setText($("signin-message"), message);
  setText($("signin-example"), `${location.origin}/rapporteur#key=…`);
  setText($("event-title"), t("rapporteur.not_signed_in"));
  setText($("now-line"), "");
  const status = $("connection-status");
  status.dataset.status = "signed-out";
  setText(status, t("rapporteur.conn_signed_out"));
  $("connection").hidden = true;
}

async function start() {
  let eventId;
  try {
    ({ eventId } = await signInToEvent(["rapporteur", "moderator", "organiser"], "rapporteur"));
  } catch (error) {
    signedOut(refusalText(error, { clause: true }));
    return;
  }
  run(eventId);
}

function run(eventId) {
  $("signin").hidden = true;
  $("desk").hidden = false;
  // the outcome summary and the day's record, downloaded with this browser's session
  const events = `/api/v1/events/${encodeURIComponent(eventId)}`;
  // the summary in the page's language (its headings, dates, constituencies, objectives): asked
  // as it is clicked, so a language chosen since is the one written
  for (const format of ["docx", "html", "md"]) {
    const link = $(`outcome-${format}`);
    const href = () => `${events}/outcome?format=${format}&lang=${currentLanguage()}`;
    link.href = href();
    link.addEventListener("click", () => (link.href = href()));
  }
  for (const format of ["csv", "xlsx"]) {
    $(`contributions-${format}`).href = `${events}/contributions?format=${format}`;
    $(`record-${format}`).href = `${events}/speeches?format=${format}`;
  }
  const conn = new FloorConnection(`/ws/events/${encodeURIComponent(eventId)}`);
  window.floorConnection = conn; // for the browser tests and for debugging
  picker.watch(conn); // no reload while the line is down: it would lose the page
  let selected = null;
  let adding = false; // the form that adds a contribution on someone's behalf is open
  let paneBefore = "list"; // where a narrow screen was when the form opened
  let numbers = new Map();
  const desk = $("desk");

  /**
   * Which half a narrow screen shows (rapporteur.css: one column below 900 px): the list, or
   * the contribution chosen (or the form). A wide screen shows both whatever this says.
   */
  function showPane(pane) {
    desk.dataset.pane = pane;
  }
  const narrow = () => window.matchMedia("(max-width: 900px)").matches;

  const ctx = {
    outcome: () => conn.outcome,
    programme: () => conn.programme || [],
    event: () => conn.event,
    numbers: () => numbers,
    selectedId: () => selected,
    select(id) {
      selected = id;
      adding = false;
      showPane("detail");
      render(true);
      $("detail-heading")?.focus({ preventScroll: true });
      $("detail").scrollTop = 0;
      if (narrow()) window.scrollTo(0, 0);
    },
    /** Open the form that adds a contribution for someone without a phone. */
    startAdding() {
      if (!adding) paneBefore = desk.dataset.pane;
      adding = true;
      showPane("detail");
      add.open();
      $("detail").scrollTop = 0;
      if (narrow()) window.scrollTo(0, 0);
    },
    /** Close the form (cancelled): the contribution chosen before, if any, is shown again. */
    stopAdding() {
      adding = false;
      const back = selected ? paneBefore : "list";
      showPane(back);
      render(true);
      (back === "detail" ? $("detail-heading") : $("add-open"))?.focus({ preventScroll: true });
    },
    /** A narrow screen's way back from a contribution (or the form) to the list. */
    backToList() {
      showPane("list");
      const item = selected && $(`item-${selected}`);
      if (item) {
        item.scrollIntoView({ block: "center" });
        item.focus({ preventScroll: true });
      } else {
        $("list-heading").focus();
      }
    },
    eventId: () => eventId,
    liveSegmentId: () => conn.liveSegmentId,
    current: () => conn.state && conn.state.current,
    /** The live segment's speakers not registered (added by name on the console): on the floor
     * (or paused by an interposed turn), then waiting; each {entry, segment, where}. */
    guestTurns: () => {
      const state = conn.state;
      if (!state || !state.segment) return [];
      const floor = [state.current, state.paused].filter(Boolean).map((entry) => ({ entry, where: "floor" }));
      const waiting = (state.queue || []).map((entry) => ({ entry, where: "queue" }));
      return [...floor, ...waiting]
        .filter(({ entry }) => !entry.participant_id)
        .map((turn) => ({ ...turn, segment: state.segment.id }));
    },
    currentSegmentId: () => conn.state && conn.state.segment && conn.state.segment.id,
    notify,
    /**
     * Send an outcome command; resolve to the ack, or to null after saying why it was refused.
     * `onRefusal(error)` may say it itself (by the field concerned): it returns true when it did.
     * `commandId` sends an intention again under the id it was first sent with.
     */
    async run(command, confirmation, { onRefusal = null, commandId = null } = {}) {
      // what the display panel's line says of this page's own command, the notice says: the
      // line is quiet meanwhile (outside probe E: an accepted or shown contribution was said twice)
      if (confirmation) quietPlaceUntil = Date.now() + QUIET_PLACE_MS; // for its next change only
      const slow = setTimeout(
        () => notify(t("rapporteur.waiting"), "warning"),
        SLOW_ACK_MS,
      );
      try {
        const ack = await conn.sendOutcome(command, { commandId });
        const said = typeof confirmation === "function" ? confirmation(ack) : confirmation;
        if (said) notify(said, "info");
        return ack;
      } catch (error) {
        if (onRefusal && onRefusal(error)) return null;
        notify(refusalText(error) || t("rapporteur.refused"), "error");
        return null;
      } finally {
        clearTimeout(slow);
      }
    },
  };

  const list = createList(ctx);
  const detail = createDetail(ctx);
  const add = createAdd(ctx);
  showPane("list");
  $("add-open").addEventListener("click", () => ctx.startAdding());

  /** A name in the top bar: its own direction, cut short with an ellipsis, whole in its tooltip. */
  const clipped = (text) => h("bdi", { class: "clip", title: text }, text);

  /**
   * The top bar's two lines: the event's title, then what happens on the floor. Each name (the
   * event's, the segment's, the speaker's) is isolated in the page's direction and cut short by
   * itself, so a long English title in an Arabic line keeps its beginning.
   */
  function renderHeader() {
    const event = conn.event;
    if (!event) return;
    const state = conn.state;
    const parts = [];
    if (state) {
      const segment = state.segment;
      const title = segment.title;
      parts.push(segment.status === "live" ? isolate("rapporteur.now_live", { title }) : [h("bdi", {}, title)]);
      if (state.current) parts.push(isolate("rapporteur.now_speaking", { name: state.current.name }));
    }
    if (!parts.length) for (const text of [event.room, event.date].filter(Boolean)) parts.push([h("bdi", {}, text)]);
    const line = parts.flatMap((part, index) => (index ? [" · ", ...part] : part));
    const key = JSON.stringify([event.title, line.map((part) => (typeof part === "string" ? part : [part.textContent]))]);
    if ($("now-line").dataset.key !== key) {
      $("now-line").dataset.key = key;
      fill($("event-title"), clipped(event.title));
      fill($("now-line"), line.map((part) => (typeof part === "string" ? h("span", { class: "now-text" }, part) : clipped(part.textContent))));
    }
    const count = conn.outcome ? conn.outcome.contributions.length : 0;
    document.title = t("rapporteur.document_title", { count, title: event.title });
  }

  function renderOnDisplay() {
    const outcome = conn.outcome;
    const shown = outcome && outcome.shown_id ? outcome.contributions.find((c) => c.id === outcome.shown_id) : null;
    const box = $("on-display");
    const key = JSON.stringify(shown ? [shown.id, shown.kind, shown.text, numbers.get(shown.id)] : null);
    if (box.dataset.key !== key) {
      box.dataset.key = key;
      if (!shown) {
        fill(box, h("p", { class: "empty" }, t("rapporteur.display_shows_floor")));
      } else {
        const open = h("button", { type: "button", class: "link-button", id: "open-shown" }, `#${numbers.get(shown.id)} · ${kindLabel(shown.kind)}`);
        open.addEventListener("click", () => ctx.select(shown.id));
        const text = h("p", { class: "on-display-text", dir: dirOf(shown.language), lang: langOf(shown.language) }, excerpt(shown.text, 120));
        fill(box, h("p", { class: "on-display-title" }, open), text);
      }
    }
    const place = stepPlace();
    const where = $("display-place");
    const said = shown && place.theme ? placeLabel(place) : [!shown && place.count ? plural("rapporteur.accepted_count", place.count) : ""];
    const saidKey = JSON.stringify(said.map((part) => (typeof part === "string" ? part : part.textContent)));
    if (where.dataset.key !== saidKey) {
      where.dataset.key = saidKey;
      // only when it changed: the line is a live region, for what others do (another rapporteur
      // showing the next one); this page's own command is said by its notice
      const quiet = Date.now() < quietPlaceUntil;
      quietPlaceUntil = 0;
      where.setAttribute("aria-live", quiet ? "off" : "polite");
      fill(where, said);
    }
    setDisabled({ "display-next": !place.next, "display-previous": !place.previous, "clear-display": !shown });
  }

  let parked = false; // the focus was put on the panel's heading by setDisabled

  /** The display's buttons on or off; one about to be disabled under the focus hands it to a
   * neighbour still on (Next, Previous, Clear), else to the panel's heading: never to <body>. */
  function setDisabled(off) {
    const active = document.activeElement;
    const heading = $("display-heading");
    const neighbour = Object.keys(off).find((id) => !off[id]);
    if (active && Object.hasOwn(off, active.id) && off[active.id]) {
      if (!neighbour) heading.tabIndex = -1;
      (neighbour ? $(neighbour) : heading).focus();
      parked = !neighbour;
    } else if (parked && active === heading && neighbour) {
      // parked on the heading while no button was on (a render between the command and its
      // update): the first button back on takes it (CI under load: Next came on a moment later)
      $(neighbour).focus();
      parked = false;
    } else if (active !== heading) {
      parked = false;
    }
    for (const [id, disabled] of Object.entries(off)) $(id).disabled = disabled;
  }

  /** "Theme — 2 of 5" (what reflection.js placeLabel says, in the page's language). */
  function placeLabel(place) {
    const theme = place.other ? t("display.other_theme") : place.theme;
    return [h("bdi", {}, theme), " — ", t("display.n_of_count", { n: place.themePosition, count: place.themeCount })];
  }

  /** Where the shown contribution is in the reflection's order, and where the steps go
   * (reflection.js: the server's). */
  function stepPlace() {
    const outcome = conn.outcome;
    if (!outcome) return { ...neighbours([], null), ...steps(null) };
    return { ...neighbours(reflectionOrder(outcome), outcome.shown_id), ...steps(outcome) };
  }

  for (const [id, side] of [["display-previous", "previous"], ["display-next", "next"]]) {
    $(id).addEventListener("click", async () => {
      const target = stepPlace()[side];
      if (!target) return;
      // from what this page saw on the display: moved meanwhile by someone else, it is refused
      const seen = conn.outcome ? conn.outcome.shown_id : null;
      await ctx.run(
        { type: "show_contribution", contribution_id: target.id, expected_shown: seen },
        t("rapporteur.shown", { number: numbers.get(target.id) }),
      );
      renderOnDisplay();
    });
  }

  function render(force = false) {
    if (conn.outcome) numbers = numbering(conn.outcome.contributions);
    renderHeader();
    renderOnDisplay();
    list.render();
    $("add-open").setAttribute("aria-expanded", String(adding));
    if (adding) add.render();
    else detail.render(force);
  }

  $("clear-display").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    if (button.getAttribute("aria-disabled") === "true") return; // clearing already
    // waits with aria-disabled, keeping the focus until the display is cleared (renderOnDisplay
    // then hands it on): a disabled button under the focus would drop it to <body>
    button.setAttribute("aria-disabled", "true");
    const seen = conn.outcome ? conn.outcome.shown_id : null;
    try {
      await ctx.run({ type: "show_contribution", contribution_id: null, expected_shown: seen }, t("rapporteur.display_cleared"));
    } finally {
      button.removeAttribute("aria-disabled");
    }
    renderOnDisplay();
  });

  conn.addEventListener("change", () => render());
  conn.addEventListener("status", () => {
    const pill = $("connection-status");
    pill.dataset.status = conn.status;
    setText(pill, STATUS_KEYS[conn.status] ? t(STATUS_KEYS[conn.status]) : conn.status);
    $("connection").hidden = conn.status !== "reconnecting";
  });
  conn.addEventListener("servererror", (event) => {
    const frame = event.detail;
    if (frame.code === "unauthenticated" || frame.code === "forbidden") {
      conn.stop();
      signedOut(t("rapporteur.closed_by_server", { message: refusalText(frame, { clause: true }) }));
      return;
    }
    notify(refusalText(frame), "error");
  });
  render();
  conn.start();
}

start().catch((error) => {
  signedOut(t("rapporteur.could_not_start", { message: refusalText(error, { clause: true }) }));
});
