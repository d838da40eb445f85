// Runs INSIDE headless Chromium: chromium_browser.mjs serves it in a page
// from 127.0.0.1, and the interop tests call window.wsxProbe.* through
// page.evaluate. Everything here uses the browser's own WebSocket (no
// library), so what is tested is Chromium's RFC 6455 / RFC 7692 client.
// Every function settles within `timeoutMs` and reports what it saw; the
// Node.js side decides pass or fail.
'use strict';

window.wsxProbe = (() => {
  function deadline(timeoutMs, what) {
    let timer;
    const promise = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    return { promise, cancel: () => clearTimeout(timer) };
  }

  // A socket with a message queue, and its close event as a promise.
  function connect(url) {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    const queue = [];
    const waiters = [];
    ws.onmessage = (event) => {
      if (waiters.length > 0) waiters.shift()(event.data);
      else queue.push(event.data);
    };
    const state = { opened: false, errored: false };
    const closed = new Promise((resolve) => {
      ws.onclose = (event) =>
        resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean });
    });
    ws.onerror = () => {
      state.errored = true;
    };
    const opened = new Promise((resolve, reject) => {
      ws.onopen = () => {
        state.opened = true;
        resolve();
      };
      closed.then((event) => reject(new Error(`closed before open: ${JSON.stringify(event)}`)));
    });
    const next = () =>
      queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve));
    return { ws, opened, closed, next, state };
  }

  // Text whose UTF-8 form is exactly `size` bytes ('é' is two bytes).
  function textOf(size) {
    return 'é'.repeat(size >> 1) + 'a'.repeat(size & 1);
  }

  // Pseudo-random bytes (xorshift32): incompressible, so the deflater's
  // "sent uncompressed" path meets Chromium too, while text compresses.
  function bytesOf(size) {
    const bytes = new Uint8Array(size);
    let x = 0x9e3779b9 ^ size;
    for (let i = 0; i < size; ++i) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    return bytes;
  }

  // Index of the first byte where `a` and `b` differ, -1 if equal.
  function firstDifference(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; ++i) if (a[i] !== b[i]) return i;
    return a.length === b.length ? -1 : n;
  }

  // Opens `url`, echoes text and binary of every size, closes with 1000.
  // Returns the negotiated extensions and one entry per message.
  async function echoMatrix(url, sizes, timeoutMs) {
    const limit = deadline(timeoutMs, `echo matrix at ${url}`);
    const run = async () => {
      const socket = connect(url);
      await socket.opened;
      const results = [];
      for (const size of sizes) {
        const text = textOf(size);
        socket.ws.send(text);
        const textBack = await socket.next();
        results.push({
          kind: 'text',
          size,
          bytes: new TextEncoder().encode(text).length,
          ok: typeof textBack === 'string' && textBack === text,
          got: typeof textBack === 'string' ? `text of ${textBack.length} chars` : 'binary',
        });
        const bytes = bytesOf(size);
        socket.ws.send(bytes);
        const bytesBack = await socket.next();
        const isBinary = bytesBack instanceof ArrayBuffer;
        const differs = isBinary ? firstDifference(new Uint8Array(bytesBack), bytes) : 0;
        results.push({
          kind: 'binary',
          size,
          bytes: bytes.length,
          ok: isBinary && differs === -1,
          got: isBinary ? `binary of ${bytesBack.byteLength} B, first difference at ${differs}` : 'text',
        });
      }
      const extensions = socket.ws.extensions;
      const protocol = socket.ws.protocol;
      socket.ws.close(1000);
      const close = await socket.closed;
      return { extensions, protocol, results, close };
    };
    try {
      return await Promise.race([run(), limit.promise]);
    } finally {
      limit.cancel();
    }
  }

  // Opens `url`, optionally sends Close(code, reason) itself, and reports the
  // close event (the peer's Close frame as Chromium decoded it).
  async function closeEvent(url, code, reason, timeoutMs) {
    const limit = deadline(timeoutMs, `close at ${url}`);
    const run = async () => {
      const socket = connect(url);
      await socket.opened;
      if (code !== null) socket.ws.close(code, reason);
      return socket.closed;
    };
    try {
      return await Promise.race([run(), limit.promise]);
    } finally {
      limit.cancel();
    }
  }

  // A connection expected to fail: settles at its open event (a failure of
  // the expectation, reported at once) or its close event (1006 for a
  // failed connection, WHATWG WebSockets "fail the WebSocket connection").
  async function failedConnection(url, timeoutMs) {
    const limit = deadline(timeoutMs, `failing connection to ${url}`);
    const socket = connect(url);
    const openedFirst = socket.opened.then(
      () => null,
      () => new Promise(() => {}), // closed before open: `closed` settles the race
    );
    try {
      const close = await Promise.race([socket.closed, openedFirst, limit.promise]);
      return { opened: socket.state.opened, errored: socket.state.errored, close };
    } finally {
      limit.cancel();
      if (socket.ws.readyState === WebSocket.OPEN) socket.ws.close(1000);
    }
  }

  return { echoMatrix, closeEvent, failedConnection };
})();
