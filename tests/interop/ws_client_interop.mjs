// Interop: npm's ws (8.18.0, tests/interop/node_modules) as the CLIENT,
// wsx-host (echo app, permessage-deflate plugin with its default parameters;
// a second host with keep_compression_context = true written out, which is
// also the default) as the server.
//
//   node tests/interop/ws_client_interop.mjs --host-bin build/x/host/wsx-host \
//        --plugin build/x/lib/wsx/plugins/wsx_permessage_deflate.so
//
// For each case (what the client offers, RFC 7692 section 7.1) one
// connection: the Sec-WebSocket-Extensions response must be the expected one;
// every message of the size matrix, text and binary, comes back byte for byte
// with its type; fragmented messages (RFC 6455 section 5.4, one of them with
// a UTF-8 character split across frames) come back whole; 300 JSON messages
// in a row (context takeover, RFC 7692 section 7.1.1); a ping gets its pong
// (section 5.5.3); the close handshake ends with 1000. Finally SIGTERM must
// stop the host gracefully (exit 0). Exit status 1 on any failure.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

import { WsxHost } from './wsx_host_process.mjs';

const CASE_TIMEOUT_MS = 30000;
const MESSAGE_TIMEOUT_MS = 10000;
const MAX_PAYLOAD = 16 * 1024 * 1024; // the host's max_message_size
// RFC 6455 section 5.2 length encodings: 7-bit, 16-bit and 64-bit.
const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20];
// Above the host's max_frame_size (1 MiB): the echo comes back in 4
// fragments (RFC 6455 section 5.4). Costly, so one case (large: true) sends it.
const LARGE_SIZE = (3 << 20) + 1;

// The hosts the cases connect to: the plugin with its default parameters,
// and one that sets keep_compression_context = true, which keeps the
// compressor's context between the messages it sends (context takeover,
// RFC 7692 section 7.1.1.1). That is the plugin's default too, so both hosts
// keep it; no host here drops it unannounced (keep_compression_context =
// false), so that path does not meet this client yet.
// A third host imposes every limit of its own, to see the client accept
// parameters it did not ask for (RFC 7692 sections 7.1.1 and 7.1.2).
const HOSTS = {
  defaults: {},
  keep_context: { keep_compression_context: true },
  limits: {
    server_max_window_bits: 10,
    client_max_window_bits: 9,
    server_no_context_takeover: true,
    client_no_context_takeover: true,
  },
};

