// The liveness step: follow the server's plan (prompts and screen colours on its schedule), film
// the face inside an oval guide with a progress ring, and send every frame with its time. The
// server decides; this page only records, and says calmly what the server's reasons mean.
//
// Photosensitivity: the colours change only as the plan says, and the plan keeps each colour on for
// 450-650 ms with 300-500 ms between (vision/liveness_plan.py), so at most two flashes a second;
// tests/vision/test_liveness_plan.py holds every plan to WCAG 2.3.1's three a second.
import { closeCamera, grab, grabGray, openCamera } from "./camera.js";
import { meanBrightness } from "./autocapture.js";
import { refusal } from "./problem.js";
import { byId, config, estimate, say, texts } from "./ui.js";

const FRAME_INTERVAL_MS = 100;
const DARK = 55; // mean brightness (0-255) below which the face is hard to see

const section = byId("liveness");
let stopEstimate = () => {};
let running = false;

function colourAt(plan, t) {
  const flash = plan.flashes.find((f) => t >= f.startMs && t < f.endMs);
  return flash ? `rgb(${flash.rgb.join(",")})` : "";
}

function promptAt(plan, t) {
  const challenge = plan.challenges.find((c) => t >= c.startMs && t < c.endMs);
  return challenge ? challenge.kind : "look_straight";
}

function setRing(fraction) {
  const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
  byId("ring").setAttribute("stroke-dasharray", `${percent} 100`);
  byId("ring-progress").setAttribute("aria-valuenow", String(percent));
}

function setFlash(colour) {
  document.body.style.background = colour;
  byId("face-stage").style.setProperty("--flash", colour || "");
  document.body.classList.toggle("flashing", Boolean(colour));
}

function stage(name) {
  section.querySelector(".live-intro").hidden = name !== "intro";
  byId("face-stage").hidden = name !== "running";
  byId("start-liveness").hidden = name !== "intro";
  byId("liveness-progress").hidden = name !== "sending";
  section.dataset.view = name;
}

export async function runLiveness() {
  const video = byId("face-video");
  const prompt = byId("prompt");
  const button = byId("start-liveness");
  button.disabled = true;
  let stream;
  try {
    stream = await openCamera(video, "user");
  } catch {
    button.disabled = false;
    return say(texts.camera_denied);
  }
  const response = await fetch(`${config.base}/liveness`, { method: "POST" }).catch(() => null);
  if (!response || !response.ok) {
    closeCamera(stream);
    button.disabled = false;
    return say(await refusal(response, texts.upload_failed));
  }
  const plan = await response.json();
  running = true;
  say("");
  stage("running");
  setRing(0);
  const probe = grabGray(video, 64, document.createElement("canvas"));
  if (meanBrightness(probe) < DARK) say(texts.too_dark);
  const frames = [];
  const started = performance.now();
  let lastVideoTime = -1;
  await new Promise((done) => {
    const tick = async () => {
      const t = Math.round(performance.now() - started);
      setFlash(colourAt(plan, t));
      const wanted = texts[promptAt(plan, t)];
      if (prompt.textContent !== wanted) prompt.textContent = wanted;
      setRing(t / plan.durationMs);
      // Only new camera frames: a repeated frame would look like a frozen (injected) video.
      if (video.currentTime !== lastVideoTime) {
        lastVideoTime = video.currentTime;
        const blob = await grab(video, 640, 0.85);
        if (blob) frames.push({ t, blob });
      }
      if (t >= plan.durationMs) return done();
      setTimeout(tick, Math.max(0, FRAME_INTERVAL_MS - (performance.now() - started - t)));
    };
    tick();
  });
  setFlash("");
  setRing(1);
  prompt.textContent = texts.sending;
  closeCamera(stream);
  const body = new FormData();
  frames.forEach((frame, i) => body.append("frames", frame.blob, `${i}.jpg`));
  body.append("timestamps", JSON.stringify(frames.map((f) => f.t)));
  const sent = await fetch(`${config.base}/liveness/${plan.nonce}/frames`, { method: "POST", body }).catch(() => null);
  prompt.textContent = "";
  button.disabled = false;
  running = false;
  if (!sent || !sent.ok) {
    stage("intro");
    return say(await refusal(sent, texts.upload_failed));
  }
  stage("sending");
  say(texts.checking);
  stopEstimate = estimate(byId("liveness-progress"), 20000);
}

// The server's verdict on the last check (from the status stream).
export function onSnapshot(snapshot) {
  if (!section || running) return;
  const live = snapshot.liveness;
  if (snapshot.step !== "liveness") {
    stopEstimate();
    return;
  }
  if (live && live.processing) {
    if (section.dataset.view !== "sending") {
      stage("sending");
      stopEstimate = estimate(byId("liveness-progress"), 20000);
    }
    return say(texts.checking);
  }
  stopEstimate();
  if (section.dataset.view !== "intro") stage("intro");
  if (live && !live.passed) {
    byId("start-liveness").textContent = texts.liveness_retry;
    say(live.hints.join(" "));
  }
}

export function setUp() {
  if (!section) return;
  stage("intro");
  byId("start-liveness").addEventListener("click", runLiveness);
}
