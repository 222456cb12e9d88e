// The request form: which kinds may be asked for now, a note, and sending the request once
// (a retry after a lost answer carries the same command id, so it is applied once).

import { ApiError, api, newId } from "../client.js";
import { setText } from "../dom.js";
import { REQUESTABLE_KINDS, t } from "../i18n.js";
import { ACTIVE, OPEN, myRequests, segmentOf } from "./mine.js";
import { showError } from "./text.js";

const $ = (id) => document.getElementById(id);

export function createRequestForm(ctx) {
  const form = $("request-form");
  const button = $("request-submit");
  let retry = null; // {id, body} kept until the server answers, so a retry is applied once
  let pooOpen = false;
  let formMode = null; // the kinds on offer: the choice goes back to the first when they change

  /** Which kinds may be asked for now, as the server's rules would answer. */
  function availableKinds() {
    const segment = segmentOf(ctx.connection);
    if (!segment || segment.status === "ended") return [];
    const mine = myRequests(ctx.connection);
    if (mine.some((request) => request.status === "speaking")) return [];
    const listOpen = ctx.connection.state.settings?.list_open !== false;
    const holdsTurn = mine.some((r) => OPEN.has(r.status) && r.kind !== "point_of_order");
    const holdsPointOfOrder = mine.some((r) => OPEN.has(r.status) && r.kind === "point_of_order");
    return REQUESTABLE_KINDS.filter((kind) =>
      kind === "point_of_order" ? !holdsPointOfOrder : listOpen && !holdsTurn,
    );
  }

  function render() {
    const segment = segmentOf(ctx.connection);
    const section = $("request-section");
    const closed = $("request-closed");
    const kinds = availableKinds();
    const hasActive = myRequests(ctx.connection).some((request) => ACTIVE.has(request.status));

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
    toggle.setAttribute("aria-expanded", String(!collapsed || pooOpen));
    form.hidden = collapsed && !pooOpen;

    for (const kind of REQUESTABLE_KINDS) {
      const option = $(`kind-${kind}`);
      const allowed = kinds.includes(kind);
      option.hidden = !allowed;
      option.querySelector("input").disabled = !allowed;
    }
    const mode = kinds.join();
    if (mode !== formMode || !kinds.includes(form.elements.kind.value)) {
      formMode = mode;
      form.querySelector(`input[name=kind][value=${kinds[0]}]`).checked = true;
    }
    const listOpen = ctx.connection.state.settings?.list_open !== false;
    const notice = $("request-notice");
    notice.hidden = listOpen;
    if (!listOpen) setText(notice, t("request.list_closed"));
  }

  async function submit(event) {
    event.preventDefault();
    const segment = segmentOf(ctx.connection);
    if (!segment) return;
    const kind = form.elements.kind.value;
    const note = $("request-note").value.trim();
    const body = JSON.stringify([segment.id, kind, note]);
    if (!retry || retry.body !== body) retry = { id: newId(), body };
    button.disabled = true;
    button.textContent = t("request.sending");
    showError($("request-error"), null);
    try {
      const result = await api("POST", `/segments/${segment.id}/floor-requests`, {
        command_id: retry.id,
        kind,
        note,
      });
      retry = null;
      form.reset();
      pooOpen = false;
      window.scrollTo(0, 0);
      $("status-cards").focus({ preventScroll: true }); // the answer is up there now
      const connection = ctx.connection;
      if (connection && connection.segmentId === segment.id && result.version >= (connection.version || 0)) {
        connection.mine = result.requests; // shown at once; the socket's own frame follows
      }
      ctx.render();
    } catch (error) {
      if (error instanceof ApiError && error.status !== 0) retry = null; // answered: a new try is a new request
      if (error.code === "unauthenticated") return ctx.signedOut();
      showError($("request-error"), error);
    } finally {
      button.disabled = false;
      button.textContent = t("request.submit");
    }
  }

  form.addEventListener("submit", submit);
  $("poo-toggle").addEventListener("click", () => {
    pooOpen = !pooOpen;
    render();
    if (pooOpen) form.querySelector("input:not([disabled])")?.focus();
  });

  return { render };
}
