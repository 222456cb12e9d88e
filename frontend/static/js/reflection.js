// The group reflection's order, shared by the console, the rapporteur page and the room display.
// The order is the server's (`reflection` in the outcome's view: the order the outcome documents
// list and number the accepted contributions — by theme, the programme's segments first, then
// recommendations before pledges), and so are the steps (`steps`: where Previous and Next go); this
// module only looks the contributions up, deciding nothing of its own.

export const OTHER = "Other";

/** `[{theme, other, items}]`: the outcome view's `reflection`, each id looked up in its
 * `contributions` (an id the view does not hold is skipped); the group with no theme is `other`
 * (its theme `OTHER`), told apart from a theme someone typed as "Other". */
export function reflectionOrder(outcome) {
  if (!outcome || !Array.isArray(outcome.reflection)) return [];
  const byId = new Map((outcome.contributions || []).map((item) => [item.id, item]));
  return outcome.reflection
    .map((group) => {
      const other = group.theme === null || group.theme === undefined;
      return {
        theme: other ? OTHER : group.theme,
        other,
        items: (group.ids || []).map((id) => byId.get(id)).filter(Boolean),
      };
    })
    .filter((group) => group.items.length);
}

/** Where `shownId` is in `order`: its place overall and in its theme (1-based; 0 when nothing in
 * the order is shown), and the counts. */
export function neighbours(order, shownId) {
  const flat = order.flatMap((group) => group.items.map((item) => ({ item, group })));
  const index = flat.findIndex((entry) => entry.item.id === shownId);
  const here = index >= 0 ? flat[index] : null;
  return {
    position: index + 1,
    count: flat.length,
    theme: here ? here.group.theme : null,
    other: here ? here.group.other : false, // the untagged group, whose theme the faces translate
    group: here ? here.group : null,
    themePosition: here ? here.group.items.indexOf(here.item) + 1 : 0,
    themeCount: here ? here.group.items.length : 0,
  };
}

/** `{previous, next}`: the contributions Previous and Next put on the display (or null), as the
 * server decides them (the outcome view's `steps`: from the shown one's place as it was shown). */
export function steps(outcome) {
  const chosen = (outcome && outcome.steps) || {};
  const byId = new Map(((outcome && outcome.contributions) || []).map((item) => [item.id, item]));
  return { previous: byId.get(chosen.previous_id) || null, next: byId.get(chosen.next_id) || null };
}
