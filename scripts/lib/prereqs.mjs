// System packages the test suite needs, and installing them on Debian when we are root.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const hasPostgres = () => {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
};

/** Debian package name → check that it is installed. */
const NEEDED = {
  chromium: () => existsSync('/usr/bin/chromium'),
  'nats-server': () => onPath('nats-server'),
  postgresql: hasPostgres,
};

export function missingPackages() {
  return Object.entries(NEEDED)
    .filter(([, ok]) => !ok())
    .map(([name]) => name);
}

/** Installs what is missing when root on Debian; otherwise exits with a message naming what to install. */
export function ensurePrerequisites() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync('/etc/debian_version');
  if (!isRoot || !isDebian) {
    console.error(`npm test needs these system packages: ${missing.join(', ')}.`);
    console.error(
      `Install them (on Debian: sudo apt-get install -y ${missing.join(' ')}) and run npm test again.`,
    );
    process.exit(1);
  }
  console.log(`Installing ${missing.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
  const still = missingPackages();
  if (still.length) {
    console.error(`Still missing after apt-get: ${still.join(', ')}`);
    process.exit(1);
  }
}
