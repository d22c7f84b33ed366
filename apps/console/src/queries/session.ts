import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginRequest, SessionResponse } from '@tern/contracts';
import { api, setCsrfToken } from '@/api/client';
import { loginRedirects } from '@/lib/redirect';
import { keys } from './keys';
import { SESSION_REFETCH_MS, SESSION_STALE_MS } from './timing';

async function fetchSession(): Promise<SessionResponse> {
  const session = await api.get<SessionResponse>('auth/me');
  setCsrfToken(session.csrfToken);
  return session;
}

/** The signed-in user; a 401 here means "not signed in". */
export function useSession() {
  return useQuery({
    queryKey: keys.session,
    queryFn: fetchSession,
    staleTime: SESSION_STALE_MS,
    refetchInterval: SESSION_REFETCH_MS,
    retry: false,
  });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api.post<SessionResponse>('auth/login', body),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      qc.setQueryData(keys.session, session);
    },
  });
}

/**
 * Signs out, then makes one full navigation to the login page. The query cache is left alone: clearing it
 * refetched the session, whose 401 started a second navigation racing this one; leaving the page drops it.
 */
export function useLogout() {
  return useMutation({
    mutationFn: () => api.post<unknown>('auth/logout'),
    onMutate: () => loginRedirects.signingOut(),
    onSettled: () => {
      setCsrfToken(null);
      loginRedirects.signedOut();
    },
  });
}
