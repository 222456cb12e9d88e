// Rebuilding part of the page without losing the rapporteur's place: the focused element (by
// its id) and the caret in a text field come back after the rebuild.

export function keepFocus(rebuild) {
  const active = document.activeElement;
  const id = active && active !== document.body ? active.id : "";
  const caret =
    active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
  const result = rebuild();
  if (id && document.activeElement !== active) {
    const again = document.getElementById(id);
    if (again) {
      again.focus({ preventScroll: true });
      if (caret && typeof again.setSelectionRange === "function") {
        try {
          again.setSelectionRange(caret[0], caret[1]);
        } catch {
          // not a text field after all (a checkbox keeps no caret)
        }
      }
    }
  }
  return result;
}
