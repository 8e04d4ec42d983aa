import { expect, test } from "bun:test";
import { TcpOutput, type OutputSocket } from "./output.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** A socket that takes at most `accepts` bytes per write, and tells how it was closed. */
function fakeSocket(accepts: number) {
  let close!: (how: "end" | "terminate") => void;
  const writes: Uint8Array[] = [];
  const closed = new Promise<"end" | "terminate">((resolve) => (close = resolve));
  const socket = {
    accepts,
    written: "",
    ends: 0,
    terminates: 0,
    writes,
    write(bytes: Uint8Array) {
      writes.push(bytes);
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
  out.write(bytes("you were kicked\r\n"));
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
  out.write(bytes("goodbye\r\n"));
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
  out.write(bytes("bye\r\n"));
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

test("TcpOutput writes what a tick queued in one write, in order; one chunk goes out as it is, uncopied", async () => {
  const { socket, asSocket } = fakeSocket(Infinity);
  const out = new TcpOutput(asSocket, 1 << 20, () => {}, 10);
  const shared = bytes("[09:05] <ana> hi\r\n");
  out.write(shared);
  await Promise.resolve();
  expect(socket.writes).toEqual([shared]);
  expect(socket.writes[0]).toBe(shared);
  for (const line of ["one\r\n", "two\r\n", "three\r\n"]) out.write(bytes(line));
  await Promise.resolve();
  expect(socket.writes).toHaveLength(2);
  expect(socket.written).toBe("[09:05] <ana> hi\r\none\r\ntwo\r\nthree\r\n");
});

test("TcpOutput keeps what a slow socket has not taken, and what comes meanwhile, in order for its drain", async () => {
  const { socket, asSocket } = fakeSocket(3);
  const out = new TcpOutput(asSocket, 1 << 20, () => {}, 10);
  out.write(bytes("abcdef"));
  await Promise.resolve();
  out.write(bytes("ghi"));
  out.write(bytes("jkl"));
  await Promise.resolve();
  // Nothing more is written while the first write's rest waits for the socket.
  expect([socket.written, socket.writes.length]).toEqual(["abc", 1]);
  socket.accepts = Infinity;
  out.drain();
  expect(socket.written).toBe("abcdefghijkl");
});

test("TcpOutput drops a client whose unwritten bytes pass the limit, and writes nothing more to it", async () => {
  const { socket, asSocket } = fakeSocket(0);
  let overflows = 0;
  const out = new TcpOutput(asSocket, 8, () => overflows++, 10);
  out.write(bytes("12345"));
  await Promise.resolve();
  out.write(bytes("6789"));
  out.write(bytes("more"));
  expect([overflows, socket.terminates]).toEqual([1, 1]);
  await Promise.resolve();
  expect(socket.writes).toHaveLength(1);
});
