import { describe, expect, test } from "bun:test";
import { connectMain, serverUrl } from "./connect.ts";

describe("chat connect's server address", () => {
  test("HOST and HOST:PORT go to the WebSocket on the HTTP port, 8080 by default", () => {
    expect(serverUrl("chat.example.org", false)).toBe("ws://chat.example.org:8080/ws");
    expect(serverUrl("10.0.0.5:9000", false)).toBe("ws://10.0.0.5:9000/ws");
    expect(serverUrl("[::1]:9000", false)).toBe("ws://[::1]:9000/ws");
  });

  test("https:// and --tls use wss://; a URL keeps its own port", () => {
    expect(serverUrl("https://chat.example.org", false)).toBe("wss://chat.example.org/ws");
    expect(serverUrl("chat.example.org:8443", true)).toBe("wss://chat.example.org:8443/ws");
    expect(serverUrl("http://localhost:8080", false)).toBe("ws://localhost:8080/ws");
  });

  test("a bad address or flag is one line and status 2", async () => {
    expect(() => serverUrl("ftp://x", false)).toThrow('Unsupported scheme "ftp:"');
    expect(await connectMain([])).toBe(2);
    expect(await connectMain(["host", "--lang", "fr"])).toBe(2);
    expect(await connectMain(["host", "--bogus"])).toBe(2);
  });
});