// host: a key of HOSTS; perMessageDeflate: ws's option (undefined = ws's default, which offers
// permessage-deflate); offer/response: the expected Sec-WebSocket-Extensions
// (undefined = absent); params: what ws must have accepted.
const CASES = [
  {
    name: 'default',
    host: 'defaults',
    perMessageDeflate: undefined,
    offer: 'permessage-deflate; client_max_window_bits',
    // The plugin's default client_max_window_bits=11 limits a client that
    // offered the bare parameter (RFC 7692 section 7.1.2.2).
    response: 'permessage-deflate; client_max_window_bits=11',
    params: { client_max_window_bits: 11 },
    large: true,
  },
  {
    name: 'window_bits_10',
    host: 'defaults',
    perMessageDeflate: { serverMaxWindowBits: 10, clientMaxWindowBits: 10 },
    offer: 'permessage-deflate; server_max_window_bits=10; client_max_window_bits=10',
    response: 'permessage-deflate; server_max_window_bits=10; client_max_window_bits=10',
    params: { server_max_window_bits: 10, client_max_window_bits: 10 },
  },
  {
    name: 'window_bits_9',
    host: 'defaults',
    perMessageDeflate: { serverMaxWindowBits: 9, clientMaxWindowBits: 9 },
    offer: 'permessage-deflate; server_max_window_bits=9; client_max_window_bits=9',
    response: 'permessage-deflate; server_max_window_bits=9; client_max_window_bits=9',
    params: { server_max_window_bits: 9, client_max_window_bits: 9 },
  },
  {
    // Window 8: Node's zlib compresses with 9 bits when asked for 8, which
    // the plugin inflates with (at least) 9; the plugin compresses with 9
    // bits and Z_RLE (matches at distance 1) so an 8-bit window decodes it.
    name: 'window_bits_8',
    host: 'defaults',
    perMessageDeflate: { serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
    offer: 'permessage-deflate; server_max_window_bits=8; client_max_window_bits=8',
    response: 'permessage-deflate; server_max_window_bits=8; client_max_window_bits=8',
    params: { server_max_window_bits: 8, client_max_window_bits: 8 },
  },
  {
    // threshold 0: ws otherwise sends messages under 1 KiB uncompressed when
    // it has no context takeover; this way every message is compressed.
    name: 'client_no_context_takeover',
    host: 'defaults',
    perMessageDeflate: { clientNoContextTakeover: true, threshold: 0 },
    offer: 'permessage-deflate; client_no_context_takeover; client_max_window_bits',
    response: 'permessage-deflate; client_no_context_takeover; client_max_window_bits=11',
    params: { client_no_context_takeover: true, client_max_window_bits: 11 },
  },
  {
    name: 'server_no_context_takeover',
    host: 'defaults',
    perMessageDeflate: { serverNoContextTakeover: true },
    offer: 'permessage-deflate; server_no_context_takeover; client_max_window_bits',
    response: 'permessage-deflate; server_no_context_takeover; client_max_window_bits=11',
    params: { server_no_context_takeover: true, client_max_window_bits: 11 },
  },
  {
    name: 'no_compression',
    host: 'defaults',
    perMessageDeflate: false,
    offer: undefined,
    response: undefined,
    params: null,
  },
  {
    // The same offer as 'default', against the host that names
    // keep_compression_context = true: its compressor takes over context
    // from message to message, which ws's decompressor follows.
    name: 'server_keeps_context',
    host: 'keep_context',
    perMessageDeflate: undefined,
    offer: 'permessage-deflate; client_max_window_bits',
    response: 'permessage-deflate; client_max_window_bits=11',
    params: { client_max_window_bits: 11 },
  },
  {
    // ws's default offer; the host adds its own limits to the response.
    name: 'host_imposes_limits',
    host: 'limits',
    perMessageDeflate: undefined,
    offer: 'permessage-deflate; client_max_window_bits',
    response:
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
      'server_max_window_bits=10; client_max_window_bits=9',
    params: {
      server_no_context_takeover: true,
      client_no_context_takeover: true,
      server_max_window_bits: 10,
      client_max_window_bits: 9,
    },
  },
];

class CaseFailure extends Error {}

function check(condition, message) {
  if (!condition) throw new CaseFailure(message);
}

// --- Payloads (deterministic) ------------------------------------------------

const WORDS = ['wsx', 'deflate', 'frame', 'käse', 'naïve', '€uro', '日本語', '😀', 'rsv1', 'window'];

function prng(seed) {
  let state = seed >>> 0 || 1; // xorshift32
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

// A string whose UTF-8 encoding is exactly `size` bytes, with 2-, 3- and
// 4-byte characters, cut on a character boundary.
function textOfSize(size, seed) {
  const next = prng(seed);
  const parts = [];
  let length = 0;
  while (length < size) {
    const word = WORDS[next() % WORDS.length];
    parts.push(word);
    length += Buffer.byteLength(word) + 1;
  }
  let bytes = Buffer.from(parts.join(' ')).subarray(0, size);
  let end = bytes.length; // back off over a cut multi-byte character
  while (end > 0 && (bytes[end - 1] & 0xc0) === 0x80) end -= 1;
  if (end > 0 && bytes[end - 1] >= 0xc0) end -= 1;
  else end = bytes.length;
  bytes = bytes.subarray(0, end);
  const text = bytes.toString('utf8') + 'a'.repeat(size - bytes.length);
  if (Buffer.byteLength(text) !== size) throw new Error(`textOfSize(${size}) is wrong`);
  return text;
}

function binaryOfSize(size, seed) {
  const next = prng(seed);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) bytes[i] = next() & 0xff;
  return bytes;
}

function jsonMessages(count) {
  const next = prng(7692);
  const messages = [];
  for (let seq = 0; seq < count; seq += 1) {
    const noteWords = [];
    for (let i = next() % 150; i > 0; i -= 1) noteWords.push(WORDS[next() % WORDS.length]);
    messages.push(
      JSON.stringify({
        seq,
        type: ['update', 'insert', 'delete', 'snapshot'][next() % 4],
        user: `user-${seq % 17}`,
        room: 'interop',
        position: { x: (next() % 2001) - 1000, y: (next() % 2001) - 1000 },
        note: noteWords.join(' '),
      }),
    );
  }
  return messages;
}

// --- A bounded message queue over ws's events -------------------------------

class Inbox {
  constructor(ws) {
    this.items = [];
    this.waiters = [];
    this.closed = null;
    ws.on('message', (data, isBinary) => this.push({ data, isBinary }));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const waiter of this.waiters.splice(0)) waiter.reject(new CaseFailure(`connection closed (${code})`));
    });
  }

  push(item) {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(item);
    else this.items.push(item);
  }

  next(label) {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    if (this.closed) return Promise.reject(new CaseFailure(`${label}: connection closed (${this.closed.code})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new CaseFailure(`${label}: no echo within ${MESSAGE_TIMEOUT_MS} ms`));
      }, MESSAGE_TIMEOUT_MS);
      const done = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
      this.waiters.push({
        resolve: done,
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }
}

function checkEcho(label, sent, isText, received) {
  check(received.isBinary === !isText, `${label}: sent ${isText ? 'text' : 'binary'}, got the other type back`);
  const expected = isText ? Buffer.from(sent) : sent;
  const got = received.data;
  if (!expected.equals(got)) {
    let first = 0;
    while (first < Math.min(expected.length, got.length) && expected[first] === got[first]) first += 1;
    throw new CaseFailure(
      `${label}: echo differs (sent ${expected.length}, got ${got.length}; first difference at ${first})`,
    );
  }
}

// --- One case ----------------------------------------------------------------

function open(port, testCase, report) {
  const options = { maxPayload: MAX_PAYLOAD, handshakeTimeout: 10000 };
  if (testCase.perMessageDeflate !== undefined) options.perMessageDeflate = testCase.perMessageDeflate;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, options);
  // The request ws wrote (ws keeps it until the upgrade; there is no public accessor).
  const request = ws._req;
  ws.on('upgrade', (response) => {
    report.offer = request.getHeader('sec-websocket-extensions');
    report.response = response.headers['sec-websocket-extensions'];
  });
  const inbox = new Inbox(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, inbox }));
    ws.once('error', reject);
  });
}

function checkNegotiation(ws, testCase, report) {
  const accepted = ws._extensions['permessage-deflate']; // ws keeps no public copy of the params
  const params = accepted ? accepted.params : null;
  console.log(`  request  Sec-WebSocket-Extensions: ${report.offer ?? '(none)'}`);
  console.log(`  response Sec-WebSocket-Extensions: ${report.response ?? '(none)'}`);
  console.log(`  ws.extensions: "${ws.extensions}", accepted params: ${JSON.stringify(params)}`);
  check(report.offer === testCase.offer, `offer ${report.offer}, expected ${testCase.offer}`);
  check(report.response === testCase.response, `response ${report.response}, expected ${testCase.response}`);
  check(
    ws.extensions === (testCase.params ? 'permessage-deflate' : ''),
    `ws.extensions is "${ws.extensions}"`,
  );
  const sorted = (object) => (object ? JSON.stringify(Object.entries(object).sort()) : 'null');
  check(
    sorted(params) === sorted(testCase.params),
    `accepted params ${JSON.stringify(params)}, expected ${JSON.stringify(testCase.params)}`,
  );
}

async function checkMatrix(ws, inbox, compressed, large) {
  for (const size of large ? [...SIZES, LARGE_SIZE] : SIZES) {
    for (const isText of [true, false]) {
      const label = `${isText ? 'text' : 'binary'} ${size} B`;
      const payload = isText ? textOfSize(size, size) : binaryOfSize(size, size + 1);
      const before = ws._socket.bytesRead;
      ws.send(payload, { binary: !isText });
      checkEcho(label, payload, isText, await inbox.next(label));
      // The 1 MiB text compresses (a small vocabulary): the server must send
      // it compressed iff the extension was negotiated. 0.9, not less: with
      // window 8 the plugin only finds runs (Z_RLE), about 0.62 here.
      if (isText && size === 1 << 20) {
        const wire = ws._socket.bytesRead - before;
        console.log(`  1 MiB text echo: ${wire} bytes on the wire`);
        if (compressed) check(wire < size * 0.9, `${label}: ${wire} B on the wire, not compressed`);
        else check(wire > size, `${label}: ${wire} B on the wire < payload`);
      }
    }
  }
}

async function checkFragments(ws, inbox) {
  // Text split inside 'ö' (bytes 8-9) and inside '😀': UTF-8 is checked on
  // the whole message, not per frame (RFC 6455 section 8.1). ws compresses
  // the message as one stream with RSV1 on the first frame only (RFC 7692
  // section 6.1). One fragment is empty.
  const text = `Hello, wörld 😀 ${'x'.repeat(70000)} €${'wsx'.repeat(1000)} end`;
  const bytes = Buffer.from(text);
  const emoji = bytes.indexOf(Buffer.from('😀'));
  const cuts = [0, 9, 9, emoji + 2, 40000, bytes.length];
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    ws.send(bytes.subarray(cuts[i], cuts[i + 1]), { binary: false, fin: i + 2 === cuts.length });
  }
  checkEcho('fragmented text', text, true, await inbox.next('fragmented text'));

  const binary = Buffer.concat([Buffer.alloc(10), binaryOfSize(50000, 99), Buffer.alloc(5, 0xff)]);
  // A ping between two fragments (RFC 6455 section 5.4: control frames may
  // be injected in the middle of a fragmented message); its pong comes first.
  const binaryCuts = [0, 10, 10, 30000, binary.length];
  const pong = new Promise((resolve) => ws.once('pong', resolve));
  for (let i = 0; i + 1 < binaryCuts.length; i += 1) {
    ws.send(binary.subarray(binaryCuts[i], binaryCuts[i + 1]), {
      binary: true,
      fin: i + 2 === binaryCuts.length,
    });
    if (i === 1) ws.ping(Buffer.from('between fragments'));
  }
  const pongData = await withTimeout(pong, 5000, 'pong between fragments');
  check(pongData.toString() === 'between fragments', `pong between fragments carries "${pongData}"`);
  checkEcho('fragmented binary', binary, false, await inbox.next('fragmented binary'));
}

async function checkJsonStream(ws, inbox, report) {
  // Pipelined, so both ends' compression contexts carry over (or are
  // reset) message after message (RFC 7692 section 7.1.1).
  const messages = jsonMessages(300);
  const before = ws._socket.bytesRead;
  for (const message of messages) ws.send(message);
  for (let i = 0; i < messages.length; i += 1) {
    checkEcho(`json #${i}`, messages[i], true, await inbox.next(`json #${i}`));
  }
  const raw = messages.reduce((sum, m) => sum + Buffer.byteLength(m), 0);
  const wire = ws._socket.bytesRead - before;
  report.jsonRatio = wire / raw;
  console.log(`  300 JSON messages: ${raw} B of payload, ${wire} B received (${(wire / raw).toFixed(2)})`);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CaseFailure(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function checkPingAndClose(ws, inbox) {
  const payload = Buffer.from('interop-ping');
  const pong = new Promise((resolve) => ws.once('pong', resolve));
  ws.ping(payload);
  const pongData = await withTimeout(pong, 5000, 'pong');
  check(payload.equals(pongData), `pong carries "${pongData}", expected "${payload}"`);

  // ws emits 'close' once the closing handshake is done and TCP is closed.
  const closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason })));
  ws.close(1000, 'interop done');
  const { code, reason } = await withTimeout(closed, 5000, 'close');
  check(code === 1000, `the server's close code is ${code}, expected 1000`);
  check(inbox.items.length === 0, `${inbox.items.length} unexpected messages left`);
  console.log(`  close: server answered ${code} "${reason}"`);
}

