// The document step: pick the kind (its instruction and drawing, and the frame's shape), take the
// photo with the camera (auto-capture when the document is steady inside the frame) or choose a
// file, check it in a preview ("Use this photo" / "Retake"), send it, and follow the verdict.
import { boxInVideo, CHECKS_NEEDED, difference, documentInFrame, STEADY_DIFF } from "./autocapture.js";
import { cameraAvailable, closeCamera, grab, grabGray, openCamera, torchOf } from "./camera.js";
import { refusal } from "./problem.js";
import { byId, config, estimate, say, showView, texts } from "./ui.js";

const CHECK_EVERY_MS = 300;
const SMALL_WIDTH = 160;
// Width / height of the frame: ID-1 cards (ISO/IEC 7810) and the passport's photo page (ID-3).
const RATIOS = { passport: 125 / 88, id_card: 85.6 / 54, driving_licence: 85.6 / 54 };

const section = byId("capture");
const form = byId("upload");
const fileInput = byId("document");
const submitButton = form ? form.querySelector("button[type=submit]") : null;
const retakeButton = byId("retake");
const video = byId("document-video");
const frameBox = section ? section.querySelector(".frame") : null;
const hint = byId("camera-hint");

let stream = null;
let photo = null; // {blob, source} waiting in the preview
let previewUrl = null;
let checking = null; // the auto-capture timer
let stopEstimate = () => {};
let sending = false;
let awaitingVerdict = false;
let backSide = false;

function kind() {
  const chosen = section && section.querySelector("input[name=kind]:checked");
  return chosen ? chosen.value : "passport";
}

function showHowto() {
  if (!section) return;
  const wanted = backSide ? "back" : kind();
  for (const node of section.querySelectorAll(".howto")) node.hidden = node.dataset.kind !== wanted;
  if (frameBox) frameBox.style.setProperty("--doc-ratio", String(RATIOS[kind()] || RATIOS.id_card));
}

function view(name) {
  showView(section, name);
  if (form) {
    // The send button belongs to the preview; without JavaScript the plain form shows it always.
    form.querySelector(".view-send").hidden = name !== "preview";
  }
  if (name === "choose" && byId("use-camera")) byId("use-camera").hidden = !cameraAvailable();
}

function stopCamera() {
  clearInterval(checking);
  checking = null;
  closeCamera(stream);
  stream = null;
}

async function useCamera() {
  byId("use-camera").disabled = true;
  try {
    stream = await openCamera(video, "environment");
  } catch {
    byId("use-camera").disabled = false;
    return say(texts.camera_denied);
  }
  byId("use-camera").disabled = false;
  say("");
  view("camera");
  hint.textContent = texts.frame_document;
  const torch = torchOf(stream);
  const torchButton = byId("torch");
  torchButton.hidden = !torch;
  torchButton.setAttribute("aria-pressed", "false");
  torchButton.onclick = torch
    ? () => {
        const on = torchButton.getAttribute("aria-pressed") !== "true";
        torch(on).then(() => torchButton.setAttribute("aria-pressed", String(on))).catch(() => {});
      }
    : null;
  watchForDocument();
  byId("take-photo").focus();
}

// Auto-capture: a few checks in a row with the document inside the frame and the picture steady.
function watchForDocument() {
  const canvas = document.createElement("canvas");
  let previous = null;
  let good = 0;
  checking = setInterval(() => {
    if (!stream || !video.videoWidth || !frameBox) return;
    const small = grabGray(video, SMALL_WIDTH, canvas);
    const guide = boxInVideo(video, frameBox.getBoundingClientRect(), SMALL_WIDTH / video.videoWidth);
    const steady = difference(previous, small) < STEADY_DIFF;
    previous = small;
    const { inside } = documentInFrame(small, guide);
    good = inside && steady ? good + 1 : 0;
    frameBox.classList.toggle("steady", good > 0);
    const wanted = good > 0 ? texts.camera_hold : texts.frame_document;
    if (hint.textContent !== wanted) hint.textContent = wanted;
    if (good >= CHECKS_NEEDED) takePhoto();
  }, CHECK_EVERY_MS);
}

