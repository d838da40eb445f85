// Interop: undici's WebSocket (npm undici 7, the implementation behind
// Node's global WebSocket; tests/interop/node_modules) as the CLIENT,
// wsx-host (echo app, permessage-deflate with its default parameters) as the
// server.
//
//   node tests/interop/undici_client_interop.mjs --host-bin build/x/host/wsx-host \
//        --plugin build/x/lib/wsx/plugins/wsx_permessage_deflate.so
//
// undici offers "permessage-deflate; client_max_window_bits" and only
// inflates (it sends uncompressed, which RFC 7692 section 6 allows per
// message). Checked: the negotiated extension; every size of RFC 6455
// section 5.2's three length encodings up to 1 MiB, text and binary, comes
// back byte for byte (deflated by wsx, inflated by undici); a client Close with
// 4321 and a 123-byte non-ASCII reason is answered with the same code and
// reason (RFC 6455 section 5.5.1); a second connection sees no subprotocol
// and echoes. Exit status 1 on any failure.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { WebSocket } from 'undici';

import { WsxHost } from './wsx_host_process.mjs';

const STEP_TIMEOUT_MS = 10000;
const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20];
// 41 three-byte characters: 123 bytes of UTF-8, the most a Close reason can
// hold (125 minus the 2-byte code).
const CLOSE_REASON = '€'.repeat(41);

class CaseFailure extends Error {}

function check(condition, message) {
  if (!condition) throw new CaseFailure(message);
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CaseFailure(`${what}: nothing within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Deterministic payloads: a small vocabulary (compresses) with 2-, 3- and
// 4-byte characters, cut to exactly `size` bytes of UTF-8.
function textOfSize(size) {
  const words = ['wsx', 'käse', '€uro', '日本語', '😀', 'deflate'];
  const parts = [];
  for (let i = 0, length = 0; length < size; i += 1) {
    parts.push(words[i % words.length]);
    length += Buffer.byteLength(words[i % words.length]) + 1;
  }
  let bytes = Buffer.from(parts.join(' ')).subarray(0, size);
  while (bytes.length > 0 && Buffer.from(bytes.toString('utf8')).length !== bytes.length)
    bytes = bytes.subarray(0, bytes.length - 1);
  return bytes.toString('utf8') + 'a'.repeat(size - bytes.length);
}

function binaryOfSize(size) {
  const bytes = Buffer.alloc(size);
  let state = size + 1;
  for (let i = 0; i < size; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

// Messages in arrival order, awaited one at a time.
class Inbox {
  constructor(ws) {
    this.items = [];
    this.waiters = [];
    ws.addEventListener('message', (event) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(event.data);
      else this.items.push(event.data);
    });
  }

  next(label) {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    return withTimeout(new Promise((resolve) => this.waiters.push(resolve)), label);
  }
}

function open(url, protocols) {
  const ws = new WebSocket(url, protocols);
  ws.binaryType = 'arraybuffer';
  const inbox = new Inbox(ws);
  const opened = new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', (event) => reject(new CaseFailure(`connect failed: ${event.message ?? 'error'}`)), {
      once: true,
    });
  });
  return withTimeout(opened, `open ${url}`).then(() => ({ ws, inbox }));
}

async function echoMatrix(ws, inbox) {
  for (const size of SIZES) {
    const text = textOfSize(size);
    ws.send(text);
    const gotText = await inbox.next(`text ${size} B`);
    check(typeof gotText === 'string', `text ${size} B came back as binary`);
    check(gotText === text, `text ${size} B came back different (${Buffer.byteLength(gotText)} B)`);

    const binary = binaryOfSize(size);
    ws.send(binary);
    const gotBinary = await inbox.next(`binary ${size} B`);
    check(gotBinary instanceof ArrayBuffer, `binary ${size} B came back as text`);
    check(Buffer.from(gotBinary).equals(binary), `binary ${size} B came back different (${gotBinary.byteLength} B)`);
  }
}

async function closeWithReason(ws) {
  const closed = new Promise((resolve) => ws.addEventListener('close', resolve, { once: true }));
  ws.close(4321, CLOSE_REASON);
  const event = await withTimeout(closed, 'close');
  console.log(`  close: server answered ${event.code} (${Buffer.byteLength(event.reason)}-byte reason), clean=${event.wasClean}`);
  check(event.code === 4321, `the server's close code is ${event.code}, expected 4321`);
  check(event.reason === CLOSE_REASON, `the server's close reason is "${event.reason}", expected the client's`);
  check(event.wasClean, 'the closing handshake was not clean');
}

async function run(port) {
  console.log('case deflate (undici offers permessage-deflate; client_max_window_bits):');
  {
    const { ws, inbox } = await open(`ws://127.0.0.1:${port}/undici`);
    console.log(`  ws.extensions: "${ws.extensions}"`);
    check(
      ws.extensions === 'permessage-deflate; client_max_window_bits=11',
      `negotiated "${ws.extensions}", expected the plugin's default answer`,
    );
    await echoMatrix(ws, inbox);
    await closeWithReason(ws);
    console.log('  ok');
  }
  console.log('case subprotocol and plain echo:');
  {
    // wsx's echo app picks no subprotocol, so undici must see none (RFC 6455
    // section 4.1: the server may answer without one).
    const { ws, inbox } = await open(`ws://127.0.0.1:${port}/plain`);
    check(ws.protocol === '', `protocol is "${ws.protocol}"`);
    ws.send('hello');
    check((await inbox.next('hello')) === 'hello', 'hello came back different');
    await closeWithReason(ws);
    console.log('  ok');
  }
}

async function main() {
  const { values } = parseArgs({ options: { 'host-bin': { type: 'string' }, plugin: { type: 'string' } } });
  if (!values['host-bin'] || !values.plugin) {
    console.error('usage: undici_client_interop.mjs --host-bin WSX_HOST --plugin PMD_PLUGIN');
    return 2;
  }
  console.log(`undici ${createRequire(import.meta.url)('undici/package.json').version} client -> wsx-host`);
  const host = new WsxHost(values['host-bin'], values.plugin);
  let failure = null;
  try {
    const port = await host.start();
    await run(port);
  } catch (error) {
    failure = error.message;
  }
  const code = await host.stop();
  if (!failure && code !== 0) failure = `wsx-host exited with ${code} after SIGTERM, expected 0`;
  if (failure) {
    console.log(`FAILED: ${failure}`);
    console.log(host.logText());
    return 1;
  }
  console.log('all undici cases passed');
  return 0;
}

process.exitCode = await main();
