'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiClientError } from '@/api/client';
import { loginRedirects } from '@/lib/redirect';
import { DEFAULT_STALE_MS } from '@/queries/timing';

/** An expired or missing session on any page sends the user to the login page, then back. */
function onApiError(error: unknown): void {
  if (!(error instanceof ApiClientError) || error.status !== 401) return;
  if (typeof window !== 'undefined') loginRedirects.unauthorized(window.location);
}

function makeClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onApiError }),
    mutationCache: new MutationCache({ onError: onApiError }),
    defaultOptions: {
      queries: {
        staleTime: DEFAULT_STALE_MS,
        // Client errors (4xx) will not fix themselves; network and server errors may.
        retry: (count, error) =>
          !(error instanceof ApiClientError && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
