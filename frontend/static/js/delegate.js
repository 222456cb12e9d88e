// The delegate's phone: join with the event's code, request the floor, follow one's place in
// the queue until one speaks. Everything the server says is put in as text (dom.js).

import {
  ApiError,
  FloorConnection,
  actAs,
  api,
  formatClock,
  newId,
  phaseOf,
  remainingMs,
  signIn,
} from "./client.js";
import { fill, h, setText, timeOfDay } from "./dom.js";
import {
  CONSTITUENCIES,
  LANGUAGES,
  REQUESTABLE_KINDS,
  apply,
  constituencyLabel,
  currentLanguage,
  kindLabel,
  onLanguageChange,
  pickLanguage,
  setLanguage,
  t,
} from "./i18n.js";

const $ = (id) => document.getElementById(id);
actAs("delegate");
const REMEMBERED = "floorkeeper.delegate";
const OPEN = new Set(["pending", "queued"]);
const ACTIVE = new Set(["pending", "queued", "speaking"]);
const TRANSLATED_ERRORS = new Set([
  "already_queued",
  "list_closed",
  "segment_ended",
  "queue_full",
  "bad_join_code",
  "offline",
  "not_withdrawable",
  "unauthenticated",
  "storage_unavailable",
]);

const page = {
  code: decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || ""),
  info: null, // GET /join/{code}
  participant: null, // who this phone belongs to
  connection: null,
  requestRetry: null, // {id, body} kept until the server answers, so a retry is applied once
  statusKey: null, // what the status cards show, to rebuild (and announce) only on a change
  clocks: [], // [{node, timer}] refreshed by the ticker
  nextAnnounced: null, // the request we last vibrated for
  pooOpen: false,
  formMode: null, // the kinds on offer: the choice goes back to the first when they change
};

/** Server text in its own bidi island: an English name stays readable on an Arabic page. */
const isolate = (text) => h("bdi", {}, text);

/** A translated sentence whose {placeholders} are filled with isolated server text. */
function tNodes(key, vars) {
  return t(key)
    .split(/\{(\w+)\}/)
    .map((part, index) => (index % 2 ? isolate(String(vars[part] ?? "")) : part))
    .filter((part) => part !== "");
}

// --- language ------------------------------------------------------------------------------------

function buildLanguagePickers() {
  const picker = $("language-picker");
  fill(
    picker,
    LANGUAGES.map(({ code, name }) => h("option", { value: code, lang: code }, name)),
  );
  picker.value = currentLanguage();
  picker.addEventListener("change", () => setLanguage(picker.value));

  const spoken = $("join-language");
  fill(
    spoken,
    LANGUAGES.map(({ code, name }) => h("option", { value: code, lang: code }, name)),
  );
  spoken.value = currentLanguage();
  spoken.addEventListener("change", () => (spoken.dataset.touched = "1"));
}

function buildConstituencies() {
  const select = $("join-constituency");
  const chosen = select.value;
  fill(
    select,
    h("option", { value: "" }, t("join.constituency_choose")),
    CONSTITUENCIES.map((code) => h("option", { value: code }, constituencyLabel(code))),
  );
  select.value = chosen;
}

function translatePage() {
  apply(document);
  $("language-picker").value = currentLanguage();
  const spoken = $("join-language");
  if (!spoken.dataset.touched) spoken.value = currentLanguage();
  buildConstituencies();
  setTitle();
  page.statusKey = null; // rebuild the status cards in the new language
  if (page.connection) render();
  if (page.participant) showIdentity();
}

function setTitle() {
  const segmentTitle = page.connection?.state?.segment?.title;
  const eventTitle = page.info?.title;
  document.title = [t("page.title"), segmentTitle || eventTitle].filter(Boolean).join(" · ");
}

// --- errors --------------------------------------------------------------------------------------

function errorText(error) {
  const code = error && error.code;
  if (code && TRANSLATED_ERRORS.has(code)) return t(`error.${code}`);
  return (error && error.message) || String(error);
}

function showError(node, error) {
  if (!error) {
    node.hidden = true;
    node.textContent = "";
    return;
  }
  setText(node, typeof error === "string" ? error : errorText(error));
  node.hidden = false;
}

// --- views ---------------------------------------------------------------------------------------

function show(view) {
  for (const name of ["loading", "invalid", "join", "floor"]) $(`view-${name}`).hidden = name !== view;
}

function remember(participant) {
  try {
    localStorage.setItem(REMEMBERED, JSON.stringify(participant));
  } catch (error) {
    // the cookie still signs them in; only the name shown is lost
  }
}

