// Access links: one per screen and person (moderator, room display and its speaker clock, booth,
// rapporteur, button box, an organiser's desk for this event), each with its expiry. A new link is
// shown once, here, as a link to open or copy and as a QR code the server drew when it made it;
// afterwards only its label, dates and state are known, and it can be revoked. A link lasts, unless
// told otherwise, until the end of the day after the event (the server's default for it); one the
// server says expires before the event's day is over says so, on its card and in the list.
// Another organiser's link made or revoked reaches this list within seconds (sync.js); a new
// link's card still on screen whose link was revoked meanwhile (by anyone) is marked dead, on
// the screen and on paper, its QR code struck out: a dead link is not handed out.
// One hearing in three rooms is three events of one title: a new link's card names its event's
// title, room and date (on paper too, each card cut out), and what the desk says of a link made
// or copied names the room it is for. The new links' cards stay with their event while the page
// is open (another event chosen and this one again: they are back, as their keys are shown only
// here); leaving the page while one was neither copied, opened nor printed asks first.
// Revoking a link says, before and after, what goes with it, as the server reads it at the press:
// the links made with it (a helper's), and the phone links made with them, by participant, whose
// phones are signed out and need a new phone link.
// The focus is never left on <body>: a link revoked, its row has no Revoke left, and the next
// row's Revoke (else the list's heading) takes it; a new link's card put away gives it to the next
// card, else to Make the link.

import { ApiError, api } from "../client.js";
import { h, setText } from "../dom.js";
import { currentLanguage, plural, t } from "../i18n.js";
import {
  confirmAction,
  copyField,
  dayAndTime,
  focusOn,
  gone,
  isolate,
  joinList,
  keepFocus,
  roleLabel,
  svgImage,
  waitingOn,
  weekdayAndTime,
  whereOf,
} from "./util.js";

const $ = (id) => document.getElementById(id);

