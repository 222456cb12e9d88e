// Keyboard shortcuts for the moments the moderator's eyes are on the room, and their help dialog.
// They never fire while typing in a field, and never with Ctrl, Cmd or Alt held. Shift with N or E
// records the turn as not spoken (skipped); Caps Lock alone does not.

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';

export function installShortcuts({ speaker, undo, message }) {
  const dialog = document.getElementById("help-dialog");
  const openHelp = () => {
    if (!dialog.open) dialog.showModal();
  };
  document.getElementById("help-open").addEventListener("click", openHelp);

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target && target.closest(TYPING)) return;
    if (dialog.open) return; // the dialog has the keyboard (Esc closes it)
    const key = event.key;
    const act = (fn) => {
      event.preventDefault();
      if (!event.repeat) fn();
    };
    switch (key) {
      case " ":
      case "Spacebar":
        act(() => speaker.perform("toggle"));
        break;
      case "n":
      case "N":
        act(() => speaker.perform(event.shiftKey ? "skipNext" : "next"));
        break;
      case "e":
      case "E":
        act(() => speaker.perform(event.shiftKey ? "skipEnd" : "end"));
        break;
      case "+":
      case "=":
        act(() => speaker.perform("plus"));
        break;
      case "-":
      case "−":
      case "_":
        act(() => speaker.perform("minus"));
        break;
      case "u":
      case "U":
        act(() => undo.perform());
        break;
      case "m":
      case "M":
        act(() => message.focus());
        break;
      case "?":
        act(openHelp);
        break;
      default:
    }
  });
}