function remembered(participantId) {
  try {
    const stored = JSON.parse(localStorage.getItem(REMEMBERED) || "null");
    return stored && stored.id === participantId ? stored : null;
  } catch (error) {
    return null;
  }
}

function forget() {
  try {
    localStorage.removeItem(REMEMBERED);
  } catch (error) {
    // nothing to forget
  }
}

function showIdentity() {
  const who = page.participant;
  $("identity").hidden = !(who && who.name);
  if (!who || !who.name) return;
  const label = who.organisation ? `${who.name} · ${who.organisation}` : who.name;
  fill($("identity"), tNodes("floor.signed_in", { name: label }));
}

// --- joining -------------------------------------------------------------------------------------

function fieldError(input, errorNode, message) {
  if (message) {
    input.setAttribute("aria-invalid", "true");
    setText(errorNode, message);
    errorNode.hidden = false;
  } else {
    input.removeAttribute("aria-invalid");
    errorNode.hidden = true;
  }
}

async function onJoin(event) {
  event.preventDefault();
  const form = $("join-form");
  const name = $("join-name");
  const constituency = $("join-constituency");
  const nameMissing = !name.value.trim();
  const constituencyMissing = !constituency.value;
  fieldError(name, $("join-name-error"), nameMissing ? t("join.name_required") : null);
  fieldError(
    constituency,
    $("join-constituency-error"),
    constituencyMissing ? t("join.constituency_required") : null,
  );
  if (nameMissing) return name.focus();
  if (constituencyMissing) return constituency.focus();

  const button = $("join-submit");
  button.disabled = true;
  button.textContent = t("join.joining");
  showError($("join-error"), null);
  try {
    const joined = await api("POST", `/events/${page.info.event_id}/participants`, {
      join_code: page.code,
      name: name.value.trim(),
      organisation: $("join-organisation").value.trim(),
      constituency: constituency.value,
      language: $("join-language").value,
      attendance: form.elements.attendance.value,
    });
    await api("POST", "/session", { token: joined.token }); // the HttpOnly cookie keeps them here
    remember(joined.participant);
    enterFloor(joined.participant);
  } catch (error) {
    showError($("join-error"), error);
  } finally {
    button.disabled = false;
    button.textContent = t("join.submit");
  }
}

async function onLeave() {
  try {
    await api("DELETE", "/session");
  } catch (error) {
    // leaving must work offline too: the cookie goes with the next successful call
  }
  forget();
  if (page.connection) page.connection.stop();
  page.connection = null;
  page.participant = null;
  page.statusKey = null;
  $("join-form").reset();
  $("join-language").value = currentLanguage();
  delete $("join-language").dataset.touched;
  $("connection").hidden = true;
  show("join");
  $("join-name").focus();
}

// --- the floor -----------------------------------------------------------------------------------

function enterFloor(participant) {
  page.participant = participant;
  showIdentity();
  fill($("segment-title"), isolate(page.info.title));
  show("floor");
  const connection = new FloorConnection(`/ws/events/${page.info.event_id}`);
  page.connection = connection;
  connection.addEventListener("change", render);
  connection.addEventListener("status", () => {
    $("connection").hidden = connection.status !== "reconnecting";
  });
  connection.addEventListener("servererror", (event) => {
    if (event.detail.code === "unauthenticated") return signedOut();
    showError($("floor-error"), event.detail);
  });
  connection.start();
}

function signedOut() {
  forget();
  if (page.connection) page.connection.stop();
  page.connection = null;
  page.participant = null;
  show("join");
  showError($("join-error"), { code: "unauthenticated" });
}

function segmentOf() {
  const state = page.connection && page.connection.state;
  return state ? state.segment : null;
}

function myRequests() {
  const connection = page.connection;
  if (!connection || !connection.state) return [];
  return [...connection.mine].sort((a, b) => a.requested_at - b.requested_at);
}

function render() {
  const connection = page.connection;
  if (!connection) return;
  renderSegment();
  renderStatus();
  renderRequestForm();
  renderNowSpeaking();
  renderQueue();
  setTitle();
  tick();
}

