// Interop: headless Chromium's own WebSocket through wsx-host as a proxy
// (server.app = "proxy") in front of an npm ws server as the backend, with
// wsx reached over ws:// and over wss:// ([server.tls], a certificate made
// now by `openssl req`, trusted by its SPKI pin).
//
//   node tests/interop/chromium_proxy_interop.mjs --host-bin build/release/host/wsx-host \
//        --plugin build/release/lib/wsx/plugins/wsx_permessage_deflate.so
//
// permessage-deflate is terminated at wsx: Chromium negotiates it with the
// plugin, the backend runs without it and [server.proxy] extensions = [], so
// the upstream handshake offers nothing. Cases, for each scheme: text and
// binary of every size from 0 B to 1 MiB echoed through the proxy, with the
// page's Origin and the right X-Forwarded-Proto seen by the backend; the
// backend closing with 4001 and a non-ASCII reason reaches Chromium with
// that code and reason (RFC 6455 section 7.4); the backend refusing the
// handshake with 403 makes Chromium's connection fail (no open event,
// close 1006), because wsx answers the client 502 instead of a 101.
// Exit status 1 on any failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

import {
  check,
  echoFailures,
  launchChromium,
  makeSelfSigned,
  openProbePage,
  runCases,
  spkiPin,
  startPageServer,
} from './chromium_browser.mjs';
import { WsxHost } from './wsx_host_process.mjs';

const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20];
const CASE_TIMEOUT_MS = 30000;
const PROBE_TIMEOUT_MS = 20000; // inside the page, below CASE_TIMEOUT_MS
const WATCHDOG_MS = 100000; // below ctest's TIMEOUT
const UPSTREAM_REASON = 'upstream sagt tschüss – 4001';

function proxyConfig(plugin, upstreamPort, tls) {
  const lines = [
    '[server]',
    'address = "127.0.0.1"',
    'port = 0',
    'app = "proxy"',
    'log_level = "info"',
    '',
    '[server.limits]',
    'max_message_size = "4 MiB"',
    '',
    '[server.proxy]',
    `upstream = "ws://127.0.0.1:${upstreamPort}/"`,
    'connect_timeout = "2s"',
    'handshake_timeout = "2s"',
    'extensions = []',
  ];
  if (tls) {
    lines.push('', '[server.tls]', `certificate = ${JSON.stringify(tls.cert)}`,
      `private_key = ${JSON.stringify(tls.key)}`);
  }
  lines.push('', '[[plugin]]', `path = ${JSON.stringify(path.resolve(plugin))}`);
  return lines.join('\n') + '\n';
}

// The backend: npm ws without permessage-deflate. `seen` maps a request
// path to what the backend saw of that handshake.
function startUpstream() {
  const seen = new Map();
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: false,
    maxPayload: 0,
    verifyClient: (info, done) => {
      if (info.req.url.startsWith('/refuse')) done(false, 403, 'Forbidden');
      else done(true);
    },
  });
  wss.on('connection', (ws, req) => {
    seen.set(req.url, {
      offered: req.headers['sec-websocket-extensions'] ?? null,
      origin: req.headers.origin ?? null,
      proto: req.headers['x-forwarded-proto'] ?? null,
    });
    if (req.url.startsWith('/close4001')) {
      ws.close(4001, UPSTREAM_REASON);
      return;
    }
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => resolve({ wss, seen, port: wss.address().port }));
  });
}

