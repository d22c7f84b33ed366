import type { NextConfig } from 'next';

// No rewrites here: they are frozen at build time, and the monitor's address is a runtime setting
// (see src/env.ts and src/app/api/[...path]/route.ts).
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