function renderSegment() {
  const segment = segmentOf();
  const badge = $("segment-badge");
  const title = $("segment-title");
  if (!segment) {
    if (title.textContent !== t("segment.none")) fill(title, t("segment.none"));
    badge.hidden = true;
    return;
  }
  if (title.textContent !== segment.title) fill(title, isolate(segment.title));
  badge.hidden = false;
  badge.className = `badge badge-${segment.status}`;
  if (segment.status === "live") setText(badge, t("segment.live"));
  else if (segment.status === "ended") setText(badge, t("segment.ended"));
  else if (segment.scheduled_start_at) {
    const time = timeOfDay(segment.scheduled_start_at, page.connection.event?.timezone, currentLanguage());
    setText(badge, t("segment.starts_at", { time }));
  } else setText(badge, t("segment.scheduled"));
}

/** Where a queued request stands: its index in the public queue, or -1. */
function placeOf(request) {
  const queue = page.connection.state.queue || [];
  return queue.findIndex((entry) => entry.id === request.entry_id);
}

function phaseFor(request) {
  if (request.status !== "queued") return request.status;
  return placeOf(request) === 0 ? "next" : "queued";
}

/** The requests worth a card: the open ones, or else the last one that ended. */
function cardRequests() {
  const mine = myRequests();
  const active = mine.filter((request) => ACTIVE.has(request.status));
  if (active.length) return active;
  return mine.length ? [mine[mine.length - 1]] : [];
}

function renderStatus() {
  const requests = cardRequests();
  const queueLength = (page.connection.state?.queue || []).length;
  const key = JSON.stringify([
    currentLanguage(),
    requests.map((r) => {
      const phase = phaseFor(r);
      return [r.id, phase, phase === "queued" ? [placeOf(r), queueLength] : null, r.reason, r.note];
    }),
  ]);
  if (key === page.statusKey) return;
  page.statusKey = key;
  page.clocks = page.clocks.filter((clock) => clock.scope !== "status");
  fill($("status-cards"), requests.map((request) => statusCard(request, queueLength)));
  const next = requests.find((request) => phaseFor(request) === "next");
  const speaking = requests.find((request) => request.status === "speaking");
  const alertFor = next || speaking;
  if (alertFor && page.nextAnnounced !== `${alertFor.id}:${alertFor.status}`) {
    page.nextAnnounced = `${alertFor.id}:${alertFor.status}`;
    if (navigator.vibrate) navigator.vibrate(speaking ? [300] : [200, 100, 200, 100, 400]);
    window.scrollTo(0, 0); // wherever they had scrolled, the banner is what matters now
  }
}

function withdrawButton(request) {
  const button = h(
    "button",
    { type: "button", class: "button danger", onclick: () => withdraw(request, button) },
    t("status.withdraw"),
  );
  return button;
}

function noteLine(request) {
  return request.note ? h("p", { class: "status-note" }, tNodes("status.note", { note: request.note })) : null;
}

function statusCard(request, queueLength) {
  const kind = h("p", { class: "status-kind" }, kindLabel(request.kind));
  const phase = phaseFor(request);
  switch (phase) {
    case "pending":
      return h(
        "article",
        { class: "status-card status-pending", dataset: { phase } },
        kind,
        h("p", { class: "status-title" }, t("status.pending")),
        h("p", {}, t("status.pending_body")),
        noteLine(request),
        withdrawButton(request),
      );
    case "queued": {
      const index = placeOf(request);
      return h(
        "article",
        { class: "status-card status-queued", dataset: { phase } },
        kind,
        h("p", { class: "status-title" }, t("status.queued")),
        index >= 0 ? h("p", { class: "status-place" }, t("status.place", { n: index + 1, m: queueLength })) : null,
        noteLine(request),
        withdrawButton(request),
      );
    }
    case "next":
      return h(
        "article",
        { class: "status-card status-next", role: "alert", dataset: { phase } },
        kind,
        h("p", { class: "status-title status-big" }, t("status.next")),
        h("p", {}, t("status.next_body")),
        withdrawButton(request),
      );
    case "speaking": {
      const clock = h("p", { class: "status-clock" }, "");
      const label = h("p", { class: "status-clock-label" }, "");
      page.clocks.push({ scope: "status", node: clock, base: "status-clock", label, own: true });
      return h(
        "article",
        { class: "status-card status-speaking", role: "alert", dataset: { phase } },
        kind,
        h("p", { class: "status-title status-big" }, t("status.speaking")),
        label,
        clock,
      );
    }
    case "spoken":
      return h(
        "article",
        { class: "status-card status-done", dataset: { phase } },
        h("p", { class: "status-title" }, t("status.spoken")),
        h("p", {}, t("status.spoken_body")),
      );
    case "declined":
      return h(
        "article",
        { class: "status-card status-declined", dataset: { phase } },
        kind,
        h("p", { class: "status-title" }, t("status.declined")),
        h(
          "p",
          { class: "status-reason" },
          request.reason ? tNodes("status.reason", { reason: request.reason }) : t("status.no_reason"),
        ),
      );
    default: // withdrawn, skipped, removed
      return h(
        "article",
        { class: "status-card status-done", dataset: { phase } },
        kind,
        h("p", { class: "status-title" }, t(`status.${phase}`)),
      );
  }
}

