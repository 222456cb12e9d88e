// Why the server said no, in the page's language: the one way the staff faces (console, desk,
// rapporteur's page) show a refusal. The server words every refusal in English and names it by a
// stable code ({code, message}: an ApiError, an error frame, an entry of the state's `actions`);
// a page in another language shows the sentence its dictionary has for the code
// (i18n/staff.js "refusal.<code>"), else the server's words.
//
// An English page shows the server's own words, which name the people, segments and numbers the
// refusal is about ("the queue is full (5 speakers)") — except for the codes in OWN_WORDS, whose
// server message is written for a script, not for a person at a face: it speaks of what the page
// does for them (command ids, versions, frames, headers, bodies, routes and ids) or of the
// server's own trouble ("the log could not be written (OperationalError) … retry with the same
// command id"), which the person can neither see nor act on. Those read in the dictionary's
// English, which says what happened and what to do. A code joins OWN_WORDS when its messages
// are all of that kind; one whose messages say something a person acts on (forbidden's "an
// organiser link is for its own event…", too_many_connections's count of screens, a rule of the
// floor) keeps the server's words.

import "./i18n/staff.js";
import { currentLanguage, plural, t } from "./i18n.js";

/** The codes shown in the dictionary's words in English too (the rule is in the header). */
const OWN_WORDS = new Set([
  // the server's trouble: the database, a fault of its own
  "storage_unavailable",
  "internal",
  // what the page keeps for the person: its command, request and registration ids, versions
  "command_id_reused",
  "request_id_reused",
  "registration_id_reused",
  "stale_version",
  // what the page sent, and how: ids in an address, bodies, headers, routes, socket frames
  "not_found",
  "body_too_large",
  "json_too_complex",
  "unreadable_body",
  "unsupported_media_type",
  "method_not_allowed",
  "cross_origin_refused",
  "origin_not_allowed",
  "binary_frame",
  "expected_hello",
  "frame_too_large",
  "hello_timeout",
  "invalid_hello",
  "malformed_frame",
  "malformed_json",
  "unknown_type",
]);

/** The server's messages are clauses ("the queue is full (5 speakers)"): shown as sentences. */
const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

/** The server's words inside a translated sentence ({message}): an island of their own. */
const isolated = (text) => `\u2068${text}\u2069`;

/**
 * A refusal as the page shows it, "" for none. `refusal` is an ApiError, an error frame or an
 * entry of the view's `actions` ({code, message}), or any Error (its message). In English: the
 * server's message as a sentence, ending with a full stop if `stop` (a button's reason), or as
 * it came if `clause` (quoted after a colon in a sentence of the page's). In another language,
 * and in English for a code in OWN_WORDS: `refusal.<code>`, whose {message}, if it has one, is
 * the server's detail; a refusal with a `reason` (`cannot_undo`'s: why undo cannot take the
 * command back) `refusal.<code>.<reason>`, whose {name} is whom it names, and with a `count` as
 * well (`segment_not_removable`'s: how many wait in it) that key's plural form for it; a refusal
 * naming someone without a reason (`just_called`'s speaker) gives {name} to `refusal.<code>`.
 */
export function refusalText(refusal, { stop = false, clause = false } = {}) {
  if (!refusal) return "";
  const message = String(refusal.message || refusal.code || "");
  if (refusal.code && (currentLanguage() !== "en" || OWN_WORDS.has(refusal.code))) {
    // a REST refusal's details are beside its `error` in the answer's body (an ApiError's)
    const reason = refusal.reason ?? refusal.body?.reason;
    const count = refusal.count ?? refusal.body?.count;
    if (reason) {
      // a refusal with a reason of its own (`cannot_undo`'s: naming `name`;
      // `segment_not_removable`'s: counting `count`, in the language's plural)
      const key = `refusal.${refusal.code}.${reason}`;
      const vars = { name: isolated(String(refusal.name || "")) };
      const counted = typeof count === "number" && count > 0;
      const text = counted ? plural(key, count, vars) : t(key, vars);
      if (text !== key && text !== `${key}#other`) return text;
    }
    const key = `refusal.${refusal.code}`;
    // whom it names (`just_called`'s speaker), isolated in the sentence
    const name = refusal.name ?? refusal.body?.name;
    const text = t(key, { message: isolated(message), name: isolated(String(name ?? "")) });
    if (text !== key) return text;
  }
  if (clause) return message;
  const shown = sentence(message);
  return stop && shown && !/[.!?…]$/.test(shown) ? `${shown}.` : shown;
}
