// The hosted page: the steps of the transaction (document, liveness, waiting), live status over
// server-sent events, the QR hand-off to a phone, and telling the integrator when done
// (postMessage to the allowed origins, then the return URL).
import * as documentStep from "./document.js";
import * as livenessStep from "./liveness.js";
import { refusal } from "./problem.js";
import { byId, config, estimate, say, texts, updateStepper } from "./ui.js";

let finished = false;
let stopWaiting = () => {};
let currentStep = null;

function notifyParent(event, snapshot) {
  if (window.parent === window) return;
  const message = { source: "id-scan", event, transactionId: snapshot.transactionId, resultId: snapshot.resultId };
  const targets = config.allowedOrigins ?? ["*"]; // null: any parent; a list: only those
  for (const target of targets) window.parent.postMessage(message, target);
}

function showStep(step) {
  const sections = { document: byId("capture"), liveness: byId("liveness"), waiting: byId("waiting") };
  const handingOff = byId("phone") && !byId("phone").hidden;
  for (const [name, node] of Object.entries(sections)) {
    if (node) node.hidden = name !== step || (handingOff && name !== "waiting");
  }
  if (step === "waiting") {
    if (!byId("waiting").dataset.started) {
      byId("waiting").dataset.started = "1";
      stopWaiting = estimate(byId("waiting"), 30000);
    }
  } else {
    stopWaiting();
  }
  const usePhone = byId("use-phone");
  if (usePhone && step !== "document" && step !== "liveness") usePhone.hidden = true;
}

function finish(snapshot) {
  finished = true;
  stopWaiting();
  documentStep.leave();
  for (const id of ["capture", "liveness", "waiting", "phone", "use-phone"]) {
    const node = byId(id);
    if (node) node.hidden = true;
  }
  const stepper = byId("stepper");
  if (stepper && snapshot.state !== "completed") stepper.closest("nav").hidden = true;
  document.body.dataset.state = snapshot.state;
  const done = snapshot.state === "completed";
  byId("outcome").hidden = false;
  for (const icon of document.querySelectorAll(".outcome-icon")) icon.hidden = icon.dataset.icon !== (done ? "done" : "closed");
  const title = byId("outcome-title");
  title.textContent = done ? title.dataset.done : title.dataset.closed;
  if (done) {
    say(config.phone ? texts.done_here : texts.completed);
    byId("next").hidden = Boolean(config.phone);
    notifyParent("completed", snapshot);
    if (snapshot.redirectUrl) {
      byId("done-return").hidden = false;
      byId("return-link").href = snapshot.redirectUrl;
      window.location.assign(snapshot.redirectUrl);
    }
  } else {
    say(texts[snapshot.state] || "");
    if (snapshot.state === "expired") notifyParent("expired", snapshot);
  }
}

function show(snapshot) {
  if (!snapshot || finished) return;
  updateStepper(snapshot);
  if (snapshot.state !== "pending") return finish(snapshot);
  currentStep = snapshot.step;
  showStep(snapshot.step);
  documentStep.onSnapshot(snapshot);
  livenessStep.onSnapshot(snapshot);
  const last = snapshot.lastAttempt;
  if (snapshot.step === "liveness" && !snapshot.liveness && last && last.code) say(last.hint);
  else if (snapshot.step === "waiting") say("");
}

function follow() {
  const query = config.phone ? "?device=phone" : "";
  const source = new EventSource(`${config.base}/events${query}`);
  source.addEventListener("status", (event) => show(JSON.parse(event.data)));
  source.onerror = () => {
    // The stream ends with the transaction; otherwise the browser reconnects by itself.
    if (finished) source.close();
  };
}

async function showQr() {
  const phoneButton = byId("use-phone");
  const response = await fetch(`${config.base}/handoff`, { method: "POST" }).catch(() => null);
  if (!response || !response.ok) {
    if (phoneButton && !config.phone) phoneButton.hidden = false; // let the user try again later
    return say(await refusal(response, texts.upload_failed));
  }
  const handoff = await response.json();
  const image = byId("qr");
  image.src = handoff.qr;
  image.dataset.url = handoff.url;
  image.hidden = false;
  for (const id of ["capture", "liveness"]) if (byId(id)) byId(id).hidden = true;
  byId("phone").hidden = false;
  byId("phone-title").setAttribute("tabindex", "-1");
  if (!config.mobileOnly) byId("phone-title").focus();
}

function setUpPhone() {
  const phoneButton = byId("use-phone");
  if (phoneButton && !config.phone) {
    phoneButton.hidden = false;
    phoneButton.addEventListener("click", () => {
      phoneButton.hidden = true;
      documentStep.leave();
      showQr();
    });
  }
  const back = byId("phone-back");
  if (back) {
    back.addEventListener("click", () => {
      byId("phone").hidden = true;
      if (phoneButton) phoneButton.hidden = false;
      showStep(currentStep);
      if (phoneButton) phoneButton.focus();
    });
  }
  if (config.mobileOnly && !config.phone) showQr();
}

documentStep.setUp();
livenessStep.setUp();
if (config.state && config.state.state === "pending") setUpPhone();
if (config.state) {
  show(config.state);
  if (config.state.state === "pending") follow();
}