/** Which kinds may be asked for now, as the server's rules would answer. */
function availableKinds() {
  const segment = segmentOf();
  if (!segment || segment.status === "ended") return [];
  const mine = myRequests();
  if (mine.some((request) => request.status === "speaking")) return [];
  const listOpen = page.connection.state.settings?.list_open !== false;
  const holdsTurn = mine.some((r) => OPEN.has(r.status) && r.kind !== "point_of_order");
  const holdsPointOfOrder = mine.some((r) => OPEN.has(r.status) && r.kind === "point_of_order");
  return REQUESTABLE_KINDS.filter((kind) =>
    kind === "point_of_order" ? !holdsPointOfOrder : listOpen && !holdsTurn,
  );
}

function renderRequestForm() {
  const segment = segmentOf();
  const section = $("request-section");
  const closed = $("request-closed");
  const kinds = availableKinds();
  const hasActive = myRequests().some((request) => ACTIVE.has(request.status));

  if (segment && segment.status === "ended") {
    setText(closed, t("request.ended"));
    closed.hidden = false;
  } else closed.hidden = true;

  section.hidden = kinds.length === 0;
  if (!kinds.length) return;

  // holding a place already: only a point of order is left, behind a button
  const collapsed = hasActive;
  const toggle = $("poo-toggle");
  toggle.hidden = !collapsed;
  toggle.setAttribute("aria-expanded", String(!collapsed || page.pooOpen));
  $("request-form").hidden = collapsed && !page.pooOpen;

  for (const kind of REQUESTABLE_KINDS) {
    const option = $(`kind-${kind}`);
    const allowed = kinds.includes(kind);
    option.hidden = !allowed;
    option.querySelector("input").disabled = !allowed;
  }
  const form = $("request-form");
  const mode = kinds.join();
  if (mode !== page.formMode || !kinds.includes(form.elements.kind.value)) {
    page.formMode = mode;
    form.querySelector(`input[name=kind][value=${kinds[0]}]`).checked = true;
  }
  const listOpen = page.connection.state.settings?.list_open !== false;
  const notice = $("request-notice");
  notice.hidden = listOpen;
  if (!listOpen) setText(notice, t("request.list_closed"));
}

function speakerLine(entry) {
  const details = [];
  if (entry.organisation) details.push(isolate(entry.organisation));
  if (entry.constituency) details.push(constituencyLabel(entry.constituency));
  return [
    h("span", { class: "who-name" }, isolate(entry.name)),
    details.length ? h("span", { class: "who-details" }, details.flatMap((d, i) => (i ? [" · ", d] : [d]))) : null,
  ];
}

function isMine(entryId) {
  return myRequests().some((request) => request.entry_id === entryId);
}

function renderNowSpeaking() {
  const current = page.connection.state?.current;
  const box = $("now-speaking");
  page.clocks = page.clocks.filter((clock) => clock.scope !== "now");
  if (!current) {
    fill(box, h("p", { class: "muted" }, t("speaker.none")));
    return;
  }
  const clock = h("span", { class: "now-clock" }, "");
  page.clocks.push({ scope: "now", node: clock, base: "now-clock", timer: current.timer });
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
        isMine(current.id) ? h("span", { class: "you" }, t("queue.you")) : null,
      ),
      clock,
    ),
  );
}

function renderQueue() {
  const state = page.connection.state;
  const queue = state?.queue || [];
  fill(
    $("queue-list"),
    queue.map((entry, index) => {
      const mine = isMine(entry.id);
      return h(
        "li",
        { class: mine ? "queue-entry mine" : "queue-entry" },
        h("span", { class: "queue-place", "aria-hidden": "true" }, String(index + 1)),
        h(
          "p",
          { class: "who" },
          speakerLine(entry),
          entry.kind !== "intervention" ? h("span", { class: "who-kind" }, kindLabel(entry.kind)) : null,
        ),
        mine ? h("span", { class: "you" }, t("queue.you")) : null,
      );
    }),
  );
  $("queue-empty").hidden = queue.length > 0;
  const pendingCount = state?.pending_count || 0;
  const pending = $("queue-pending");
  pending.hidden = pendingCount === 0;
  if (pendingCount) setText(pending, t("queue.awaiting", { count: pendingCount }));
}

