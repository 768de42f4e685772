// The hosted page's behaviour: upload without reloading, follow the status live, hand off to a
// phone by QR code, and tell the integrator when done (postMessage, then the return URL).
const config = JSON.parse(document.getElementById("idscan-config").textContent || "{}");
const statusBox = document.getElementById("status");
let finished = false;

function say(text) {
  statusBox.textContent = text;
  statusBox.hidden = !text;
}

function notifyParent(event, snapshot) {
  if (window.parent === window) return;
  const message = { source: "id-scan", event, transactionId: snapshot.transactionId, resultId: snapshot.resultId };
  const targets = config.allowedOrigins && config.allowedOrigins.length ? config.allowedOrigins : ["*"];
  for (const target of targets) window.parent.postMessage(message, target);
}

function show(snapshot) {
  if (!snapshot || finished) return;
  if (snapshot.state === "pending") {
    const last = snapshot.lastAttempt;
    if (last) say(last.code ? last.hint : config.texts.checking);
    const form = document.getElementById("upload");
    if (form) form.querySelector("button").disabled = Boolean(last && !last.code);
    return;
  }
  finished = true;
  for (const id of ["capture", "phone", "use-phone"]) {
    const node = document.getElementById(id);
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
    // The stream ends when the transaction does; otherwise the browser reconnects by itself.
    if (finished) source.close();
  };
}

async function upload(form) {
  const body = new FormData(form);
  say(config.texts.checking);
  const response = await fetch(form.action, { method: "POST", body, headers: { Accept: "application/json" } })
    .catch(() => null);
  if (!response) return say(config.texts.upload_failed);
  if (response.status === 413) return say(config.texts.too_large);
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    return say(problem.detail || config.texts.upload_failed);
  }
  form.reset();
}

async function showQr() {
  const response = await fetch(`${config.base}/handoff`, { method: "POST" });
  if (!response.ok) return;
  const handoff = await response.json();
  const image = document.getElementById("qr");
  image.src = handoff.qr;
  image.hidden = false;
  document.getElementById("phone").hidden = false;
  image.dataset.url = handoff.url;
}

const form = document.getElementById("upload");
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    upload(form);
  });
}
const phoneButton = document.getElementById("use-phone");
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
