import { mount } from "svelte";
import App from "./App.svelte";
import { afterFirstPaint, takeShell } from "./lib/app/shell";
import "./app.css";

performance.mark("easel:modules-evaluated");
const target = document.getElementById("app");
if (!target) throw new Error("Easel: #app is missing from index.html");

// A failure while starting would otherwise leave a blank window: say what broke instead.
function showStartupError(error: unknown) {
  const box = document.createElement("pre");
  box.className = "startup-error";
  box.dataset.testid = "startup-error";
  box.textContent = `Easel could not start.\n\n${error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error)}`;
  target?.replaceChildren(box);
}

function start(into: HTMLElement) {
  try {
    takeShell(into);
    mount(App, { target: into });
    performance.mark("easel:mounted");
  } catch (error) {
    showStartupError(error);
  }
}

afterFirstPaint(() => start(target));
