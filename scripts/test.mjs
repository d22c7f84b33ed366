#!/usr/bin/env node
// `npm test`: every test the project has. Installs missing system packages (root on Debian),
// then typecheck, lint, unit + differential + database tests (turbo), then the Playwright suite.
// Prints one closing line with the totals.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensurePrerequisites } from './lib/prereqs.mjs';
import { repoRoot } from './lib/stack.mjs';

ensurePrerequisites();

const totals = { passed: 0, failed: 0, skipped: 0 };
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' };

function run(name, cmd, args, cwd = repoRoot) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const count = (text) => {
      for (const line of text.split('\n')) {
        // node:test summary lines (possibly behind a turbo "pkg:test: " prefix)
        let m = /ℹ (pass|fail|skipped) (\d+)\s*$/.exec(line);
        if (m) {
          const key = m[1] === 'pass' ? 'passed' : m[1] === 'fail' ? 'failed' : 'skipped';
          totals[key] += Number(m[2]);
          continue;
        }
        // Playwright summary lines
        m = /^\s+(\d+) (passed|failed|flaky|skipped)/.exec(line);
        if (m && name === 'e2e') {
          const key = m[2] === 'flaky' ? 'passed' : m[2];
          totals[key] += Number(m[1]);
        }
      }
    };
    let pending = '';
    const onData = (out) => (chunk) => {
      out.write(chunk);
      pending += chunk.toString();
      const cut = pending.lastIndexOf('\n');
      if (cut >= 0) {
        count(pending.slice(0, cut));
        pending = pending.slice(cut + 1);
      }
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('exit', (code) => {
      count(pending);
      resolve(code ?? 1);
    });
  });
}

const bin = (name) => join(repoRoot, 'node_modules/.bin', name);
const steps = [
  ['lint', bin('biome'), ['check', '.']],
  [
    'build, typecheck and unit/differential/database tests',
    bin('turbo'),
    ['run', 'build', 'typecheck', 'test', '--concurrency=2', '--env-mode=loose', '--output-logs=full'],
  ],
  ['e2e', bin('playwright'), ['test'], join(repoRoot, 'e2e')],
];
// Every step runs even when an earlier one failed, so one run reports every problem.
const failedSteps = [];
for (const [name, cmd, args, cwd] of steps) {
  const code = await run(name, cmd, args, cwd);
  if (code !== 0) failedSteps.push(name);
}
console.log('');
for (const name of failedSteps) console.log(`npm test: step "${name}" failed`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length || totals.failed ? 1 : 0);
