// Access links: one per screen and person (moderator, room display and its speaker clock, booth,
// rapporteur, button box, an organiser's desk for this event), each with its expiry. A new link is
// shown once, here, as a link to open or copy and as a QR code the server drew when it made it;
// afterwards only its label, dates and state are known, and it can be revoked.

import { api } from "../client.js";
import { h, setText } from "../dom.js";
import { ROLES, confirmAction, copyField, dayAndTime, svgImage } from "./util.js";

const $ = (id) => document.getElementById(id);

export function createLinks(desk) {
  const path = () => `/events/${encodeURIComponent(desk.event.id)}/access-links`;

  async function load() {
    if (!desk.event) return;
    desk.links = await api("GET", path());
    desk.changed("links");
  }

  function state(link) {
    if (link.revoked_at) return ["revoked", "Revoked"];
    if (link.expires_at !== null && link.expires_at <= Date.now()) return ["expired", "Expired"];
    return ["active", "Active"];
  }

  function render() {
    if (!desk.event) return;
    const today = desk.event.date;
    const links = [...desk.links].reverse(); // newest first
    setText($("links-count"), `${desk.links.filter((l) => state(l)[0] === "active").length} active`);
    $("links-empty").hidden = links.length > 0;
    $("links-rows").replaceChildren(
      ...links.map((link) => {
        const [code, word] = state(link);
        const what = `${ROLES[link.role] || link.role}${link.label ? ` (${link.label})` : ""}`;
        return h(
          "tr",
          { dataset: { linkId: link.id, state: code } },
          h("td", {}, ROLES[link.role] || link.role),
          h("td", { dir: "auto" }, link.label),
          h("td", {}, dayAndTime(link.created_at_local, today)),
          h("td", {}, link.expires_at_local ? dayAndTime(link.expires_at_local, today) : "Never"),
          h("td", {}, h("span", { class: "state-tag", dataset: { state: code } }, word)),
          h(
            "td",
            { class: "actions" },
            code === "active"
              ? h("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": `Revoke ${what}`, onclick: () => revoke(link, what) }, "Revoke")
              : null,
          ),
        );
      }),
    );
  }

  async function revoke(link, what) {
    const sure = await confirmAction({
      title: `Revoke ${what}?`,
      text: "Every screen open with this link stops at once and says the link no longer works. Make a new link for it if it is still needed.",
      ok: "Revoke the link",
    });
    if (!sure) return;
    try {
      await desk.call("DELETE", `${path()}/${encodeURIComponent(link.id)}`);
      desk.notices.show(`${what}: revoked.`);
      await load();
    } catch {
      // shown by desk.call
    }
  }

  /** One way in: its name, the full address with Copy and Open, and its QR code. */
  function door(title, url, svg, { open = true } = {}) {
    // the whole address, wrapped: a key is long, and it is what the screen needs
    const field = h("textarea", { class: "minted-url", rows: "4", readonly: true, "aria-label": `${title}: link`, spellcheck: "false" });
    field.value = url;
    const copy = h("button", { type: "button", class: "btn btn-small" }, "Copy");
    copy.addEventListener("click", async () => desk.notices.show((await copyField(field)) ? `${title}: link copied.` : "Select the link and copy it."));
    return h(
      "div",
      { class: "door" },
      svg ? svgImage(svg, `QR code of the ${title.toLowerCase()} link`) : null,
      h(
        "div",
        { class: "door-text" },
        h("p", { class: "door-title" }, title),
        field,
        h(
          "p",
          { class: "door-actions" },
          copy,
          open ? h("a", { class: "btn btn-small", href: url, target: "_blank", rel: "noopener" }, "Open") : null,
        ),
      ),
    );
  }

  function card(link) {
    const base = location.origin;
    const label = link.label ? ` · ${link.label}` : "";
    const doors = [];
    if (link.role === "display") {
      doors.push(door("Room display", base + link.url, link.qr_svg));
      doors.push(door("Speaker clock", base + link.clock_url, link.clock_qr_svg));
    } else if (link.role === "device") {
      doors.push(door("Button box: actions", base + link.url, null, { open: false }));
      doors.push(door("Button box: Bearer token", link.token, null, { open: false }));
    } else {
      doors.push(door(ROLES[link.role] || link.role, base + link.url, link.qr_svg));
    }
    const expiry = link.expires_at_local ? `expires ${dayAndTime(link.expires_at_local, desk.event.date)}` : "does not expire";
    const close = h("button", { type: "button", class: "notice-close", "aria-label": "Put this link away" }, "×");
    const item = h(
      "section",
      { class: "minted-card", dataset: { role: link.role, linkId: link.id }, "aria-label": `New link: ${ROLES[link.role] || link.role}${label}` },
      h("div", { class: "minted-head" }, h("p", { class: "minted-title" }, `${ROLES[link.role] || link.role}${label}`), close),
      h("p", { class: "hint" }, `Shown once: open it, scan it or copy it now. It ${expiry}.`),
      doors,
    );
    close.addEventListener("click", () => item.remove());
    return item;
  }

  $("mint-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { role: $("mint-role").value, label: $("mint-label").value };
    const expiry = $("mint-expiry").value;
    if (expiry) body.expires_in_s = Number(expiry);
    try {
      const link = await desk.call("POST", path(), body);
      $("minted").prepend(card(link));
      $("mint-label").value = "";
      await load();
      $("minted").querySelector(".minted-url").focus();
    } catch {
      // shown by desk.call
    }
  });

  let shownFor = null; // the event the new links' cards belong to
  return {
    load,
    changed(what) {
      const eventId = desk.event ? desk.event.id : null;
      if (eventId !== shownFor) $("minted").replaceChildren(); // another event's secrets go
      shownFor = eventId;
      if (what === "event" || what === "links") render();
    },
  };
}
