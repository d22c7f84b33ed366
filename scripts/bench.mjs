#!/usr/bin/env node
// `npm run bench [-- <suite>...]`: runs benchmark suites that put Tern and nats-server side by side
// and print Tern/nats-server ratios. Suites live next to the code they measure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrerequisites } from './lib/prereqs.mjs';
import { repoRoot } from './lib/stack.mjs';

const SUITES = {
  core: 'packages/broker/bench/core.ts',
  jetstream: 'packages/broker/src/jetstream/bench.ts',
  monitor: 'apps/monitor/bench/monitor.ts',
  messages: 'apps/monitor/bench/messages.ts',
};
/** Workspaces a suite runs compiled, built (with what they depend on) before it starts. */
const BUILDS = { monitor: '@tern/monitor' };
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = asked.length ? asked : Object.keys(SUITES);
const unknown = names.filter((n) => !SUITES[n]);
if (unknown.length) {
  console.error(
    `unknown benchmark suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`,
  );
  process.exit(1);
}
ensurePrerequisites();
const builds = [...new Set(names.flatMap((n) => (BUILDS[n] ? [BUILDS[n]] : [])))];
if (builds.length) {
  const turbo = join(repoRoot, 'node_modules/.bin/turbo');
  const filters = builds.map((b) => `--filter=${b}`);
  const res = spawnSync(turbo, ['run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (res.status !== 0) {
    console.error(`building ${builds.join(', ')} failed`);
    process.exit(res.status ?? 1);
  }
}
let status = 0;
for (const name of names) {
  const file = join(repoRoot, SUITES[name]);
  if (!existsSync(file)) {
    console.error(`benchmark suite "${name}" (${SUITES[name]}) is missing`);
    status = 1;
    continue;
  }
  console.log(`\n=== bench ${name}`);
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', file, ...process.argv.slice(2).filter((a) => a.startsWith('-'))],
    {
      cwd: repoRoot,
      stdio: 'inherit',
    },
  );
  if (res.status !== 0) status = res.status ?? 1;
}
process.exit(status);
