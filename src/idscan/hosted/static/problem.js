// The server's own words for a refused request: its problem+json detail is already in the page's
// language (a rate limit, an expired link), so it beats a generic "could not be sent".
export async function refusal(response, fallback) {
  if (!response) return fallback;
  const problem = await response.json().catch(() => ({}));
  return problem.detail || fallback;
}
