// Interop: npm's ws (tests/interop/node_modules) as a wss:// CLIENT of
// wsx-host (RFC 6455 section 3; [server.tls], OpenSSL), with a PKI made at
// test time by the openssl command (no private key is committed).
//
//   node tests/interop/ws_tls_client_interop.mjs --host-bin build/x/host/wsx-host \
//        --plugin build/x/lib/wsx/plugins/wsx_permessage_deflate.so
//
// Checks: permessage-deflate is negotiated over wss:// and every size from
// 0 B to 1 MiB comes back byte for byte, text and binary, with ALPN
// http/1.1; on a host with verify_client = true, a client certificate from
// the test CA is accepted and a connection without one is refused (logged
// at info). Exit status 1 on any failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

import { WsxHost } from './wsx_host_process.mjs';

const STEP_TIMEOUT_MS = 30000;
const SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20];

function openssl(dir, ...args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makePki(dir) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, 'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=wsx test CA');
  const leaf = (name, subject, extensions) => {
    openssl(dir, 'req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(path.join(dir, `${name}.ext`), extensions + '\n');
    openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  };
  leaf('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  leaf('client', '/CN=wsx test client', 'extendedKeyUsage=clientAuth');
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function withTimeout(promise, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: timed out`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function open(port, tls) {
  const ws = new WebSocket(`wss://localhost:${port}/`, {
    perMessageDeflate: {},
    maxPayload: 16 * 1024 * 1024,
    ALPNProtocols: ['http/1.1'],
    ...tls,
  });
  return withTimeout(
    new Promise((resolve, reject) => {
      ws.once('upgrade', (response) => {
        ws.extensionsHeader = response.headers['sec-websocket-extensions'];
      });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`closed before open (${code})`)));
    }),
    'open',
  );
}

function echo(ws, payload, binary, label) {
  return withTimeout(
    new Promise((resolve, reject) => {
      ws.once('message', (data, isBinary) => {
        if (isBinary !== binary) reject(new Error(`${label}: type changed`));
        else if (!Buffer.from(data).equals(Buffer.from(payload)))
          reject(new Error(`${label}: echo differs (${data.length} B back)`));
        else resolve();
      });
      ws.send(payload, { binary });
    }),
    label,
  );
}

function closeClean(ws) {
  return withTimeout(
    new Promise((resolve) => {
      ws.once('close', (code) => resolve(code));
      ws.close(1000);
    }),
    'close',
  );
}

async function checkMatrix(port, ca) {
  const ws = await open(port, { ca });
  check((ws.extensionsHeader ?? '').startsWith('permessage-deflate'),
    `extensions ${ws.extensionsHeader}`);
  check(ws._socket.alpnProtocol === 'http/1.1', `ALPN ${ws._socket.alpnProtocol}`);
  const protocol = ws._socket.getProtocol();
  for (const size of SIZES) {
    await echo(ws, 'é'.repeat(size >> 1) + 'a'.repeat(size & 1), false, `text ${size} B`);
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; ++i) bytes[i] = (i * 2654435761) >>> 24;
    await echo(ws, bytes, true, `binary ${size} B`);
  }
  check((await closeClean(ws)) === 1000, 'close code');
  console.log(`ok: ws over ${protocol}: ${ws.extensionsHeader}, sizes ${SIZES}`);
}

async function checkMutual(host, dir, ca) {
  const cert = readFileSync(path.join(dir, 'client.pem'));
  const key = readFileSync(path.join(dir, 'client.key'));
  const ws = await open(host.port, { ca, cert, key });
  await echo(ws, 'mutual', false, 'mutual TLS');
  await closeClean(ws);
  console.log('ok: mutual TLS with a client certificate');
  const before = host.log.length;
  let refused = false;
  try {
    const bare = await open(host.port, { ca });
    await echo(bare, 'should not echo', false, 'no client certificate');
  } catch (error) {
    refused = true;
    console.log(`ok: mutual TLS without a client certificate refused (${error.message})`);
  }
  check(refused, 'a client without a certificate was accepted');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let logged = false;
  while (!logged && Date.now() < deadline) {
    logged = host.log.slice(before).some((line) => / INFO .*tls error peer=.*certificate/.test(line));
    if (!logged) {
      // The next chunk of the log (stdout or stderr), or the deadline.
      await new Promise((resolve) => {
        const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
        function done() {
          clearTimeout(timer);
          host.child.stdout.off('data', done);
          host.child.stderr.off('data', done);
          setImmediate(resolve); // after WsxHost's own listener split the lines
        }
        host.child.stdout.once('data', done);
        host.child.stderr.once('data', done);
      });
    }
  }
  check(logged, `refusal not logged at info:\n${host.logText()}`);
}

async function main() {
  const { values } = parseArgs({
    options: { 'host-bin': { type: 'string' }, plugin: { type: 'string' } },
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'wsx-tls-'));
  try {
    makePki(dir);
    const ca = readFileSync(path.join(dir, 'ca.pem'));
    const tls = [
      '[server.tls]',
      `certificate = ${JSON.stringify(path.join(dir, 'server.pem'))}`,
      `private_key = ${JSON.stringify(path.join(dir, 'server.key'))}`,
    ].join('\n');
    const host = new WsxHost(values['host-bin'], values.plugin, {}, tls);
    try {
      await host.start();
      await checkMatrix(host.port, ca);
      check((await host.stop()) === 0, `host did not stop cleanly:\n${host.logText()}`);
    } finally {
      host.cleanup();
    }
    const mutualToml = `${tls}\nca = ${JSON.stringify(path.join(dir, 'ca.pem'))}\nverify_client = true\n`;
    const mutual = new WsxHost(values['host-bin'], values.plugin, {}, mutualToml);
    try {
      await mutual.start();
      await checkMutual(mutual, dir, ca);
      check((await mutual.stop()) === 0, `host did not stop cleanly:\n${mutual.logText()}`);
    } finally {
      mutual.cleanup();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('all ws wss checks passed');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`FAIL: ${error.stack ?? error}`);
    process.exit(1);
  },
);
