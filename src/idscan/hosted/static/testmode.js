// Test transactions only: each button asks the server to run a scripted outcome through the real
// pipeline (a generated specimen passport, or a scripted liveness verdict). Once the pipeline has
// judged it, the page reloads and shows the transaction as a real capture would have left it.
import { refusal } from "./problem.js";

const config = JSON.parse(document.getElementById("idscan-config").textContent);
const status = document.getElementById("test-outcome-status");
const buttons = () => document.querySelectorAll("[data-test-outcome]");
const POLL_MS = 700;
const GIVE_UP_MS = 120000;

function judged(snapshot, sent) {
  if (snapshot.state !== "pending") return true;
  if (sent.attemptId) return Boolean(snapshot.lastAttempt && snapshot.lastAttempt.id === sent.attemptId && snapshot.lastAttempt.code);
  return Boolean(snapshot.liveness && !snapshot.liveness.processing);
}

async function waitUntilJudged(sent) {
  const deadline = Date.now() + GIVE_UP_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const response = await fetch(`${config.base}/status`, { cache: "no-store" }).catch(() => null);
    if (response && response.ok && judged(await response.json(), sent)) return;
  }
}

for (const button of buttons()) {
  button.disabled = false;
  button.addEventListener("click", async () => {
    for (const other of buttons()) other.disabled = true;
    status.textContent = config.texts.checking;
    const response = await fetch(`${config.base}/test-outcome`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ outcome: button.dataset.testOutcome }),
    }).catch(() => null);
    if (response && response.ok) {
      await waitUntilJudged(await response.json());
      window.location.reload();
      return;
    }
    status.textContent = await refusal(response, config.texts.upload_failed);
    for (const other of buttons()) other.disabled = false;
  });
}
