// The liveness step: follow the server's plan (prompts and screen colours on its schedule), film
// the face, and send every frame with its time. The server decides; this page only records.
import { closeCamera, grab, openCamera } from "./camera.js";
import { refusal } from "./problem.js";

const FRAME_INTERVAL_MS = 100;

function colourAt(plan, t) {
  const flash = plan.flashes.find((f) => t >= f.startMs && t < f.endMs);
  return flash ? `rgb(${flash.rgb.join(",")})` : "";
}

function promptAt(plan, t) {
  const challenge = plan.challenges.find((c) => t >= c.startMs && t < c.endMs);
  return challenge ? challenge.kind : "look_straight";
}

export async function runLiveness(config, say) {
  const video = document.getElementById("face-video");
  const prompt = document.getElementById("prompt");
  const button = document.getElementById("start-liveness");
  button.disabled = true;
  let stream;
  try {
    stream = await openCamera(video, "user");
  } catch {
    button.disabled = false;
    return say(config.texts.camera_denied);
  }
  const response = await fetch(`${config.base}/liveness`, { method: "POST" }).catch(() => null);
  if (!response || !response.ok) {
    closeCamera(stream);
    button.disabled = false;
    return say(await refusal(response, config.texts.upload_failed));
  }
  const plan = await response.json();
  const frames = [];
  const started = performance.now();
  let lastVideoTime = -1;
  await new Promise((done) => {
    const tick = async () => {
      const t = Math.round(performance.now() - started);
      document.body.style.background = colourAt(plan, t);
      prompt.textContent = config.texts[promptAt(plan, t)];
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
  document.body.style.background = "";
  prompt.textContent = config.texts.sending;
  closeCamera(stream);
  const body = new FormData();
  frames.forEach((frame, i) => body.append("frames", frame.blob, `${i}.jpg`));
  body.append("timestamps", JSON.stringify(frames.map((f) => f.t)));
  const sent = await fetch(`${config.base}/liveness/${plan.nonce}/frames`, { method: "POST", body }).catch(() => null);
  prompt.textContent = "";
  button.disabled = false;
  if (!sent || !sent.ok) say(await refusal(sent, config.texts.upload_failed));
  else say(config.texts.checking);
}