async function runCase(port, testCase, report) {
  const started = Date.now();
  const { ws, inbox } = await open(port, testCase, report);
  try {
    checkNegotiation(ws, testCase, report);
    await checkMatrix(ws, inbox, testCase.params !== null, testCase.large === true);
    await checkFragments(ws, inbox);
    await checkJsonStream(ws, inbox, report);
    await checkPingAndClose(ws, inbox);
  } finally {
    ws.terminate(); // no-op once closed; stops a failed case from lingering
  }
  report.seconds = (Date.now() - started) / 1000;
}

async function main() {
  const { values } = parseArgs({
    options: { 'host-bin': { type: 'string' }, plugin: { type: 'string' } },
  });
  if (!values['host-bin'] || !values.plugin) {
    console.error('usage: ws_client_interop.mjs --host-bin WSX_HOST --plugin PMD_PLUGIN');
    return 2;
  }
  console.log(`ws ${createRequire(import.meta.url)('ws/package.json').version} client -> wsx-host`);

  const hosts = {};
  const failures = [];
  const reports = {};
  try {
    const ports = {};
    for (const [name, params] of Object.entries(HOSTS)) {
      hosts[name] = new WsxHost(values['host-bin'], values.plugin, params);
      ports[name] = await hosts[name].start();
      console.log(`wsx-host (${name}: plugin params ${JSON.stringify(params)}) listening on 127.0.0.1:${ports[name]}`);
    }
    for (const testCase of CASES) {
      console.log(`case ${testCase.name} (host: ${testCase.host}):`);
      const report = (reports[testCase.name] = {});
      try {
        await withTimeout(runCase(ports[testCase.host], testCase, report), CASE_TIMEOUT_MS, testCase.name);
        console.log(`  ok (${report.seconds.toFixed(2)} s)`);
      } catch (error) {
        failures.push(`${testCase.name}: ${error.message}`);
        console.log(`  FAILED: ${error.message}`);
      }
    }
    // With context takeover the 300 similar messages must compress better
    // than with server_no_context_takeover negotiated: proof that the host's
    // compressor really kept its window (and ws decoded with it).
    const kept = reports.server_keeps_context.jsonRatio;
    const reset = reports.server_no_context_takeover.jsonRatio;
    if (kept !== undefined && reset !== undefined) {
      console.log(`JSON ratio with the host's context kept: ${kept.toFixed(2)}, reset per message: ${reset.toFixed(2)}`);
      if (!(kept < reset * 0.9)) failures.push(`context takeover did not help: ratio ${kept} vs ${reset}`);
    }
    for (const [name, host] of Object.entries(hosts)) {
      const code = await host.stop();
      if (code !== 0) failures.push(`wsx-host (${name}) exited with ${code} after SIGTERM, expected 0`);
    }
  } catch (error) {
    failures.push(error.message);
  } finally {
    for (const host of Object.values(hosts)) host.cleanup();
  }
  if (failures.length > 0) {
    for (const [name, host] of Object.entries(hosts)) console.log(`wsx-host (${name}) log:\n${host.logText()}`);
  }

  console.log('\nsummary (ws client -> wsx-host):');
  for (const testCase of CASES) {
    const report = reports[testCase.name] ?? {};
    const offer = String(report.offer ?? '(none)').padEnd(75);
    console.log(`  ${testCase.name.padEnd(28)} offer: ${offer} response: ${report.response ?? '(none)'}`);
  }
  if (failures.length > 0) {
    console.log(`\nFAILED:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  console.log('\nall cases passed; every wsx-host stopped gracefully (exit 0)');
  return 0;
}

// Exit explicitly: a connection left open by a timed-out case must not keep
// the process alive (stdout to a pipe is synchronous on Linux, nothing is lost).
process.exit(await main());
