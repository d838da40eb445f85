// Headless Chromium (Debian's /usr/bin/chromium, driven by npm
// playwright-core) for the interop tests, and what they share: a
// self-signed certificate made now by `openssl req` (no private key is ever
// committed), its SPKI pin for --ignore-certificate-errors-spki-list, and
// a page carrying chromium_page.js (window.wsxProbe), served from
// http://127.0.0.1: Chromium's Local Network Access checks block a page of
// an opaque origin (about:blank, data:) from reaching a loopback address
// (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS), a loopback page may.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.WSX_CHROMIUM ?? '/usr/bin/chromium';
const LAUNCH_TIMEOUT_MS = 30000;

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A self-signed certificate for 127.0.0.1 in `dir`; returns the paths.
export function makeSelfSigned(dir, name, subject) {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-days', '1', '-subj', subject, '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', key, '-out', cert], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30000 });
  return { cert, key };
}

function run(dir, command, ...args) {
  execFileSync(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30000 });
}

// A client certificate (extendedKeyUsage clientAuth) signed by `ca` (from
// makeSelfSigned), as a PKCS#12 file with an empty password for NSS.
export function makeClientCertificate(dir, ca, name, subject) {
  run(dir, 'openssl', 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
  writeFileSync(path.join(dir, `${name}.ext`), 'extendedKeyUsage=clientAuth\n');
  run(dir, 'openssl', 'x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key,
    '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  run(dir, 'openssl', 'pkcs12', '-export', '-in', `${name}.pem`, '-inkey', `${name}.key`,
    '-out', `${name}.p12`, '-passout', 'pass:', '-name', subject);
  return path.join(dir, `${name}.p12`);
}

// base64(SHA-256(SubjectPublicKeyInfo DER)): what Chromium's
// --ignore-certificate-errors-spki-list takes to trust one key.
export function spkiPin(certPath) {
  const spki = new X509Certificate(readFileSync(certPath)).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

// `pins`: SPKI pins Chromium accepts despite an unknown issuer.
export async function launchChromium(pins = []) {
  const args = ['--no-sandbox']; // the tests run as root in CI containers
  if (pins.length > 0) args.push(`--ignore-certificate-errors-spki-list=${pins.join(',')}`);
  return chromium.launch({ executablePath: CHROMIUM, args, timeout: LAUNCH_TIMEOUT_MS });
}

// Chromium holding a client certificate for mutual TLS, as a persistent
// BrowserContext under `dir`. On Linux Chromium reads client certificates
// from the NSS database in $HOME/.pki/nssdb, so HOME points at a new one
// holding only `p12` (certutil and pk12util, Debian's libnss3-tools); the
// profile's auto_select_certificate content setting (what the
// AutoSelectCertificateForUrls policy sets) picks it for each of `origins`
// without a dialog.
export async function launchChromiumWithClientCertificate(dir, pins, p12, origins) {
  const home = path.join(dir, 'chromium-home');
  const nssdb = path.join(home, '.pki', 'nssdb');
  mkdirSync(nssdb, { recursive: true });
  run(dir, 'certutil', '-N', '-d', `sql:${nssdb}`, '--empty-password');
  run(dir, 'pk12util', '-i', p12, '-d', `sql:${nssdb}`, '-W', '');
  const profile = path.join(dir, 'chromium-profile');
  mkdirSync(path.join(profile, 'Default'), { recursive: true });
  const autoSelect = {};
  for (const origin of origins) autoSelect[`${origin},*`] = { setting: { filters: [{}] } };
  const preferences = { profile: { content_settings: { exceptions: { auto_select_certificate: autoSelect } } } };
  writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify(preferences));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${pins.join(',')}`],
    env: { ...process.env, HOME: home },
    timeout: LAUNCH_TIMEOUT_MS,
  });
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>wsx probe</title><link rel="icon" href="data:,"><script src="/probe.js"></script>\n';

// A loopback HTTP server for the probe page; close it with server.close().
export function startPageServer() {
  const script = readFileSync(path.join(HERE, 'chromium_page.js'));
  const server = http.createServer((request, response) => {
    const [type, body] = request.url === '/probe.js'
      ? ['text/javascript', script]
      : request.url === '/' ? ['text/html; charset=utf-8', PAGE] : [null, null];
    if (!type) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// The probe page from `server` in `browser` (a Browser or a BrowserContext);
// probe(name, ...args) calls window.wsxProbe.
// The page's console (where Chromium reports why a WebSocket failed, e.g.
// "Unexpected response code: 502") is printed and kept in `consoleLines`.
export async function openProbePage(browser, server) {
  const page = await browser.newPage();
  const consoleLines = [];
  page.on('console', (message) => {
    consoleLines.push(message.text());
    console.log(`     [chromium] ${message.text()}`);
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.wsxProbe !== undefined, null, { timeout: LAUNCH_TIMEOUT_MS });
  const probe = (name, ...args) =>
    page.evaluate(([fn, fnArgs]) => window.wsxProbe[fn](...fnArgs), [name, args]);
  return { page, probe, consoleLines };
}

// UTF-8 text of exactly `bytes` bytes, non-ASCII: 'ü' (2 B) and one 'a'
// for an odd count.
export function nonAsciiText(bytes) {
  const text = 'ü'.repeat(bytes >> 1) + 'a'.repeat(bytes & 1);
  check(Buffer.byteLength(text) === bytes, 'nonAsciiText length');
  return text;
}

// The entries of a wsxProbe.echoMatrix result that did not come back intact.
export function echoFailures(matrix, sizes) {
  const failures = matrix.results.filter((r) => !r.ok || r.bytes !== r.size);
  const seen = matrix.results.length;
  if (seen !== sizes.length * 2) failures.push({ kind: 'count', size: seen, got: `${seen} results` });
  return failures.map((r) => `${r.kind} ${r.size} B: got ${r.got}`);
}

// Runs the named cases in order, printing ok/FAIL; returns the failure count.
export async function runCases(cases, timeoutMs) {
  let failures = 0;
  for (const [name, run] of cases) {
    try {
      await withTimeout(run(), timeoutMs, name);
      console.log(`ok   ${name}`);
    } catch (error) {
      failures += 1;
      console.log(`FAIL ${name}: ${error.message}`);
    }
  }
  return failures;
}
