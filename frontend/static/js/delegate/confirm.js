// A step that cannot be undone from the phone (giving up a place on the list, leaving with a
// request open) is confirmed in two steps that a double tap cannot give by itself: the first tap
// turns its button into "keep" and shows the confirming button below it, elsewhere on the screen;
// any tap on either that comes within GUARD_MS of the first (a nervous thumb's second tap, a
// double tap's) is ignored. Time is read from the taps' own event.timeStamp, the same clock as
// performance.now(), not from a timer.

/** Taps this soon after the first one (ms) are the same gesture, not a decision. */
export const GUARD_MS = 600;

/** How long the confirmation is offered before it is taken back (ms). */
export const ARMED_MS = 10000;

/** Whether a tap (`event`) comes too soon after the tap that armed the confirmation (`armedAt`,
 * an event.timeStamp) to be a decision of its own. */
export function tooSoon(event, armedAt) {
  return event.timeStamp - armedAt < GUARD_MS;
}
