// Words the phone shows around the server's text: server text in its own bidi island, translated
// sentences with isolated placeholders, and the server's refusals in the delegate's language.

import { h, setText } from "../dom.js";
import { t } from "../i18n.js";

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

/** Server text in its own bidi island: an English name stays readable on an Arabic page. */
export const isolate = (text) => h("bdi", {}, text);

/** A translated sentence whose {placeholders} are filled with isolated server text. */
export function tNodes(key, vars) {
  return t(key)
    .split(/\{(\w+)\}/)
    .map((part, index) => (index % 2 ? isolate(String(vars[part] ?? "")) : part))
    .filter((part) => part !== "");
}

export function errorText(error) {
  const code = error && error.code;
  if (code && TRANSLATED_ERRORS.has(code)) return t(`error.${code}`);
  return (error && error.message) || String(error);
}

/** Show an error (a string or an ApiError) in its box, or hide the box when there is none. */
export function showError(node, error) {
  if (!error) {
    node.hidden = true;
    node.textContent = "";
    return;
  }
  setText(node, typeof error === "string" ? error : errorText(error));
  node.hidden = false;
}
