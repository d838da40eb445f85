// The metrics listener's status page (GET /, issue 11) in headless Chromium
// (Debian's chromium, driven by npm playwright-core): the page loads with
// no request leaving the metrics origin (self-contained, no CDN), polls
// /status.json, and after a known amount of traffic from npm's ws client
// shows the same totals as GET /metrics; it follows new traffic; a
// screenshot goes to --output-dir (the build folder).
//
//   node tests/interop/chromium_status_page.mjs --host-bin build/release/host/wsx-host \
//        --plugin build/release/lib/wsx/plugins/wsx_permessage_deflate.so --output-dir /tmp/out
//
// Exit status 1 on any failure.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

import { check, launchChromium, withTimeout } from './chromium_browser.mjs';
import { WsxHost } from './wsx_host_process.mjs';

const { values: args } = parseArgs({
  options: {
    'host-bin': { type: 'string' },
    plugin: { type: 'string' },
    'output-dir': { type: 'string' },
  },
});
check(args['host-bin'] && args.plugin && args['output-dir'], 'usage: --host-bin --plugin --output-dir');

const PMD = 'permessage-deflate';

function config(plugin) {
  return [
    '[server]', 'address = "127.0.0.1"', 'port = 0', 'app = "echo"', '',
    '[server.metrics]', 'listen = "127.0.0.1:0"', '',
    '[[plugin]]', `path = ${JSON.stringify(path.resolve(plugin))}`, '',
  ].join('\n');
}

function httpGet(port, urlPath) {
  return withTimeout(new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body }));
    }).on('error', reject);
  }), 5000, `GET ${urlPath}`);
}

// {'name{labels}': number} of the Prometheus text.
async function scrape(port) {
  const { status, body } = await httpGet(port, '/metrics');
  check(status === 200, `/metrics: ${status}`);
  const out = {};
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out[line.slice(0, space)] = Number(line.slice(space + 1));
  }
  return out;
}

// `connections` ws clients (permessage-deflate offered, ws's default), each
// echoing `messages` text messages, then closing with 1000.
async function traffic(port, connections, messages) {
  for (let c = 0; c < connections; ++c) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    await withTimeout(new Promise((resolve, reject) => {
      let left = messages;
      ws.on('open', () => {
        check(ws.extensions.includes(PMD), `not negotiated: ${ws.extensions}`);
        ws.send('status page '.repeat(30));
      });
      ws.on('message', () => {
        if (--left > 0) ws.send('status page '.repeat(30));
        else ws.close(1000);
      });
      ws.on('close', resolve);
      ws.on('error', reject);
    }), 10000, 'ws traffic');
  }
}

async function waitFor(predicate, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pageNumber(page, id) {
  return Number(await page.getAttribute(`#${id}`, 'data-value'));
}

async function main() {
  mkdirSync(args['output-dir'], { recursive: true });
  const host = new WsxHost(args['host-bin'], null, {}, '', config(args.plugin));
  let browser = null;
  try {
    await host.start();
    const line = host.log.find((l) => /metrics: serving http:\/\/127\.0\.0\.1:\d+\//.test(l));
    check(line, `no metrics line:\n${host.logText()}`);
    const mport = Number(/127\.0\.0\.1:(\d+)\//.exec(line)[1]);

    await traffic(host.port, 3, 7);
    await waitFor(async () => (await scrape(mport)).wsx_connections_open === 0, 'connections to close');
    const metrics = await scrape(mport);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const origin = `http://127.0.0.1:${mport}`;
    const foreign = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin + '/')) foreign.push(request.url());
    });
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    const response = await page.goto(origin + '/', { timeout: 15000 });
    check(response.status() === 200, `GET /: ${response.status()}`);
    // Two polls: the second has rates (a difference of two polls).
    await page.waitForSelector('body[data-polls="2"], body[data-polls="3"], body[data-polls="4"]',
      { timeout: 10000 });

    const same = {
      connections_opened: metrics.wsx_connections_opened_total,
      messages_received: metrics.wsx_messages_received_total,
      messages_sent: metrics.wsx_messages_sent_total,
      handshakes_total: Object.entries(metrics)
        .filter(([key]) => key.startsWith('wsx_handshakes_total{'))
        .reduce((sum, [, value]) => sum + value, 0),
      wire_bytes_received: metrics.wsx_received_bytes_total,
      connections_open: 0,
    };
    check(same.messages_received === 21, `expected 21 messages, /metrics says ${same.messages_received}`);
    for (const [id, value] of Object.entries(same)) {
      const shown = await pageNumber(page, id);
      check(shown === value, `page #${id} = ${shown}, /metrics = ${value}`);
    }
    const row = `#extensions tr[data-token="${PMD}"]`;
    const accepted = Number(await page.textContent(`${row} td.accepted`));
    check(accepted === metrics[`wsx_extension_offers_total{token="${PMD}",outcome="accepted"}`] && accepted === 3,
      `accepted on page: ${accepted}`);
    const encodeRatio = Number(await page.textContent(`${row} td.encode_ratio`));
    const expectedRatio = metrics[`wsx_extension_output_bytes_total{token="${PMD}",direction="encode"}`] /
      metrics[`wsx_extension_input_bytes_total{token="${PMD}",direction="encode"}`];
    check(Math.abs(encodeRatio - expectedRatio) < 0.001 && encodeRatio < 0.5,
      `encode ratio on page ${encodeRatio}, from /metrics ${expectedRatio}`);
    const points = await page.getAttribute('#chart_connections polyline', 'points');
    check(points && points.split(' ').length >= 2, `no chart drawn: "${points}"`);

    // It follows the server: 2 more connections of 4 messages.
    await traffic(host.port, 2, 4);
    await waitFor(async () => (await pageNumber(page, 'messages_received')) === 29,
      'the page to show 29 messages');

    await page.screenshot({ path: path.join(args['output-dir'], 'status_page.png'), fullPage: true });
    check(foreign.length === 0, `requests left the metrics origin: ${foreign.join(', ')}`);
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
    console.log(`status page: ok (screenshot ${path.join(args['output-dir'], 'status_page.png')})`);
  } finally {
    if (browser) await browser.close();
    const code = await host.stop();
    check(code === 0, `wsx-host exit code ${code}:\n${host.logText()}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
