import { expect, test } from "bun:test";
import { TcpOutput, type OutputSocket } from "./tcp-output.ts";

/** A socket that takes at most `accepts` bytes per write, and tells how it was closed. */
function fakeSocket(accepts: number) {
  let close!: (how: "end" | "terminate") => void;
  const closed = new Promise<"end" | "terminate">((resolve) => (close = resolve));
  const socket = {
    accepts,
    written: "",
    ends: 0,
    terminates: 0,
    write(bytes: Uint8Array) {
      const taken = bytes.subarray(0, Math.min(socket.accepts, bytes.length));
      socket.written += new TextDecoder().decode(taken);
      return taken.length;
    },
    end() {
      socket.ends++;
      close("end");
    },
    terminate() {
      socket.terminates++;
      close("terminate");
    },
  };
  return { socket, closed, asSocket: socket as unknown as OutputSocket };
}

test("TcpOutput.end() cuts a client that takes nothing of what is queued within the grace period", async () => {
  const { socket, closed, asSocket } = fakeSocket(0);
  const out = new TcpOutput(asSocket, 1 << 20, () => {}, 10);
  out.write("you were kicked\r\n");
  await Promise.resolve();
  out.end();
  expect(await closed).toBe("terminate");
  expect(socket.ends).toBe(0);
  expect(socket.written).toBe("");
});

test("TcpOutput.end() waits for a slow client's drain, then ends the connection gracefully", async () => {
  const { socket, closed, asSocket } = fakeSocket(4);
  const graceMs = 10;
  const out = new TcpOutput(asSocket, 1 << 20, () => {}, graceMs);
  out.write("goodbye\r\n");
  out.end();
  await Promise.resolve();
  expect(socket.written).toBe("good");
  socket.accepts = Infinity;
  out.drain();
  expect(await closed).toBe("end");
  expect(socket.written).toBe("goodbye\r\n");
  // Past the grace period, the ended connection is not cut as well.
  await Bun.sleep(graceMs * 3);
  expect(socket.terminates).toBe(0);
});

test("TcpOutput.end() on a client that closed first neither ends nor cuts it", async () => {
  const { socket, asSocket } = fakeSocket(0);
  const graceMs = 10;
  const out = new TcpOutput(asSocket, 1 << 20, () => {}, graceMs);
  out.write("bye\r\n");
  await Promise.resolve();
  out.end();
  out.closed();
  await Bun.sleep(graceMs * 3);
  expect(socket.ends + socket.terminates).toBe(0);
});

test("TcpOutput.end() with nothing queued ends at once", () => {
  const { socket, asSocket } = fakeSocket(0);
  new TcpOutput(asSocket, 1 << 20, () => {}, 10).end();
  expect(socket.ends).toBe(1);
});
