#!/usr/bin/env node
// Runs every *.test.ts under the given folders with Node's test runner (through tsx).
// Node 20's --test does not expand globs itself, so we collect the files here.
// Usage: node node-tests.mjs <dir...> [--pattern <suffix>] [--concurrency N]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
let suffix = '.test.ts';
let concurrency = '1';
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--pattern') suffix = args[++i];
  else if (args[i] === '--concurrency') concurrency = args[++i];
  else dirs.push(args[i]);
}
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(suffix)) files.push(path);
  }
};
for (const d of dirs) walk(d);
if (files.length === 0) {
  console.error(`no ${suffix} files under ${dirs.join(', ')}`);
  process.exit(1);
}
files.sort();
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);
