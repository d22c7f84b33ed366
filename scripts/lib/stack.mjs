// Starts Tern's embedded stack (broker, monitor, console) as child processes of one supervisor.
// Used by `npm start` and by the end-to-end tests, so both start it the same way.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPortFree, waitForHttp } from './ports.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The stack's settings, from the environment (the only place they are read), with defaults. */
export function stackSettings(env = process.env) {
  const int = (name, dflt) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new Error(`${name} must be a port number (1-65535), got "${raw}"`);
    return n;
  };
  return {
    host: env.TERN_HOST || '127.0.0.1',
    natsPort: int('TERN_NATS_PORT', 4222),
    httpPort: int('TERN_HTTP_PORT', 8222),
    monitorPort: int('MONITOR_PORT', 4280),
    consolePort: int('CONSOLE_PORT', 3000),
    dataDir: resolve(env.TERN_DATA_DIR || join(repoRoot, 'data')),
    databaseUrl: env.DATABASE_URL || '',
  };
}

const PORT_SETTINGS = [
  ['natsPort', 'TERN_NATS_PORT', 'NATS client port'],
  ['httpPort', 'TERN_HTTP_PORT', 'NATS monitoring port'],
  ['monitorPort', 'MONITOR_PORT', 'monitor API port'],
  ['consolePort', 'CONSOLE_PORT', 'console port'],
];

/** Returns one message per configured port that is already taken, naming the setting to change. */
export async function busyPorts(s) {
  const msgs = [];
  for (const [key, envName, what] of PORT_SETTINGS) {
    if (!(await isPortFree(s[key], s.host))) {
      msgs.push(
        `Port ${s[key]} (${what}) on ${s.host} is already in use: stop what uses it or set ${envName}=<port>.`,
      );
    }
  }
  return msgs;
}

function relay(child, name, onLine) {
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buf += chunk;
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        onLine?.(line);
        process.stdout.write(`${prefix}${line}\n`);
        i = buf.indexOf('\n');
      }
    });
  }
}

/**
 * Starts broker, monitor and console; resolves once all three answer.
 * Returns `{ urls, stop() }`. `onExit(name, code)` fires if a child dies on its own.
 */
export async function startStack(s, { onExit, onLine } = {}) {
  mkdirSync(s.dataDir, { recursive: true });
  const children = [];
  let stopping = false;
  const launch = (name, cmd, args, opts) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    relay(child, name, (line) => onLine?.(name, line));
    child.on('exit', (code, signal) => {
      child.exited = true;
      if (!stopping) onExit?.(name, code ?? signal);
    });
    children.push({ name, child });
    return child;
  };
  const stop = async () => {
    stopping = true;
    for (const { child } of [...children].reverse()) {
      if (child.exited) continue;
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 8000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
  };

  const natsUrl = `nats://${s.host}:${s.natsPort}`;
  const brokerHttp = `http://${s.host}:${s.httpPort}`;
  const monitorUrl = `http://${s.host}:${s.monitorPort}`;
  const consoleUrl = `http://${s.host === '0.0.0.0' ? '127.0.0.1' : s.host}:${s.consolePort}`;
  try {
    launch(
      'broker',
      process.execPath,
      [
        join(repoRoot, 'packages/broker/dist/cli.js'),
        '-a',
        s.host,
        '-p',
        String(s.natsPort),
        '-m',
        String(s.httpPort),
        '-n',
        'tern-embedded',
        '-js',
        '-sd',
        join(s.dataDir, 'jetstream'),
      ],
      { cwd: repoRoot },
    );
    await waitForHttp(`${brokerHttp}/healthz`);

    const monitorEnv = {
      ...process.env,
      MONITOR_HOST: s.host,
      MONITOR_PORT: String(s.monitorPort),
      TERN_DATA_DIR: s.dataDir,
      TERN_EMBEDDED_NATS_URL: natsUrl,
      TERN_EMBEDDED_MONITOR_URL: brokerHttp,
    };
    if (s.databaseUrl) monitorEnv.DATABASE_URL = s.databaseUrl;
    launch('monitor', process.execPath, [join(repoRoot, 'apps/monitor/dist/main.js')], {
      cwd: repoRoot,
      env: monitorEnv,
    });
    await waitForHttp(`${monitorUrl}/api/health`, 60_000);

    const consoleDir = join(repoRoot, 'apps/console');
    const nextBin = createRequire(join(consoleDir, 'package.json')).resolve('next/dist/bin/next');
    launch('console', process.execPath, [nextBin, 'start', '-p', String(s.consolePort), '-H', s.host], {
      cwd: consoleDir,
      env: { ...process.env, MONITOR_URL: monitorUrl, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    });
    await waitForHttp(`${consoleUrl}/login`, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { urls: { natsUrl, brokerHttp, monitorUrl, consoleUrl }, stop };
}
