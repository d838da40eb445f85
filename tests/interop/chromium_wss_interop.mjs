// Interop: headless Chromium's own WebSocket as a client of wsx-host (echo
// app, permessage-deflate plugin) over ws:// and wss:// (RFC 6455, RFC 7692;
// [server.tls] with a certificate made now by `openssl req`, trusted by its
// SPKI pin, so no private key is committed and no CA is installed).
//
//   node tests/interop/chromium_wss_interop.mjs --host-bin build/release/host/wsx-host \
//        --plugin build/release/lib/wsx/plugins/wsx_permessage_deflate.so
//
// Cases, on ws:// and on wss://: permessage-deflate negotiated (the
// WebSocket's `extensions`); text and binary of every size from 0 B to
// 1 MiB echoed intact; a Close with 4321 and a 123-byte non-ASCII reason
// answered with that code and reason (RFC 6455 section 5.5.1).
//
// Mutual TLS (verify_client = true): Chromium holding a client certificate
// from the host's `ca` (an NSS database made now, auto-selected for that
// origin) echoes over wss://; against a host whose `ca` did not sign it
// (its certificate request names only that CA, so Chromium has nothing to
// offer), Chromium's connection fails (no open event, close 1006) and the
// host logs the failed handshake at info. Chromium's WebSocket cannot
// itself answer a certificate request (it cancels the handshake unless a
// certificate was already chosen for that host), so the accepted case first
// loads https://127.0.0.1:PORT/ in a tab, as a web app served from the same
// host would: wsx answers that plain GET with 400 after a TLS handshake with
// the certificate, and the WebSocket's connection then resumes that TLS
// session (which needed the session id context, see tls_context.cpp).
// Exit status 1 on any failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import {
  check,
  echoFailures,
  launchChromiumWithClientCertificate,
  makeClientCertificate,
  makeSelfSigned,
  nonAsciiText,
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

async function echoCase(probe, url) {
  const matrix = await probe('echoMatrix', url, SIZES, PROBE_TIMEOUT_MS);
  check(matrix.extensions.startsWith('permessage-deflate'), `extensions "${matrix.extensions}"`);
  const failures = echoFailures(matrix, SIZES);
  check(failures.length === 0, `echo: ${failures.join('; ')}`);
  check(matrix.close.code === 1000 && matrix.close.wasClean, `close ${JSON.stringify(matrix.close)}`);
  return matrix.extensions;
}

async function closeReasonCase(probe, url) {
  const reason = nonAsciiText(123); // the most a Close frame holds
  const close = await probe('closeEvent', url, 4321, reason, PROBE_TIMEOUT_MS);
  check(close.code === 4321, `close code ${close.code}, want 4321`);
  check(close.reason === reason,
    `close reason of ${Buffer.byteLength(close.reason)} B "${close.reason.slice(0, 20)}...", want the 123 B sent`);
  check(close.wasClean, 'close not clean');
}

function tlsToml(pki, extra = '') {
  return [
    '[server.tls]',
    `certificate = ${JSON.stringify(pki.server.cert)}`,
    `private_key = ${JSON.stringify(pki.server.key)}`,
    extra,
  ].join('\n');
}

// Resolves once a host log line after index `from` matches, else rejects.
async function waitForLog(host, from, pattern, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (host.log.slice(from).some((line) => pattern.test(line))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no log line matching ${pattern}:\n${host.logText()}`);
}

async function main() {
  const { values } = parseArgs({ options: { 'host-bin': { type: 'string' }, plugin: { type: 'string' } } });
  check(values['host-bin'] && values.plugin, 'usage: --host-bin PATH --plugin PATH');
  const dir = mkdtempSync(path.join(tmpdir(), 'wsx-chromium-'));
  const hosts = [];
  let browser = null;
  let pageServer = null;
  const watchdog = setTimeout(() => {
    console.log(`FAIL watchdog: still running after ${WATCHDOG_MS} ms`);
    for (const host of hosts) host.cleanup();
    process.exit(1);
  }, WATCHDOG_MS);
  let failures = 0;
  try {
    const pki = {
      server: makeSelfSigned(dir, 'server', '/CN=127.0.0.1'),
      clientCa: makeSelfSigned(dir, 'client-ca', '/CN=wsx test client CA'),
      otherCa: makeSelfSigned(dir, 'other-ca', '/CN=wsx other client CA'),
    };
    const clientP12 = makeClientCertificate(dir, pki.clientCa, 'client', '/CN=wsx chromium client');
    const plain = new WsxHost(values['host-bin'], values.plugin);
    const tls = new WsxHost(values['host-bin'], values.plugin, {}, tlsToml(pki));
    const mutualToml = (ca) => tlsToml(pki, `ca = ${JSON.stringify(ca.cert)}\nverify_client = true`);
    const mutual = new WsxHost(values['host-bin'], values.plugin, {}, mutualToml(pki.clientCa));
    const refusing = new WsxHost(values['host-bin'], values.plugin, {}, mutualToml(pki.otherCa));
    hosts.push(plain, tls, mutual, refusing);
    [pageServer] = await Promise.all([startPageServer(), ...hosts.map((host) => host.start())]);
    const mutualOrigins = [mutual, refusing].map((host) => `https://127.0.0.1:${host.port}`);
    browser = await launchChromiumWithClientCertificate(dir, [spkiPin(pki.server.cert)], clientP12,
      mutualOrigins);
    const { probe } = await openProbePage(browser, pageServer);
    const cases = [];
    for (const [scheme, host] of [['ws', plain], ['wss', tls]]) {
      const url = `${scheme}://127.0.0.1:${host.port}/`;
      cases.push([`${scheme}:// deflate, echo ${SIZES.join(',')} B text and binary`, async () => {
        const extensions = await echoCase(probe, url);
        console.log(`     Chromium negotiated: ${extensions}`);
      }]);
      cases.push([`${scheme}:// Close 4321 with a 123-byte non-ASCII reason comes back`,
        () => closeReasonCase(probe, url)]);
    }
    cases.push(['wss:// verify_client with a client certificate from its ca: echo', async () => {
      const tab = await browser.newPage();
      try {
        const response = await tab.goto(`${mutualOrigins[0]}/`, { timeout: PROBE_TIMEOUT_MS });
        check(response?.status() === 400, `GET over mutual TLS: status ${response?.status()}, want 400`);
      } finally {
        await tab.close();
      }
      await echoCase(probe, `wss://127.0.0.1:${mutual.port}/`);
    }]);
    cases.push(['wss:// verify_client with a certificate its ca did not sign: connection fails', async () => {
      const from = refusing.log.length;
      const seen = await probe('failedConnection', `wss://127.0.0.1:${refusing.port}/`, PROBE_TIMEOUT_MS);
      check(!seen.opened, 'the connection opened');
      check(seen.errored && seen.close.code === 1006, `saw ${JSON.stringify(seen)}`);
      await waitForLog(refusing, from, / INFO .*tls error peer=/, PROBE_TIMEOUT_MS);
    }]);
    failures += await runCases(cases, CASE_TIMEOUT_MS);
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
    for (const host of hosts) host.cleanup();
    rmSync(dir, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
  console.log(failures === 0 ? 'all Chromium ws/wss checks passed' : `${failures} Chromium check(s) failed`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (error) => {
    console.log(`FAIL ${error.stack ?? error}`);
    process.exit(1);
  },
);