function casesFor(scheme, host, page, upstream, pageOrigin) {
  const { probe, consoleLines } = page;
  const base = `${scheme}://127.0.0.1:${host.port}`;
  const wantProto = scheme === 'wss' ? 'https' : 'http';
  return [
    [`${scheme}:// proxy echo ${SIZES.join(',')} B, deflate at wsx, backend plain`, async () => {
      const route = `/echo-${scheme}`;
      const matrix = await probe('echoMatrix', base + route, SIZES, PROBE_TIMEOUT_MS);
      check(matrix.extensions.startsWith('permessage-deflate'), `Chromium negotiated "${matrix.extensions}"`);
      const failures = echoFailures(matrix, SIZES);
      check(failures.length === 0, `echo: ${failures.join('; ')}`);
      check(matrix.close.code === 1000 && matrix.close.wasClean, `close ${JSON.stringify(matrix.close)}`);
      const backend = upstream.seen.get(route);
      check(backend !== undefined, `the backend saw no handshake for ${route}`);
      check(backend.offered === null, `wsx offered "${backend.offered}" upstream, want nothing`);
      check(backend.origin === pageOrigin, `backend saw Origin ${backend.origin}, want ${pageOrigin}`);
      check(backend.proto === wantProto, `backend saw X-Forwarded-Proto ${backend.proto}, want ${wantProto}`);
      console.log(`     Chromium<->wsx: ${matrix.extensions}; wsx<->ws backend: none`);
    }],
    [`${scheme}:// backend closes with 4001 and a non-ASCII reason`, async () => {
      const close = await probe('closeEvent', `${base}/close4001-${scheme}`, null, null, PROBE_TIMEOUT_MS);
      check(close.code === 4001, `close code ${close.code}, want 4001`);
      check(close.reason === UPSTREAM_REASON, `close reason "${close.reason}", want "${UPSTREAM_REASON}"`);
      check(close.wasClean, 'close not clean');
    }],
    [`${scheme}:// backend refuses the handshake (403): Chromium's connection fails`, async () => {
      const url = `${base}/refuse-${scheme}`;
      const seen = await probe('failedConnection', url, PROBE_TIMEOUT_MS);
      check(!seen.opened, 'the connection opened');
      check(seen.errored && seen.close.code === 1006, `saw ${JSON.stringify(seen)}`);
      // Chromium's own account of the failure: wsx's 502, not a 101 + close.
      check(consoleLines.some((line) => line.includes(url) && line.includes('Unexpected response code: 502')),
        `Chromium did not report a 502 for ${url}`);
    }],
  ];
}

async function main() {
  const { values } = parseArgs({ options: { 'host-bin': { type: 'string' }, plugin: { type: 'string' } } });
  check(values['host-bin'] && values.plugin, 'usage: --host-bin PATH --plugin PATH');
  const dir = mkdtempSync(path.join(tmpdir(), 'wsx-chromium-proxy-'));
  const hosts = [];
  let browser = null;
  let pageServer = null;
  let upstream = null;
  const watchdog = setTimeout(() => {
    console.log(`FAIL watchdog: still running after ${WATCHDOG_MS} ms`);
    for (const host of hosts) host.cleanup();
    process.exit(1);
  }, WATCHDOG_MS);
  let failures = 0;
  try {
    const cert = makeSelfSigned(dir, 'server', '/CN=127.0.0.1');
    upstream = await startUpstream();
    const plain = new WsxHost(values['host-bin'], null, {}, '', proxyConfig(values.plugin, upstream.port, null));
    const tls = new WsxHost(values['host-bin'], null, {}, '', proxyConfig(values.plugin, upstream.port, cert));
    hosts.push(plain, tls);
    [browser, pageServer] = await Promise.all([
      launchChromium([spkiPin(cert.cert)]),
      startPageServer(),
      ...hosts.map((host) => host.start()),
    ]);
    const page = await openProbePage(browser, pageServer);
    const pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;
    failures += await runCases([
      ...casesFor('ws', plain, page, upstream, pageOrigin),
      ...casesFor('wss', tls, page, upstream, pageOrigin),
    ], CASE_TIMEOUT_MS);
    for (const host of hosts) {
      const exit = await host.stop();
      if (exit !== 0) {
        failures += 1;
        console.log(`FAIL wsx-host exit status ${exit}:\n${host.logText()}`);
      }
    }
  } finally {
    if (browser) await browser.close();
    if (pageServer) pageServer.close();
    if (upstream) upstream.wss.close();
    for (const host of hosts) host.cleanup();
    rmSync(dir, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
  console.log(failures === 0 ? 'all Chromium proxy checks passed' : `${failures} Chromium proxy check(s) failed`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (error) => {
    console.log(`FAIL ${error.stack ?? error}`);
    process.exit(1);
  },
);
