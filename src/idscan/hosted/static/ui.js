// What every part of the page shares: its configuration and texts, the status line, the views of
// a section, the stepper, and the waiting estimate.
export const config = JSON.parse(document.getElementById("idscan-config").textContent || "{}");
export const texts = config.texts || {};
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

export function byId(id) {
  return document.getElementById(id);
}

// The one live region for status changes (aria-live="polite").
export function say(text) {
  const box = byId("status");
  if (!box) return;
  box.textContent = text || "";
  box.hidden = !text;
}

// Show the blocks of `section` that belong to view `name` (class view-NAME), hide the others.
export function showView(section, name) {
  if (!section) return;
  section.dataset.view = name;
  for (const node of section.querySelectorAll("[class*='view-']")) {
    const views = [...node.classList].filter((c) => c.startsWith("view-")).map((c) => c.slice(5));
    node.hidden = !views.includes(name);
  }
}

// The stepper follows the transaction: every task step before the current one is done.
export function updateStepper(snapshot) {
  const steps = [...document.querySelectorAll("#stepper .step")];
  if (!steps.length) return;
  const finished = snapshot.state === "completed";
  const keys = steps.map((s) => s.dataset.step);
  const current = keys.includes(snapshot.step) ? keys.indexOf(snapshot.step) : keys.length - 1;
  steps.forEach((step, i) => {
    const status = finished || i < current ? "done" : i === current ? "current" : "todo";
    step.classList.remove("done", "current", "todo");
    step.classList.add(status);
    if (status === "current") step.setAttribute("aria-current", "step");
    else step.removeAttribute("aria-current");
    step.querySelector(".done-text").hidden = status !== "done";
  });
}

// A waiting indicator with a time estimate: the bar fills towards 90 % over the expected time
// (never claiming to be done), and after twice that time the text says it is taking longer.
export function estimate(container, expectedMs) {
  if (!container) return () => {};
  const bar = container.querySelector("progress");
  const note = container.querySelector(".estimate");
  const usual = note ? note.textContent : "";
  const started = performance.now();
  const tick = () => {
    const elapsed = performance.now() - started;
    if (bar) bar.value = Math.round(5 + 85 * (1 - Math.exp(-elapsed / expectedMs)));
    if (note && elapsed > 2 * expectedMs) note.textContent = texts.estimate_long;
  };
  tick();
  const timer = setInterval(tick, reducedMotion.matches ? 2000 : 500);
  return () => {
    clearInterval(timer);
    if (note) note.textContent = usual;
  };
}
