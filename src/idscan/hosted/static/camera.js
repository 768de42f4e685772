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

export function cameraAvailable() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}
