import { Type } from '@sinclair/typebox';
import { type ApiError, ApiError as ApiErrorSchema } from '@tern/contracts';

/** `ApiError` by reference (registered once with addSchema), for every route's 4xx/5xx responses. */
export const ApiErrorRef = Type.Unsafe<ApiError>(Type.Ref(ApiErrorSchema.$id ?? 'ApiError'));

export const errorResponses = { '4xx': ApiErrorRef, '5xx': ApiErrorRef } as const;
