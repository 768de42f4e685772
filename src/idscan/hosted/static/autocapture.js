// Is a document steady and inside the frame? A cheap check on a small grey frame, run every few
// hundred milliseconds; it only decides when to take the photo, the server judges the photo.
//
// A document inside the frame shows four straight edges near the frame's four sides: summed along
// the middle of each side, the brightness gradient peaks there well above the document's inside.

const BAND = 0.14; // how far (of the frame's size) an edge may sit from the frame's side
const PEAK_RATIO = 1.6; // an edge's gradient against the median inside the frame
const MIN_EDGE = 10; // mean gradient along an edge, 0-255 scale: below this the edge is too faint
export const STEADY_DIFF = 6; // mean change per pixel between two checks, 0-255 scale
export const CHECKS_NEEDED = 3;

function median(values) {
  const sorted = Float64Array.from(values).sort();
  return sorted.length ? sorted[sorted.length >> 1] : 0;
}

// Gradient profile across one axis: for each position along `axis` ("x": columns), the mean
// absolute difference of its neighbours, over the middle of the frame on the other axis.
function profile(frame, guide, axis) {
  const { gray, width, height } = frame;
  const along = axis === "x";
  const [start, end] = along ? [guide.x0, guide.x1] : [guide.y0, guide.y1];
  const [crossStart, crossEnd] = along ? [guide.y0, guide.y1] : [guide.x0, guide.x1];
  const span = end - start;
  const reach = Math.round(span * BAND);
  const from = Math.max(1, Math.round(start - reach));
  const to = Math.min((along ? width : height) - 2, Math.round(end + reach));
  const c0 = Math.round(crossStart + (crossEnd - crossStart) * 0.25);
  const c1 = Math.round(crossEnd - (crossEnd - crossStart) * 0.25);
  const values = new Map();
  for (let p = from; p <= to; p += 1) {
    let sum = 0;
    for (let c = c0; c <= c1; c += 1) {
      const i = along ? c * width + p : p * width + c;
      const step = along ? 1 : width;
      sum += Math.abs(gray[i + step] - gray[i - step]);
    }
    values.set(p, sum / Math.max(1, c1 - c0 + 1));
  }
  const peak = (centre) => {
    let best = 0;
    for (let p = Math.round(centre - reach); p <= Math.round(centre + reach); p += 1) {
      best = Math.max(best, values.get(p) || 0);
    }
    return best;
  };
  const inside = [];
  for (let p = Math.round(start + reach); p <= Math.round(end - reach); p += 1) inside.push(values.get(p) || 0);
  return { low: peak(start), high: peak(end), inside: median(inside) };
}

// `guide` is the frame in the small frame's pixels: {x0, y0, x1, y1}.
export function documentInFrame(frame, guide) {
  const across = profile(frame, guide, "x");
  const down = profile(frame, guide, "y");
  const edges = [across.low, across.high, down.low, down.high];
  const floor = Math.max(MIN_EDGE, PEAK_RATIO * Math.max(across.inside, down.inside));
  return { inside: edges.every((e) => e >= floor), edges, floor };
}

export function difference(a, b) {
  if (!a || !b || a.gray.length !== b.gray.length) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.gray.length; i += 1) sum += Math.abs(a.gray[i] - b.gray[i]);
  return sum / a.gray.length;
}

export function meanBrightness(frame) {
  let sum = 0;
  for (let i = 0; i < frame.gray.length; i += 1) sum += frame.gray[i];
  return sum / Math.max(1, frame.gray.length);
}

// Where `box` (the frame on screen) falls in the video's own pixels, given object-fit: cover.
export function boxInVideo(video, box, scale) {
  const view = video.getBoundingClientRect();
  const fit = Math.max(view.width / video.videoWidth, view.height / video.videoHeight);
  const offsetX = (view.width - video.videoWidth * fit) / 2;
  const offsetY = (view.height - video.videoHeight * fit) / 2;
  const x = (px) => ((px - view.left - offsetX) / fit) * scale;
  const y = (py) => ((py - view.top - offsetY) / fit) * scale;
  return { x0: x(box.left), x1: x(box.right), y0: y(box.top), y1: y(box.bottom) };
}
