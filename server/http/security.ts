// Headers every HTTP answer carries. The page runs only its own bundled script (no inline script,
// no eval), talks only to its own origin (/ws included: CSP's 'self' covers ws: and wss: on the
// same host), and may not be framed, so another site can neither inject script nor overlay it.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  // For browsers older than CSP's frame-ancestors.
  "x-frame-options": "DENY",
};

/** Sets the security headers a response does not already have; returns it. */
export function secured(response: Response): Response {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
}
