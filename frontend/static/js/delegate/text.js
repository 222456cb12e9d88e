// Words the phone shows around the server's text: server text in its own bidi island, translated
// sentences with isolated placeholders, and the server's refusals in the delegate's language.

import { segmentAfterBreak } from "../client.js";
import { fill, h, timeOfDay } from "../dom.js";
import { currentLanguage, plural, t } from "../i18n.js";

/** The error codes with a sentence of their own (i18n.js "error.<code>"); rate_limited's says how
 * many seconds to wait, a count ("error.rate_limited#one"…: errorNodes). */
const TRANSLATED_ERRORS = new Set([
  "already_queued",
  "list_closed",
  "points_of_order_off",
  "segment_ended",
  "queue_full",
  "bad_join_code",
  "offline",
  "not_withdrawable",
  "unauthenticated",
  "storage_unavailable",
  "forbidden",
  "not_found",
  "invalid_request",
  "already_curated",
  "segment_is_break",
  "already_registered",
  "too_many_connections",
]);

/** Server text in its own bidi island: an English name stays readable on an Arabic page. */
export const isolate = (text) => h("bdi", {}, text);

/** A translated sentence whose {placeholders} are filled with isolated server text. */
export function tNodes(key, vars) {
  return t(key)
    .split(/\{(\w+)\}/)
    .map((part, index) => (index % 2 ? isolate(String(vars[part] ?? "")) : part))
    .filter((part) => part !== "");
}

/** How many seconds a rate limit asks to wait: `seconds` if given, else the server's answer. */
function secondsOf(error) {
  // {seconds} made here, an ApiError's body (REST), or the error frame itself (socket)
  const seconds = error.seconds ?? error.body?.retry_after_s ?? error.retry_after_s;
  return Math.max(1, Math.ceil(Number(seconds) || 60));
}

/**
 * A refusal in the page's language, as nodes: by its code, or else the server's own (English)
 * words in a translated frame. `error` is an ApiError, an error frame or {code, seconds}.
 */
export function errorNodes(error) {
  const code = error && error.code;
  if (code === "rate_limited") return [plural("error.rate_limited", secondsOf(error))];
  if (code && TRANSLATED_ERRORS.has(code)) return [t(`error.${code}`)];
  return tNodes("error.refused", { message: (error && error.message) || String(error) });
}

/** The same, as plain text (for a page title or a paragraph that holds no markup). */
export function errorText(error) {
  return errorNodes(error)
    .map((part) => (typeof part === "string" ? part : part.textContent))
    .join("");
}

/**
 * Why nothing can be asked in a break, and until when: the segment after it in the programme and
 * its start in the event's zone when the programme says them (the server's `segment_is_break`),
 * or when the moderator announced the meeting resumes (`resumes_at`), as the room is told.
 */
export function breakNodes(connection) {
  const segment = connection?.state?.segment;
  const after = segment ? segmentAfterBreak(connection.programme, segment.id) : null;
  if (!after) return [t("error.segment_is_break")];
  const at = segment.resumes_at ?? after.scheduled_start_at;
  const time = timeOfDay(at, connection.event?.timezone, currentLanguage());
  if (!time) return tNodes("request.break_until", { title: after.title });
  // a time already past (a break that runs over) is said as due, as the room's screens say it
  const due = connection.clock && at <= connection.clock.now();
  return tNodes(due ? "request.break_until_due" : "request.break_until_at", { title: after.title, time });
}

/** The translated sentence for a refusal code (the server's can_request), or null. */
export function reasonText(code) {
  if (!code) return null;
  return TRANSLATED_ERRORS.has(code) ? t(`error.${code}`) : t("request.unavailable");
}

/**
 * Show an error in its box (a string, an ApiError or an error frame), or hide the box when there
 * is none. `tone` "wait" says the page is still trying (not a refusal).
 */
export function showError(node, error, tone = "error") {
  if (!error) {
    node.hidden = true;
    node.textContent = "";
    delete node.dataset.tone;
    return;
  }
  fill(node, typeof error === "string" ? error : errorNodes(error));
  node.dataset.tone = tone;
  node.hidden = false;
}

/** What is going on while the same command waits to be sent again (send.js onRetry). */
export function waitingText(error, ms) {
  if (error.status === 429) return plural("error.rate_limited_waiting", Math.ceil(ms / 1000));
  return t(error.status === 503 ? "error.storage_retrying" : "error.offline_retrying");
}