/** Refresh the clocks from the server's time as estimated here; nothing is counted locally. */
function tick() {
  const connection = page.connection;
  if (!connection || !connection.state) return;
  const now = connection.clock.now();
  const current = connection.state.current;
  const settings = connection.state.settings || { warning_ms: 30000, danger_ms: 10000 };
  for (const clock of page.clocks) {
    const timer = clock.own ? current?.timer : clock.timer;
    if (!timer) continue;
    const ms = remainingMs(timer, now);
    setText(clock.node, formatClock(ms));
    const className = `${clock.base} phase-${phaseOf(ms, settings)}`;
    if (clock.node.className !== className) clock.node.className = className;
    if (clock.label) {
      let label = t("status.time_left");
      if (ms < 0) label = t("status.overtime");
      else if (timer.state === "idle") label = t("status.time_allotted");
      else if (timer.state === "paused") label = t("status.paused");
      setText(clock.label, label);
    }
  }
}

// --- commands ------------------------------------------------------------------------------------

async function onRequest(event) {
  event.preventDefault();
  const segment = segmentOf();
  if (!segment) return;
  const form = $("request-form");
  const button = $("request-submit");
  const kind = form.elements.kind.value;
  const note = $("request-note").value.trim();
  const body = JSON.stringify([segment.id, kind, note]);
  if (!page.requestRetry || page.requestRetry.body !== body) page.requestRetry = { id: newId(), body };
  button.disabled = true;
  button.textContent = t("request.sending");
  showError($("request-error"), null);
  try {
    const result = await api("POST", `/segments/${segment.id}/floor-requests`, {
      command_id: page.requestRetry.id,
      kind,
      note,
    });
    page.requestRetry = null;
    form.reset();
    page.pooOpen = false;
    window.scrollTo(0, 0);
    $("status-cards").focus({ preventScroll: true }); // the answer is up there now
    const connection = page.connection;
    if (connection && connection.segmentId === segment.id && result.version >= (connection.version || 0)) {
      connection.mine = result.requests; // shown at once; the socket's own frame follows
    }
    render();
  } catch (error) {
    if (error instanceof ApiError && error.status !== 0) page.requestRetry = null; // answered: a new try is a new request
    if (error.code === "unauthenticated") return signedOut();
    showError($("request-error"), error);
  } finally {
    button.disabled = false;
    button.textContent = t("request.submit");
  }
}

async function withdraw(request, button) {
  const segment = segmentOf();
  if (!segment) return;
  button.disabled = true;
  button.textContent = t("status.withdrawing");
  showError($("floor-error"), null);
  try {
    await api("DELETE", `/segments/${segment.id}/floor-requests/${request.id}?command_id=${newId()}`);
  } catch (error) {
    if (error.code === "unauthenticated") return signedOut();
    showError($("floor-error"), error);
    button.disabled = false;
    button.textContent = t("status.withdraw");
  }
}

// --- start ---------------------------------------------------------------------------------------

async function main() {
  const explicit = new URLSearchParams(location.search).get("lang");
  setLanguage(pickLanguage(explicit));
  buildLanguagePickers();
  buildConstituencies();
  apply(document);
  onLanguageChange(translatePage);

  $("join-form").addEventListener("submit", onJoin);
  $("request-form").addEventListener("submit", onRequest);
  $("leave").addEventListener("click", onLeave);
  $("poo-toggle").addEventListener("click", () => {
    page.pooOpen = !page.pooOpen;
    renderRequestForm();
    if (page.pooOpen) $("request-form").querySelector("input:not([disabled])")?.focus();
  });
  setInterval(tick, 250);

  try {
    page.info = await api("GET", `/join/${encodeURIComponent(page.code)}`);
  } catch (error) {
    if (error.status === 404) {
      show("invalid");
      return;
    }
    show("invalid");
    setText($("view-invalid").querySelector("p"), errorText(error));
    return;
  }
  fill($("event-title"), isolate(page.info.title));
  setTitle();

  let session = null;
  try {
    session = await signIn();
  } catch (error) {
    session = null;
  }
  if (session && session.role === "delegate" && session.event_id === page.info.event_id) {
    const participant = session.participant ||
      remembered(session.participant_id) || { id: session.participant_id, name: "", organisation: "" };
    enterFloor(participant);
  } else {
    show("join");
  }
}

main();
