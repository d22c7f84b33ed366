#!/usr/bin/env node
import { runCli } from './cli/main.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`tern-server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
