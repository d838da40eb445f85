// Runs a real wsx-host process for an interop test (the Node.js twin of
// wsx_host_process.py): a temporary TOML config naming the plugin by its
// absolute path, --listen 127.0.0.1:0, the port read from the
// "listening on 127.0.0.1:PORT" log line, SIGTERM to stop it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const LISTENING = /listening on 127\.0\.0\.1:(\d+)/;

function tomlValue(value) {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return JSON.stringify(String(value)); // a TOML basic string for our inputs
}

// extraServerToml (e.g. a [server.tls] table with absolute paths) goes
// after [server.limits].
export function makeConfig(pluginPath, pluginParams = {}, extraServerToml = '') {
  const lines = [
    '[server]',
    'address = "127.0.0.1"',
    'port = 0',
    'app = "echo"',
    'log_level = "info"',
    '',
    '[server.limits]',
    'max_message_size = "16 MiB"',
    'idle_timeout = "30s"',
    'close_timeout = "5s"',
  ];
  if (extraServerToml) lines.push('', extraServerToml.trimEnd());
  if (pluginPath) {
    lines.push('', '[[plugin]]', `path = ${tomlValue(path.resolve(pluginPath))}`);
    const entries = Object.entries(pluginParams);
    if (entries.length > 0) {
      lines.push('[plugin.params]');
      for (const [key, value] of entries) lines.push(`${key} = ${tomlValue(value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

export class WsxHost {
  // `extraServerToml`: appended to the generated config; `configText`: a
  // whole config of the caller's, used as it is instead.
  constructor(hostBin, pluginPath, pluginParams = {}, extraServerToml = '', configText = null) {
    this.hostBin = hostBin;
    this.configText = configText ?? makeConfig(pluginPath, pluginParams, extraServerToml);
    this.port = null;
    this.log = [];
    this.exitCode = undefined;
    this.dir = null;
    this.child = null;
    this.exited = null;
  }

  // Resolves once the host logged its port; rejects after `timeoutMs`.
  start(timeoutMs = 10000) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'wsx-interop-'));
    const configPath = path.join(this.dir, 'wsx.toml');
    writeFileSync(configPath, this.configText);
    this.child = spawn(this.hostBin, ['--config', configPath, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`wsx-host did not log its port within ${timeoutMs} ms:\n${this.logText()}`));
      }, timeoutMs);
      let pending = '';
      const onData = (chunk) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) {
          this.log.push(line);
          const match = LISTENING.exec(line);
          if (match && this.port === null) {
            this.port = Number(match[1]);
            clearTimeout(timer);
            resolve(this.port);
          }
        }
      };
      this.child.stdout.on('data', onData);
      this.child.stderr.on('data', onData);
      this.child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`wsx-host exited early (${code ?? signal}):\n${this.logText()}`));
      });
    });
  }

  logText() {
    return this.log.join('\n');
  }

  // SIGTERM, then the exit code (null if it had to be killed after `timeoutMs`).
  async stop(timeoutMs = 10000) {
    this.child.kill('SIGTERM');
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result === null) {
      this.child.kill('SIGKILL');
      await this.exited;
      this.exitCode = null;
    } else {
      this.exitCode = result.code;
    }
    this.cleanup();
    return this.exitCode;
  }

  cleanup() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
