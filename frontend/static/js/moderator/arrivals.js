// Saying what arrived (floor requests, contributions to curate) to the moderator, politely and
// at most once every ARRIVALS_MS: a burst of twenty is one notice, not twenty. One handled before
// it was said is not said. Used by requests.js and contributions.js.

/** New arrivals are said at most this often (a point of order is said at once, elsewhere). */
export const ARRIVALS_MS = 5000;

/**
 * @param {object} options
 * @param {(id: string) => boolean} options.waiting  whether an arrival still waits (not handled)
 * @param {(ids: string[]) => string} options.words  what to say of the ids still waiting
 * @param {(text: string) => void} options.say       says it (the console's notices)
 */
export function createArrivals({ waiting, words, say }) {
  let unsaid = []; // ids arrived and not said yet, said together
  let sayLater = null;
  let saidAt = -Infinity;

  function flush() {
    unsaid = unsaid.filter(waiting);
    if (!unsaid.length || sayLater !== null) return;
    const wait = saidAt + ARRIVALS_MS - performance.now();
    if (wait > 0) {
      sayLater = setTimeout(() => {
        sayLater = null;
        flush();
      }, wait);
      return;
    }
    say(words(unsaid));
    unsaid = [];
    saidAt = performance.now();
  }

  return {
    /** One arrived: said at the next ``flush``. */
    add(id) {
      unsaid.push(id);
    },
    flush,
    /** Forget what was not said (another segment: its items are there already, not new). */
    reset() {
      unsaid = [];
      clearTimeout(sayLater);
      sayLater = null;
    },
  };
}
