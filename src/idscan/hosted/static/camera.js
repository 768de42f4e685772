// Camera helpers shared by the document and liveness steps.
export async function openCamera(video, facingMode) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode, width: { ideal: facingMode === "user" ? 640 : 1920 }, height: { ideal: facingMode === "user" ? 480 : 1080 } },
  });
  video.srcObject = stream;
  await video.play();
  return stream;
}

export function closeCamera(stream) {
  if (stream) for (const track of stream.getTracks()) track.stop();
}

export function grab(video, maxSide, quality) {
  const scale = Math.min(1, maxSide / Math.max(video.videoWidth, video.videoHeight));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

// A small grey copy of the current video frame: {gray, width, height}.
export function grabGray(video, width, canvas) {
  const height = Math.max(1, Math.round((width * video.videoHeight) / Math.max(1, video.videoWidth)));
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(video, 0, 0, width, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const gray = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; j < gray.length; i += 4, j += 1) {
    gray[j] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
  }
  return { gray, width, height };
}

export function cameraAvailable() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

// The torch of the camera, where the device has one and the browser lets us switch it.
export function torchOf(stream) {
  const track = stream && stream.getVideoTracks()[0];
  const capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
  if (!capabilities.torch) return null;
  return (on) => track.applyConstraints({ advanced: [{ torch: on }] });
}