async function takePhoto() {
  if (!stream) return;
  clearInterval(checking);
  checking = null;
  const blob = await grab(video, 2400, 0.92);
  stopCamera();
  if (blob) toPreview(blob, "camera");
  else view("choose");
}

function toPreview(blob, source) {
  photo = { blob, source };
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(blob);
  byId("preview-image").src = previewUrl;
  submitButton.textContent = texts.use_photo;
  retakeButton.hidden = false;
  view("preview");
  submitButton.focus();
}

function retake() {
  const source = photo ? photo.source : "file";
  photo = null;
  if (source === "camera" && byId("use-camera")) {
    view("choose");
    useCamera();
  } else {
    view("choose");
    fileInput.value = "";
    fileInput.click();
  }
}

async function send(chosen) {
  // A photo over the limit is refused here, not after an upload the server would cut short.
  if (chosen.blob.size > config.maxUploadBytes) {
    view("choose");
    return say(texts.too_large);
  }
  const body = new FormData();
  body.append("file", chosen.blob, chosen.source === "camera" ? "camera.jpg" : chosen.blob.name || "photo");
  body.append("source", chosen.source);
  sending = true;
  view("sending");
  say(texts.checking);
  stopEstimate = estimate(byId("document-progress"), 15000);
  const response = await fetch(`${config.base}/documents`, {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
  }).catch(() => null);
  sending = false;
  if (response && response.ok) {
    awaitingVerdict = true;
    return;
  }
  stopEstimate();
  view("choose");
  if (!response) return say(texts.upload_failed);
  if (response.status === 413) return say(texts.too_large);
  say(await refusal(response, texts.upload_failed));
}

// The server's word on the last attempt (from the status stream).
export function onSnapshot(snapshot) {
  if (!section || snapshot.step !== "document") {
    stopEstimate();
    stopCamera();
    return;
  }
  const last = snapshot.lastAttempt;
  if (last && !last.code) {
    // Still being checked (also after a reload while it was).
    if (section.dataset.view !== "sending") {
      view("sending");
      stopEstimate = estimate(byId("document-progress"), 15000);
    }
    return say(texts.checking);
  }
  if (!last || sending) return;
  if (awaitingVerdict || section.dataset.view === "sending" || section.dataset.view === "choose") {
    awaitingVerdict = false;
    stopEstimate();
    backSide = last.code === "front_side_provided_back_side_required";
    showHowto();
    const box = byId("attempt-hint");
    if (box) {
      box.querySelector("p").textContent = last.hint || "";
      box.hidden = !last.hint || backSide;
    }
    if (section.dataset.view === "sending") view("choose");
    say(last.hint);
  }
}

export function setUp() {
  if (!section) return;
  for (const radio of section.querySelectorAll("input[name=kind]")) radio.addEventListener("change", showHowto);
  backSide = Boolean(section.querySelector('.howto[data-kind="back"]:not([hidden])'));
  showHowto();
  view("choose");
  if (byId("use-camera") && cameraAvailable()) {
    byId("use-camera").addEventListener("click", useCamera);
    byId("take-photo").addEventListener("click", takePhoto);
    byId("camera-cancel").addEventListener("click", () => {
      stopCamera();
      view("choose");
      byId("use-camera").focus();
    });
  }
  if (form) {
    form.noValidate = true; // a camera photo is not in the file input that the plain form requires
    fileInput.addEventListener("change", () => {
      const file = fileInput.files && fileInput.files[0];
      if (file) toPreview(file, "file");
    });
    retakeButton.addEventListener("click", retake);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = photo || (fileInput.files[0] ? { blob: fileInput.files[0], source: "file" } : null);
      photo = null;
      form.reset();
      if (chosen) send(chosen);
    });
  }
}

export function leave() {
  stopCamera();
  stopEstimate();
}
