import type { Config } from "../config/schema.ts";
import { readAdminUrl } from "../startup/admin-url.ts";

// `chat healthcheck`, for a container's HEALTHCHECK: images without curl still have chat itself.
const TIMEOUT_MS = 5000;

/** 0 when the server's /healthz answers ok, else 1 with the reason on stderr. */
export async function healthcheck(config: Config): Promise<number> {
  const url = `${readAdminUrl(config)}/healthz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await res.json().catch(() => ({}))) as { status?: string };
    if (res.ok && body.status === "ok") return 0;
    console.error(`${url}: ${res.status} ${body.status ?? res.statusText}`);
  } catch (e) {
    console.error(`${url}: ${(e as Error).message}`);
  }
  return 1;
}
