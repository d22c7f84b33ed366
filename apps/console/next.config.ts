import type { NextConfig } from 'next';

// No rewrites here: they are frozen at build time, and the monitor's address is a runtime setting
// (see src/env.ts and src/app/api/[...path]/route.ts).
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  experimental: {
    // src/proxy.ts runs for /api requests that carry X-Forwarded-For, and Next then buffers their bodies
    // up to this size and cuts the rest: keep it above the monitor's largest body (message import, 80 MiB).
    proxyClientMaxBodySize: '96mb',
  },
};

export default config;
