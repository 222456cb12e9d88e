// Why the server said no, in the page's language: the one way the staff faces (console, desk,
// rapporteur's page) show a refusal. The server words every refusal in English and names it by a
// stable code ({code, message}: an ApiError, an error frame, an entry of the state's `actions`);
// an English page shows the server's own words, a page in another language the sentence its
// dictionary has for the code (i18n/staff.js "refusal.<code>"), else the server's words.

import "./i18n/staff.js";
import { currentLanguage, t } from "./i18n.js";

/** The server's messages are clauses ("the queue is full (5 speakers)"): shown as sentences. */
const sentence = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

/** The server's words inside a translated sentence ({message}): an island of their own. */
const isolated = (text) => `\u2068${text}\u2069`;

/**
 * A refusal as the page shows it, "" for none. `refusal` is an ApiError, an error frame or an
 * entry of the view's `actions` ({code, message}), or any Error (its message). In English: the
 * server's message as a sentence, ending with a full stop if `stop` (a button's reason), or as
 * it came if `clause` (quoted after a colon in a sentence of the page's). In another language:
 * `refusal.<code>`, whose {message}, if it has one, is the server's detail; a refusal with a
 * `reason` (`cannot_undo`'s: why undo cannot take the command back) `refusal.<code>.<reason>`,
 * whose {name} is whom it names.
 */
export function refusalText(refusal, { stop = false, clause = false } = {}) {
  if (!refusal) return "";
  const message = String(refusal.message || refusal.code || "");
  if (refusal.code && currentLanguage() !== "en") {
    if (refusal.reason) {
      // a refusal with a reason of its own (`cannot_undo`'s): its own sentence, naming `name`
      const key = `refusal.${refusal.code}.${refusal.reason}`;
      const text = t(key, { name: isolated(String(refusal.name || "")) });
      if (text !== key) return text;
    }
    const key = `refusal.${refusal.code}`;
    const text = t(key, { message: isolated(message) });
    if (text !== key) return text;
  }
  if (clause) return message;
  const shown = sentence(message);
  return stop && shown && !/[.!?…]$/.test(shown) ? `${shown}.` : shown;
}
