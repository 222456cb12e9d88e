// A person's text as the server takes it, for the forms of every face (the phone's contribution,
// the rapporteur's wording and additions). The server decides: it cleans a text (controls and
// format characters go, app/floor/text.py) and refuses one left empty or too long, naming the
// field in the refusal's `details` (REST's `invalid_request`, the socket's `invalid_command`).

/**
 * Whether a text is sure to be refused as empty: nothing but spaces and invisible characters
 * (controls and format characters, such as U+200F or U+2066). Only to spare a send the server
 * would refuse; any other text goes, and the server's answer decides.
 */
export const blank = (text) => /^[\s\p{Cc}\p{Cf}]*$/u.test(text || "");

/** Whether the server refused a command or request for its field `field` (its `details`). */
export function refusesField(answer, field) {
  if (!answer || (answer.code !== "invalid_request" && answer.code !== "invalid_command")) return false;
  const details = answer.details ?? answer.body?.details ?? [];
  return Array.isArray(details) && details.some((d) => Array.isArray(d.loc) && d.loc[d.loc.length - 1] === field);
}
