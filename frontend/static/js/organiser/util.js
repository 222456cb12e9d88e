// What the desk's sections share: a confirmation dialog, copying a link, times as the event
// reads them, a QR code's SVG as an image, and the words for roles and faces.

import { setText } from "../dom.js";

const $ = (id) => document.getElementById(id);

/** "10:30" from an ISO 8601 local time the server gave ("2022-05-16T10:30:00-04:00"). */
export const hourMinute = (local) => (local ? local.slice(11, 16) : "");

/** "2022-05-16" from the same. */
export const dayOf = (local) => (local ? local.slice(0, 10) : "");

/** "16 May, 10:30" from the same (the date only when it is not `today`). */
export function dayAndTime(local, today = "") {
  if (!local) return "";
  const day = dayOf(local);
  if (day === today) return hourMinute(local);
  const [y, m, d] = day.split("-").map(Number);
  const month = new Date(Date.UTC(y, m - 1, d)).toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
  return `${d} ${month}, ${hourMinute(local)}`;
}

/** "just now", "40 s ago", "3 min ago", "2 h ago". */
export function ago(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

/** An SVG the server made (a QR code) as an image: drawn, never parsed into the page. */
export function svgImage(svg, alt) {
  const image = document.createElement("img");
  image.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
  image.alt = alt;
  image.className = "qr";
  return image;
}

/** Copy the text of a read-only field (works on plain http too, where the clipboard API is not). */
export async function copyField(field) {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    field.focus();
    field.select();
    return document.execCommand("copy");
  }
}

/** Ask before something that cannot be taken back; resolves to true on OK. */
export function confirmAction({ title, text, ok }) {
  const dialog = $("confirm-dialog");
  setText($("confirm-heading"), title);
  setText($("confirm-text"), text);
  setText($("confirm-ok"), ok);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
    $("confirm-cancel").focus(); // the safe answer first
  });
}

export const ROLES = {
  organiser: "Organiser's desk",
  moderator: "Moderator console",
  display: "Room display and clock",
  booth: "Interpreters' booth",
  rapporteur: "Rapporteur",
  device: "Button box",
};

export const FACES = {
  console: "Moderator console",
  display: "Room display",
  clock: "Speaker clock",
  booth: "Interpreters' booth",
  rapporteur: "Rapporteur page",
  organiser: "Organiser's desk",
  other: "Other",
};

/** The server's messages are clauses ("the queue is full"): show them as sentences. */
export const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);
