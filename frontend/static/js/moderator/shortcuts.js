// Keyboard shortcuts for the moments the moderator's eyes are on the room, and their help dialog.
// They never fire while typing in a field, and never with Ctrl, Cmd or Alt held.

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';

export function installShortcuts({ speaker, queue, message }) {
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
        act(() => speaker.perform("next"));
        break;
      case "e":
      case "E":
        act(() => speaker.perform("end"));
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
        act(() => queue.undo());
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
