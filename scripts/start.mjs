#!/usr/bin/env node
// `npm start`: Tern's broker, monitor and console in one process tree, history in embedded PGlite
// under ./data (or PostgreSQL when DATABASE_URL is set). Ctrl-C stops everything.
import { busyPorts, stackSettings, startStack } from './lib/stack.mjs';

let settings;
try {
  settings = stackSettings();
} catch (err) {
  console.error(`tern: ${err.message}`);
  process.exit(1);
}
const busy = await busyPorts(settings);
if (busy.length) {
  for (const m of busy) console.error(`tern: ${m}`);
  process.exit(1);
}

let stack;
let admin;
let shuttingDown = false;
const shutdown = async (code) => {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log('tern: stopping…');
  await stack?.stop();
  process.exit(code);
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  stack = await startStack(settings, {
    onLine: (name, line) => {
      const m = /Admin user created: username=(\S+) password=(\S+)/.exec(line);
      if (name === 'monitor' && m) admin = { user: m[1], password: m[2] };
    },
    onExit: (name, code) => {
      console.error(`tern: ${name} exited unexpectedly (${code}); stopping the rest`);
      shutdown(1);
    },
  });
} catch (err) {
  console.error(`tern: failed to start: ${err.message}`);
  process.exit(1);
}
const { urls } = stack;
console.log('');
console.log(`  Tern console     ${urls.consoleUrl}`);
console.log(`  Monitor API      ${urls.monitorUrl}  (OpenAPI docs at ${urls.monitorUrl}/docs)`);
console.log(`  NATS             ${urls.natsUrl}  (monitoring ${urls.brokerHttp})`);
console.log(
  `  Data             ${settings.dataDir}${settings.databaseUrl ? ' (history in PostgreSQL)' : ''}`,
);
if (admin) {
  console.log('');
  console.log(
    `  First run: admin user created. Sign in with username "${admin.user}" and password "${admin.password}"`,
  );
  console.log('  (shown only this once; set TERN_ADMIN_PASSWORD to choose it yourself).');
}
console.log('');
console.log('  Press Ctrl-C to stop.');
