// The HTTP side of `chat admin`: one call per subcommand, with every failure worded as one line.

/** A failure to show the operator as is: one line, then exit 1. */
export class AdminError extends Error {}

// A server that accepts the connection but never answers must not hang the terminal.
const CALL_TIMEOUT_MS = 15_000;
const DOWNLOAD_TIMEOUT_MS = 600_000;

export class AdminClient {
  readonly url: string;

  constructor(url: string, private readonly token: string) {
    this.url = url.replace(/\/+$/, "");
  }

  async call<T = Record<string, unknown>>(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body, AbortSignal.timeout(CALL_TIMEOUT_MS));
    const data = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
    if (!res.ok) throw new AdminError(data?.error ?? `The server answered ${res.status} ${res.statusText}`);
    return data as T;
  }

  /** A POST whose answer is a file (a backup): its bytes. A big one may take a while. */
  async download(path: string): Promise<Uint8Array> {
    const res = await this.request("POST", path, undefined, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS));
    if (!res.ok) {
      const data = (await res.json().catch(() => null)) as { error?: string } | null;
      throw new AdminError(data?.error ?? `The server answered ${res.status} ${res.statusText}`);
    }
    try {
      return new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new AdminError(`Lost the download from ${this.url}: ${reason(e)}`);
    }
  }

  /** The last `n` log lines, then each new one until `signal` aborts or the server goes away. */
  async *follow(n: number, signal: AbortSignal): AsyncGenerator<string> {
    const res = await this.request("GET", `/log?n=${n}&follow=1`, undefined, signal);
    if (!res.ok || !res.body) throw new AdminError(`The server answered ${res.status} ${res.statusText}`);
    const decoder = new TextDecoder();
    let partial = "";
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const parts = (partial + decoder.decode(value, { stream: true })).split("\n");
        partial = parts.pop()!;
        yield* parts;
      }
    } catch (e) {
      if (!signal.aborted) throw new AdminError(`Lost the log stream from ${this.url}: ${reason(e)}`);
    }
  }

  private async request(method: string, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.url}/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        // A fresh connection each call, so one to a server that is restarting is not reused.
        keepalive: false,
      });
    } catch (e) {
      throw new AdminError(`Cannot reach chat admin API at ${this.url}: ${reason(e)}`);
    }
    if (res.status === 401) throw new AdminError(`The server at ${this.url} refused the admin token (401); check --token, admin.token or <dataDir>/admin.token`);
    if (res.status === 403) throw new AdminError(`The server at ${this.url} refused the call (403): its admin API answers only on loopback`);
    return res;
  }
}

function reason(e: unknown): string {
  const err = e as { code?: string; name?: string; message?: string };
  if (err.code === "ConnectionRefused" || err.code === "ECONNREFUSED") return "connection refused";
  if (err.name === "TimeoutError") return `no answer within ${CALL_TIMEOUT_MS / 1000} s`;
  return err.message ?? String(e);
}
