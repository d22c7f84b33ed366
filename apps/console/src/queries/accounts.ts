import { useMutation, useQuery } from '@tanstack/react-query';
import type {
  AccountChangePreview,
  AccountChangeResult,
  ConfigSnippetRequest,
  ConfigSnippetResponse,
  OperatorsResponse,
  TargetAccountsResponse,
} from '@tern/contracts';
import { api } from '@/api/client';
import type { ChangeRequest } from './jetstream';
import {
  JETSTREAM_REFETCH_MS as ACCOUNTS_REFETCH_MS,
  JETSTREAM_STALE_MS as ACCOUNTS_STALE_MS,
} from './timing';

export { useAccounts as useAccountUsage } from './overview';

export const accountKeys = {
  all: ['account-admin'] as const,
  target: (targetId: string) => ['account-admin', 'target', targetId] as const,
  operators: ['account-admin', 'operators'] as const,
};

const enc = encodeURIComponent;
const base = (targetId: string) => `targets/${enc(targetId)}/accounts`;

/** Managed accounts (operator mode) and what the server reports (both modes) for one target. */
export function useTargetAccounts(targetId: string | null) {
  return useQuery({
    queryKey: accountKeys.target(targetId ?? ''),
    queryFn: ({ signal }) => api.get<TargetAccountsResponse>(base(targetId ?? ''), undefined, signal),
    enabled: Boolean(targetId),
    refetchInterval: ACCOUNTS_REFETCH_MS,
    staleTime: ACCOUNTS_STALE_MS,
  });
}

/** Operators whose keys the monitor holds. */
export function useOperators() {
  return useQuery({
    queryKey: accountKeys.operators,
    queryFn: ({ signal }) => api.get<OperatorsResponse>('operator', undefined, signal),
    staleTime: ACCOUNTS_STALE_MS,
  });
}

const invalidate = [accountKeys.all, ['accounts']] as const;

/** Paths of every account change (preview/apply go to `<path>/preview` and `<path>/apply`). */
export const accountChanges = {
  createOperator: (name: string): ChangeRequest => ({
    path: 'operator/create',
    body: { name },
    invalidate,
  }),
  bind: (targetId: string, operatorId: string): ChangeRequest => ({
    path: `${base(targetId)}/operator`,
    body: { operatorId },
    invalidate,
  }),
  account: (targetId: string, account: string, op: 'create' | 'update', spec: object): ChangeRequest => ({
    path: `${base(targetId)}/${enc(account)}/${op}`,
    body: { spec },
    invalidate,
  }),
  createUser: (targetId: string, account: string, user: string, spec: object): ChangeRequest => ({
    path: `${base(targetId)}/${enc(account)}/users/${enc(user)}/create`,
    body: { spec },
    invalidate,
  }),
  updateUser: (targetId: string, account: string, user: string, spec: object): ChangeRequest => ({
    path: `${base(targetId)}/${enc(account)}/users/${enc(user)}/update`,
    body: { spec },
    invalidate,
  }),
  revokeUser: (targetId: string, account: string, user: string): ChangeRequest => ({
    path: `${base(targetId)}/${enc(account)}/users/${enc(user)}/revoke`,
    body: {},
    invalidate,
  }),
};

export type { AccountChangePreview, AccountChangeResult };

/** Text downloads: a user's `.creds`, the operator's system user `.creds`, the server config. */
export const accountFiles = {
  userCreds: (targetId: string, account: string, user: string) =>
    api.text(`${base(targetId)}/${enc(account)}/users/${enc(user)}/creds`),
  systemCreds: (operatorId: string) => api.text(`operator/${enc(operatorId)}/system-creds`),
  serverConfig: (operatorId: string) => api.text(`operator/${enc(operatorId)}/server-config`),
};

/** The nats-server config snippet for a change on a file-configured target. */
export function useConfigSnippet(targetId: string) {
  return useMutation({
    mutationFn: (req: ConfigSnippetRequest) =>
      api.post<ConfigSnippetResponse>(`${base(targetId)}/snippet`, req),
  });
}
