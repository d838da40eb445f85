// Interop: wsx-host as a proxy (server.app = "proxy") with npm ws on both
// ends: a ws server as the upstream (perMessageDeflate on, so wsx offers
// permessage-deflate upstream as the client) and ws clients through wsx,
// which terminates the client's permessage-deflate with its own plugin.
//
//   node tests/interop/proxy_ws_interop.mjs --host-bin .../wsx-host --plugin .../wsx_permessage_deflate.so
//
// Cases: every size from 0 to 1 MiB echoed byte for byte, text and binary,
// with permessage-deflate negotiated on both sides; the subprotocol the
// upstream picks comes back; the upstream closing with 4001 reaches the
// client as 4001; the upstream terminating the socket gives the client 1014;
// an upstream refusing with 401 gives the client 502. Exit status 1 on failure.
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';

import { WsxHost } from './wsx_host_process.mjs';

const CASE_TIMEOUT_MS = 30000;
const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20];

function proxyConfig(plugin, upstreamUrl, extensions) {
  const exts = extensions.map((e) => JSON.stringify(e)).join(', ');
  return `[server]
address = "127.0.0.1"
port = 0
app = "proxy"
log_level = "info"

[server.limits]
max_message_size = "4 MiB"

[server.proxy]
upstream = ${JSON.stringify(upstreamUrl)}
connect_timeout = "2s"
handshake_timeout = "2s"
extensions = [${exts}]

[[plugin]]
path = ${JSON.stringify(path.resolve(plugin))}
`;
}

function startUpstream() {
  const state = { lastExtensions: null };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: true,
    maxPayload: 0,
    handleProtocols: (protocols) => (protocols.has('b.v1') ? 'b.v1' : false),
    verifyClient: (info, done) => {
      if (info.req.url.startsWith('/refuse')) done(false, 401, 'no');
      else done(true);
    },
  });
  wss.on('connection', (ws, req) => {
    state.lastExtensions = ws.extensions;
    if (req.url.startsWith('/close4001')) {
      ws.close(4001, 'upstream says bye');
      return;
    }
    ws.on('message', (data, isBinary) => {
      if (req.url.startsWith('/die')) {
        ws.terminate();
        return;
      }
      ws.send(data, { binary: isBinary });
    });
  });
  return new Promise((resolve) => {
    wss.on('listening', () => resolve({ wss, state, port: wss.address().port }));
  });
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out`)), CASE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function open(url, protocols = []) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: true, maxPayload: 0 });
    const queue = [];
    const waiters = [];
    ws.on('message', (data, isBinary) => {
      const item = { data, isBinary };
      if (waiters.length) waiters.shift()(item);
      else queue.push(item);
    });
    ws.next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r)));
    ws.closed = new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.on('error', reject);
  });
}

function check(condition, what) {
  if (!condition) throw new Error(what);
}

async function echoAll(base, upstream) {
  const ws = await open(`${base}/echo`);
  check(ws.extensions.startsWith('permessage-deflate'), `client extensions ${ws.extensions}`);
  for (const size of SIZES) {
    for (const binary of [false, true]) {
      const payload = binary
        ? Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff))
        : 'abcdefghij'.repeat(Math.ceil(size / 10)).slice(0, size);
      ws.send(payload, { binary });
      const echo = await ws.next();
      check(echo.isBinary === binary, `type of ${size} B`);
      check(Buffer.compare(echo.data, Buffer.from(payload)) === 0, `echo of ${size} B differs`);
    }
  }
  check(String(upstream.state.lastExtensions).includes('permessage-deflate') ||
        Object.keys(upstream.state.lastExtensions ?? {}).includes('permessage-deflate'),
        `upstream side negotiated ${JSON.stringify(upstream.state.lastExtensions)}`);
  ws.close(1000);
  const closed = await ws.closed;
  check(closed.code === 1000, `close code ${closed.code}`);
}

async function main() {
  const { values } = parseArgs({ options: { 'host-bin': { type: 'string' }, plugin: { type: 'string' } } });
  const upstream = await startUpstream();
  const host = new WsxHost(values['host-bin'], null, {}, '',
    proxyConfig(values.plugin, `ws://127.0.0.1:${upstream.port}/`, ['permessage-deflate']));
  await host.start();
  const base = `ws://127.0.0.1:${host.port}`;
  let failures = 0;
  const cases = [
    ['deflate on both sides, 0..1 MiB', () => echoAll(base, upstream)],
    ['subprotocol from the upstream', async () => {
      const ws = await open(`${base}/`, ['a.v1', 'b.v1']);
      check(ws.protocol === 'b.v1', `protocol ${ws.protocol}`);
      ws.close();
      await ws.closed;
    }],
    ['upstream closes with 4001', async () => {
      const ws = await open(`${base}/close4001`);
      const closed = await ws.closed;
      check(closed.code === 4001 && closed.reason === 'upstream says bye', `closed ${JSON.stringify(closed)}`);
    }],
    ['upstream terminated -> 1014', async () => {
      const ws = await open(`${base}/die`);
      ws.send('x');
      const closed = await ws.closed;
      check(closed.code === 1014, `close code ${closed.code}`);
    }],
    ['upstream 401 -> 502', async () => {
      try {
        const ws = await open(`${base}/refuse`);
        ws.terminate();
      } catch (error) {
        check(error.status === 502, `status ${error.status}`);
        return;
      }
      throw new Error('connected, want HTTP 502');
    }],
  ];
  for (const [name, run] of cases) {
    try {
      await withTimeout(run(), name);
      console.log(`ok   ${name}`);
    } catch (error) {
      failures += 1;
      console.log(`FAIL ${name}: ${error.message}`);
    }
  }
  const exit = await host.stop();
  if (exit !== 0) {
    failures += 1;
    console.log(`FAIL wsx-host exit status ${exit}:\n${host.logText()}`);
  }
  upstream.wss.close();
  console.log(failures === 0 ? 'all proxy cases passed' : `${failures} proxy case(s) failed`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((error) => {
  console.log(`FAIL ${error.stack}`);
  process.exit(1);
});
