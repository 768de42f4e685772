// idscan embed helper: `IdScan.mount(element, url, {onCompleted, onExpired, onError})`.
// An ES module without dependencies, served by the service at /id-scan/v1/embed.js:
//   import { IdScan } from "https://idscan.example/id-scan/v1/embed.js";
// It creates the iframe the verification runs in and calls you back with the page's events,
// trusting only messages from that iframe, from the service's origin, with source "id-scan".

const MIN_WIDTH = 650; // px: the hosted page's desktop layout (narrower screens get the phone layout)

function fail(onError, message) {
  const error = new Error(`idscan: ${message}`);
  if (typeof onError === "function") onError(error);
  else throw error;
  return null;
}

export const IdScan = {
  /**
   * Put the verification page `url` (the transaction's `url`) into `element`.
   * Returns a handle with the iframe and `unmount()`, or null after calling onError.
   */
  mount(element, url, { onCompleted, onExpired, onError, title = "Identity verification" } = {}) {
    if (!(element instanceof Element)) return fail(onError, "mount needs a DOM element");
    let origin;
    try {
      const parsed = new URL(url, window.location.href);
      if (parsed.protocol !== "https:" && parsed.hostname !== "localhost" && parsed.hostname !== "127.0.0.1") {
        return fail(onError, "the verification url must use https");
      }
      origin = parsed.origin;
    } catch {
      return fail(onError, "the verification url is not a URL");
    }
    const frame = document.createElement("iframe");
    frame.src = url;
    frame.title = title;
    frame.allow = "camera; fullscreen";
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.minWidth = `min(${MIN_WIDTH}px, 100%)`;
    frame.style.minHeight = "640px";
    let done = false;

    function unmount() {
      window.removeEventListener("message", onMessage);
      frame.remove();
    }

    function onMessage(event) {
      if (done || event.origin !== origin || event.source !== frame.contentWindow) return;
      const data = event.data;
      if (!data || data.source !== "id-scan") return;
      const detail = { transactionId: data.transactionId ?? null, resultId: data.resultId ?? null };
      if (data.event === "completed") {
        done = true;
        window.removeEventListener("message", onMessage);
        if (typeof onCompleted === "function") onCompleted(detail);
      } else if (data.event === "expired") {
        done = true;
        window.removeEventListener("message", onMessage);
        if (typeof onExpired === "function") onExpired(detail);
      }
    }

    window.addEventListener("message", onMessage);
    element.replaceChildren(frame);
    return { frame, unmount };
  },
};

export default IdScan;
