import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ApiTokensResponse,
  CreateApiTokenRequest,
  CreateApiTokenResponse,
  CreateUserRequest,
  OkResponse,
  Role,
  UsersResponse,
  UserWithPasswordResponse,
} from '@tern/contracts';
import { api } from '@/api/client';
import { keys } from './keys';

const enc = encodeURIComponent;

export const adminKeys = {
  users: ['users'] as const,
  tokens: ['tokens'] as const,
};

/** Console users (admin only). */
export function useUsers(enabled = true) {
  return useQuery({
    queryKey: adminKeys.users,
    queryFn: ({ signal }) => api.get<UsersResponse>('users', undefined, signal),
    enabled,
  });
}

function useInvalidate(...queryKeys: ReadonlyArray<readonly unknown[]>) {
  const qc = useQueryClient();
  return () => Promise.all([keys.audit, ...queryKeys].map((queryKey) => qc.invalidateQueries({ queryKey })));
}

export function useCreateUser() {
  const invalidate = useInvalidate(adminKeys.users);
  return useMutation({
    mutationFn: (body: CreateUserRequest) => api.post<UserWithPasswordResponse>('users', body),
    onSuccess: invalidate,
  });
}

export function useUpdateUserRole() {
  const invalidate = useInvalidate(adminKeys.users);
  return useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      api.patch<unknown>(`users/${enc(id)}`, { role }),
    onSettled: invalidate,
  });
}

export function useResetPassword() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password?: string }) =>
      api.post<UserWithPasswordResponse>(`users/${enc(id)}/password`, password ? { password } : {}),
    onSuccess: invalidate,
  });
}

export function useDeleteUser() {
  const invalidate = useInvalidate(adminKeys.users, adminKeys.tokens);
  return useMutation({
    mutationFn: (id: string) => api.del<OkResponse>(`users/${enc(id)}`),
    onSuccess: invalidate,
  });
}

/** Your API tokens; an admin sees everyone's. */
export function useTokens() {
  return useQuery({
    queryKey: adminKeys.tokens,
    queryFn: ({ signal }) => api.get<ApiTokensResponse>('tokens', undefined, signal),
  });
}

export function useCreateToken() {
  const invalidate = useInvalidate(adminKeys.tokens);
  return useMutation({
    mutationFn: (body: CreateApiTokenRequest) => api.post<CreateApiTokenResponse>('tokens', body),
    onSuccess: invalidate,
  });
}

export function useRevokeToken() {
  const invalidate = useInvalidate(adminKeys.tokens);
  return useMutation({
    mutationFn: (id: string) => api.del<OkResponse>(`tokens/${enc(id)}`),
    onSuccess: invalidate,
  });
}
