// Loaded before the app's own module: if the app fails while its modules are still being
// evaluated (before `main.ts` runs at all), the window says what broke instead of staying blank.
// Deliberately imports nothing, so it cannot fail for the same reason.

// Start-up marks (read by the UI benchmark): here the bundle starts to run; `main.ts` marks when
// every module is evaluated and when the app is mounted.
performance.mark("easel:boot");

function report(message: string) {
  const app = document.getElementById("app");
  // Only while nothing but index.html's shell (lib/app/shell.ts, marked data-shell) is shown.
  if (!app || [...app.children].some((c) => !c.hasAttribute("data-shell"))) return;
  const box = document.createElement("pre");
  box.className = "startup-error";
  box.dataset.testid = "startup-error";
  box.textContent = `Easel could not start.\n\n${message}`;
  app.replaceChildren(box);
}

window.addEventListener("error", (event) => {
  const where = event.filename ? `\n${event.filename}:${event.lineno}:${event.colno}` : "";
  const stack = event.error instanceof Error ? `\n${event.error.stack ?? ""}` : "";
  report(`${event.message}${where}${stack}`);
});
window.addEventListener("unhandledrejection", (event) => {
  // Only fatal while nothing is shown yet: later rejections are handled by the app's own errors.
  const reason =
    event.reason instanceof Error
      ? (event.reason.stack ?? event.reason.message)
      : String(event.reason);
  report(reason);
});