export function createLinks(desk) {
  const path = () => `/events/${encodeURIComponent(desk.event.id)}/access-links`;
  let chosen = false; // someone chose an expiry: the event's default no longer takes its place
  $("mint-expiry").addEventListener("change", () => {
    chosen = true;
  });

  async function load() {
    if (!desk.event) return;
    desk.links = await api("GET", path());
    desk.changed("links");
  }

  function state(link) {
    if (link.revoked_at) return ["revoked", t("desk.link_state.revoked")];
    if (link.expires_at !== null && link.expires_at <= Date.now()) return ["expired", t("desk.link_state.expired")];
    return ["active", t("desk.link_state.active")];
  }

  /** The expiry the form offers first: the server's default for this event (the end of the day
   * after it), while it is still ahead; chosen unless someone chose another. */
  function offerDefault() {
    const event = desk.event;
    const option = $("mint-expiry-event");
    const select = $("mint-expiry");
    const offered = Boolean(event && event.link_expiry_default_at && event.link_expiry_default_at > Date.now());
    option.hidden = !offered;
    option.disabled = !offered;
    setText(option, offered ? t("desk.expiry.event_default", { when: isolate(weekdayAndTime(event.link_expiry_default_at_local)) }) : "");
    if (offered && !chosen) select.value = "event";
    else if (!offered && select.value === "event") select.value = "86400";
  }

  /** The warning for a link the server says dies before the event's day is over. */
  function beforeEvent() {
    const when = desk.event && desk.event.link_expiry_default_at_local;
    return when ? t("desk.links.before_event", { when: isolate(weekdayAndTime(when)) }) : t("desk.links.before_event_tag");
  }

  function render() {
    if (!desk.event) return;
    offerDefault();
    const today = desk.event.date;
    const links = [...desk.links].reverse(); // newest first
    setText($("links-count"), plural("desk.links.active_count", desk.links.filter((l) => state(l)[0] === "active").length));
    $("links-empty").hidden = links.length > 0;
    const rows = $("links-rows");
    keepFocus(rows, () => rows.replaceChildren(
      ...links.map((link) => {
        const [code, word] = state(link);
        const what = linkName(link);
        const maker = link.made_by && desk.links.find((l) => l.id === link.made_by);
        return h(
          "tr",
          { dataset: { linkId: link.id, state: code } },
          // each cell names its column (data-label): a narrow panel shows the rows as cards
          h("td", { dataset: { label: t("desk.links.for") } }, roleLabel(link.role)),
          h(
            "td",
            { dataset: { label: t("desk.links.label") } },
            h("bdi", {}, link.label),
            // a link made with another lives no longer: revoking the maker revokes it too
            maker ? h("span", { class: "link-maker" }, t("desk.links.made_with", { what: isolate(linkName(maker)) })) : null,
          ),
          h("td", { dataset: { label: t("desk.links.made") } }, dayAndTime(link.created_at_local, today)),
          h("td", { dataset: { label: t("desk.links.expires") } }, link.expires_at_local ? dayAndTime(link.expires_at_local, today) : t("desk.links.never")),
          h(
            "td",
            { dataset: { label: t("desk.links.state") } },
            h("span", { class: "state-tag", dataset: { state: code } }, word),
            // the remedy in words under the tag (a tooltip is never seen on a touch screen)
            ...(code === "active" && link.expires_before_event
              ? [
                  h("span", { class: "state-tag link-too-short", dataset: { state: "warning" } }, t("desk.links.before_event_tag")),
                  h("span", { class: "link-too-short-text" }, beforeEvent()),
                ]
              : []),
          ),
          h(
            "td",
            { class: "actions" },
            code === "active"
              ? h("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": t("desk.links.revoke_label", { what }), onclick: () => revoke(link, what) }, t("desk.links.revoke"))
              : null,
          ),
        );
      }),
    ), { fallback: $("links-list-heading") });
    markDead();
  }

  /** The new links' cards whose link works no more (revoked, here or elsewhere, or expired):
   * said on the card, its QR codes struck out, nothing to copy or open. */
  function markDead() {
    for (const card of $("minted").querySelectorAll(".minted-card")) {
      const link = desk.links.find((l) => l.id === card.dataset.linkId);
      if (!link) continue; // made a moment ago, not in the list read yet: nothing to say of it
      const [code] = state(link);
      if (code === "active" || card.dataset.dead === code) continue;
      card.dataset.dead = code;
      card.querySelector(".minted-dead")?.remove();
      const words = t(code === "expired" ? "desk.minted.expired" : "desk.minted.revoked");
      card.querySelector(".minted-head").after(h("p", { class: "minted-dead", role: "alert" }, words));
      for (const qr of card.querySelectorAll(".qr")) qr.alt = words;
    }
  }

  /** A link in words: its role, and its label when it has one. */
  function linkName(link) {
    const role = roleLabel(link.role);
    return link.label ? t("desk.links.role_and_label", { role, label: link.label }) : role;
  }

  /** Names in a sentence: all of them up to four, else the first three "and N others". */
  function someNames(names) {
    if (names.length <= 4) return joinList(names.map((name) => isolate(name)));
    const shown = joinList(names.slice(0, 3).map((name) => isolate(name)));
    return plural("desk.links.and_others", names.length - 3, { names: shown });
  }

  /** What revoking a link does to the participants' keys made with it (a helper's phone links,
   * the keys of those the helper registered), in sentences: `before` the confirmation's, else
   * the notice's. Nothing when it made none. */
  function keysWords(keys, before) {
    const phones = keys.filter((k) => k.kind === "phone_link");
    const registered = keys.length - phones.length;
    const words = [];
    if (phones.length) {
      const key = before ? "desk.links.revoke_phones" : "desk.links.revoked_phones";
      words.push(plural(key, phones.length, { names: someNames(phones.map((k) => k.name)) }));
    }
    if (registered) words.push(plural(before ? "desk.links.revoke_registered" : "desk.links.revoked_registered", registered));
    return words;
  }

  async function revoke(link, what) {
    // what goes with it as the server says now (a helper may have made a phone link since the
    // list was read): the links made with it, and with them, and the participants' keys
    try {
      await desk.refresh("links");
    } catch {
      // the list as it was read last
    }
    const now = desk.links.find((l) => l.id === link.id) || link;
    const too = (now.revokes_too || []).map((id) => desk.links.find((l) => l.id === id)).filter(Boolean);
    const keys = now.revokes_keys_too || [];
    const names = joinList(too.map((l) => isolate(linkName(l))));
    const sure = await confirmAction({
      title: t("desk.links.revoke_title", { what: isolate(what) }),
      text: [
        t("desk.links.revoke_text"),
        ...(too.length ? [plural("desk.links.revoke_too", too.length, { names })] : []),
        ...keysWords(keys, true),
      ].join(" "),
      ok: t("desk.links.revoke_ok"),
    });
    if (!sure) return;
    try {
      await desk.call("DELETE", `${path()}/${encodeURIComponent(link.id)}`, undefined, { quiet: true });
      const done = too.length ? plural("desk.links.revoked_with", too.length, { what: isolate(what) }) : t("desk.links.revoked", { what: isolate(what) });
      desk.notices.show([done, ...keysWords(keys, false)].join(" "));
      // their phones are signed out: the participants' list says so (has_phone)
      if (keys.length) desk.refresh("participants").catch(() => {});
    } catch (error) {
      // revoked already (by someone else): said, and the list read again shows it
      if (gone(error)) desk.notices.show(t("desk.links.revoked_already", { what: isolate(what) }), "warning");
      else desk.notices.show(desk.refusal(error), "error");
    }
    await load();
  }

  /** One way in: its name, the full address with Copy and Open, and its QR code. Copied or
   * opened, it is kept (`data-kept`): leaving the page no longer asks about it. */
  function door(title, url, svg, { open = true, where = "" } = {}) {
    // the whole address, wrapped: a key is long, and it is what the screen needs
    const field = h("textarea", { class: "minted-url", rows: "4", readonly: true, dir: "ltr", "aria-label": t("desk.door.link_label", { title }), spellcheck: "false" });
    field.value = url;
    const copy = h("button", { type: "button", class: "btn btn-small" }, t("desk.door.copy"));
    copy.addEventListener("click", async () => {
      const copied = await copyField(field);
      if (copied) field.closest(".door").dataset.kept = "true";
      desk.notices.show(copied ? t("desk.door.copied", { title, where: isolate(where) }) : t("desk.copy_failed"));
    });
    const opener = open ? h("a", { class: "btn btn-small", href: url, target: "_blank", rel: "noopener" }, t("desk.door.open")) : null;
    opener?.addEventListener("click", () => {
      opener.closest(".door").dataset.kept = "true";
    });
    return h(
      "div",
      { class: "door" },
      svg ? svgImage(svg, t("desk.door.qr_alt", { title: title.toLocaleLowerCase(currentLanguage()) })) : null,
      h(
        "div",
        { class: "door-text" },
        h("p", { class: "door-title" }, title),
        field,
        h(
          "p",
          { class: "door-actions" },
          copy,
          opener,
        ),
      ),
    );
  }

  /** The event's title, room and date on a card, each part in its own direction. */
  const eventLine = (event) =>
    [h("bdi", {}, event.title), event.room ? h("bdi", {}, event.room) : null, event.date ? h("bdi", { class: "minted-date", dir: "ltr" }, event.date) : null]
      .filter(Boolean)
      .flatMap((part, at) => [...(at ? [" · "] : []), part]);

  function card(link) {
    const base = location.origin;
    const role = roleLabel(link.role);
    const where = whereOf(desk.event);
    const doors = [];
    if (link.role === "display") {
      doors.push(door(t("identify.display"), base + link.url, link.qr_svg, { where }));
      doors.push(door(t("identify.clock"), base + link.clock_url, link.clock_qr_svg, { where }));
    } else if (link.role === "device") {
      doors.push(door(t("desk.door.device_actions"), base + link.url, null, { open: false, where }));
      doors.push(door(t("desk.door.device_token"), link.token, null, { open: false, where }));
    } else {
      doors.push(door(role, base + link.url, link.qr_svg, { where }));
    }
    const shown = link.expires_at_local
      ? t("desk.minted.hint_expires", { when: isolate(dayAndTime(link.expires_at_local, desk.event.date)) })
      : t("desk.minted.hint_never");
    const close = h("button", { type: "button", class: "notice-close", "aria-label": t("desk.minted.close") }, "×");
    const title = link.label ? [role, " · ", h("bdi", {}, link.label)] : [role];
    const item = h(
      "section",
      {
        class: "minted-card",
        dataset: { role: link.role, linkId: link.id },
        "aria-label": t("desk.minted.label", { what: link.label ? `${role} · ${link.label}` : role, where }),
      },
      h("div", { class: "minted-head" }, h("p", { class: "minted-title" }, title), close),
      // which event and room it opens, on the screen and on each card printed
      h("p", { class: "minted-event" }, eventLine(desk.event)),
      h("p", { class: "hint" }, shown),
      link.expires_before_event ? h("p", { class: "minted-warning", role: "note" }, beforeEvent()) : null,
      doors,
    );
    close.addEventListener("click", () => {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      focusOn(next && next.querySelector(".notice-close"), $("mint-submit"));
    });
    return item;
  }

  // one link per press: a second tap (a double tap on a tablet) or Enter while the first is
  // being made does nothing, as the event's and the segment's forms do. A press whose answer
  // never came (the line dropped, the server restarting) is sent again under its request id by
  // the next press of the same form: the server revokes the link nobody saw, one stays live
  let minting = false;
  let unanswered = null; // { id, sent }: the request id of a press left without an answer
  const newRequestId = () => `link-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  $("mint-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (minting) return;
    minting = true;
    const body = { role: $("mint-role").value, label: $("mint-label").value };
    const expiry = $("mint-expiry").value;
    // the event's default, as the server gave it; else a number of seconds from now
    if (expiry === "event") body.expires_at = desk.event.link_expiry_default_at;
    else if (expiry) body.expires_in_s = Number(expiry);
    const sent = JSON.stringify([desk.event.id, body]);
    body.request_id = unanswered && unanswered.sent === sent ? unanswered.id : newRequestId();
    // the button waits with aria-disabled: it keeps the focus (until the new link's address takes it)
    try {
      await waitingOn($("mint-submit"), mint);
    } finally {
      minting = false;
    }

    async function mint() {
      let link;
      try {
        link = await desk.call("POST", path(), body);
        unanswered = null;
      } catch (error) {
        // no answer, or the server failed: the link may exist; the same press again replaces it
        const lost = error instanceof ApiError && (error.status === 0 || error.status >= 500);
        unanswered = lost ? { id: body.request_id, sent } : null;
        return; // shown by desk.call
      }
      $("minted").prepend(card(link));
      const what = link.label ? t("desk.links.role_and_label", { role: roleLabel(link.role), label: isolate(link.label) }) : roleLabel(link.role);
      desk.notices.show(t("desk.links.made_for", { what, where: isolate(whereOf(desk.event)) }));
      $("mint-label").value = "";
      try {
        await load();
      } catch {
        // the list is read again at the next poll
      }
      $("minted").querySelector(".minted-url").focus();
    }
  });

  // Print: the new links' cards, each naming its event (the list of links when there is none);
  // the button says which (outside probe H: "Print the links" printed the one card on screen)
  $("links-print").addEventListener("click", () => window.print());
  const printLabel = () => {
    const key = $("minted").children.length ? "desk.links.print_cards" : "desk.links.print";
    $("links-print").dataset.i18n = key; // a translation pass of the page keeps it
    setText($("links-print"), t(key));
  };
  new MutationObserver(printLabel).observe($("minted"), { childList: true });
  window.addEventListener("beforeprint", () => {
    if ($("section-links").hidden) return;
    for (const each of $("minted").querySelectorAll(".door")) each.dataset.kept = "true";
  });

  let shownFor = null; // the event the new links' cards on screen belong to
  const kept = new Map(); // event id -> its new links' cards, while another event is shown

  /** The new links' cards, of every event, with a live key nobody copied, opened or printed. */
  function unkept() {
    const cards = [...$("minted").children, ...[...kept.values()].flat()];
    return cards.filter((each) => !each.dataset.dead && [...each.querySelectorAll(".door")].some((d) => !d.dataset.kept));
  }
  window.addEventListener("beforeunload", (event) => {
    if (!unkept().length) return;
    event.preventDefault(); // the browser asks whether to leave: these keys are shown only here
    event.returnValue = "";
  });

  return {
    load,
    unkept,
    changed(what) {
      const eventId = desk.event ? desk.event.id : null;
      if (eventId !== shownFor) {
        // another event's cards go out of sight, kept for when it is chosen again
        if (shownFor) kept.set(shownFor, [...$("minted").children]);
        $("minted").replaceChildren(...(kept.get(eventId) || []));
        kept.delete(eventId);
        chosen = false;
      }
      shownFor = eventId;
      if (what === "event" || what === "links") render();
    },
  };
}
