// The hosted page: the document step (camera or file), the liveness step, live status over
// server-sent events, the QR hand-off to a phone, and telling the integrator when done
// (postMessage to the allowed origins, then the return URL).
import { cameraAvailable, closeCamera, grab, openCamera } from "./camera.js";
import { runLiveness } from "./liveness.js";
import { refusal } from "./problem.js";

const config = JSON.parse(document.getElementById("idscan-config").textContent || "{}");
const statusBox = document.getElementById("status");
let finished = false;
let documentStream = null;

function say(text) {
  statusBox.textContent = text || "";
  statusBox.hidden = !text;
}

function byId(id) {
  return document.getElementById(id);
}

function notifyParent(event, snapshot) {
  if (window.parent === window) return;
  const message = { source: "id-scan", event, transactionId: snapshot.transactionId, resultId: snapshot.resultId };
  const targets = config.allowedOrigins ?? ["*"]; // null: any parent; a list: only those
  for (const target of targets) window.parent.postMessage(message, target);
}

function showStep(step) {
  const capture = byId("capture");
  const liveness = byId("liveness");
  if (capture) capture.hidden = step !== "document";
  if (liveness) liveness.hidden = step !== "liveness";
  if (step !== "document" && documentStream) {
    closeCamera(documentStream);
    documentStream = null;
  }
}

function show(snapshot) {
  if (!snapshot || finished) return;
  if (snapshot.state === "pending") {
    showStep(snapshot.step);
    const last = snapshot.lastAttempt;
    const live = snapshot.liveness;
    if (snapshot.step === "liveness" && live) say(live.processing ? config.texts.checking : live.hints.join(" "));
    else if (snapshot.step === "waiting") say(config.texts.checking);
    else if (last) say(last.code ? last.hint : config.texts.checking);
    const busy = Boolean(last && !last.code);
    for (const button of document.querySelectorAll("#capture button")) button.disabled = busy;
    return;
  }
  finished = true;
  for (const id of ["capture", "liveness", "phone", "use-phone"]) {
    const node = byId(id);
    if (node) node.hidden = true;
  }
  if (snapshot.state === "completed") {
    say(config.phone ? config.texts.done_here : config.texts.completed);
    notifyParent("completed", snapshot);
    if (snapshot.redirectUrl) window.location.assign(snapshot.redirectUrl);
  } else {
    say(config.texts[snapshot.state] || "");
    if (snapshot.state === "expired") notifyParent("expired", snapshot);
  }
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

async function send(body) {
  // A photo over the limit is refused here, not after an upload the server would cut short.
  const photo = body.get("file");
  if (photo && photo.size > config.maxUploadBytes) return say(config.texts.too_large);
  say(config.texts.checking);
  const response = await fetch(`${config.base}/documents`, {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
  }).catch(() => null);
  if (!response) return say(config.texts.upload_failed);
  if (response.status === 413) return say(config.texts.too_large);
  if (!response.ok) say(await refusal(response, config.texts.upload_failed));
}

async function useCamera() {
  byId("use-camera").hidden = true;
  try {
    documentStream = await openCamera(byId("document-video"), "environment");
    byId("camera").hidden = false;
  } catch {
    say(config.texts.camera_denied);
  }
}

async function takePhoto() {
  const blob = await grab(byId("document-video"), 2400, 0.92);
  if (!blob) return;
  const body = new FormData();
  body.append("file", blob, "camera.jpg");
  body.append("source", "camera");
  await send(body);
}

async function showQr() {
  const response = await fetch(`${config.base}/handoff`, { method: "POST" }).catch(() => null);
  if (!response || !response.ok) {
    if (phoneButton && !config.phone) phoneButton.hidden = false; // let the user try again later
    return say(await refusal(response, config.texts.upload_failed));
  }
  const handoff = await response.json();
  const image = byId("qr");
  image.src = handoff.qr;
  image.dataset.url = handoff.url;
  image.hidden = false;
  byId("phone").hidden = false;
}

const form = byId("upload");
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = new FormData(form);
    form.reset();
    send(body);
  });
}
if (byId("use-camera") && cameraAvailable()) {
  byId("use-camera").hidden = false;
  byId("use-camera").addEventListener("click", useCamera);
  byId("take-photo").addEventListener("click", takePhoto);
}
if (byId("start-liveness")) byId("start-liveness").addEventListener("click", () => runLiveness(config, say));
const phoneButton = byId("use-phone");
if (phoneButton && !config.phone) {
  phoneButton.hidden = false;
  phoneButton.addEventListener("click", () => {
    phoneButton.hidden = true;
    showQr();
  });
}
if (config.mobileOnly && !config.phone) showQr();
if (config.state) {
  show(config.state);
  if (config.state.state === "pending") follow();
}
