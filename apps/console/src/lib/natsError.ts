// Errors from NATS in plain words, with the server's own error code.

import { ApiClientError } from '@/api/client';

export interface ErrorInfo {
  /** The sentence to show. */
  message: string;
  /** Tern's stable API code, e.g. NATS_ERROR, FORBIDDEN. */
  code: string | null;
  /** The JetStream `err_code` (e.g. 10058) when NATS refused the change. */
  natsErrCode: number | null;
  /** The server's own description, when it says more than `message`. */
  natsDescription: string | null;
}

const PLAIN: Record<string, string> = {
  FORBIDDEN: 'Your role does not allow this change.',
  CONFIRMATION_REQUIRED: 'Type the name exactly to confirm.',
  NETWORK_ERROR: 'The console server did not answer. Check your connection.',
};

/** Takes any thrown value apart into what the UI shows. */
export function describeError(error: unknown): ErrorInfo {
  if (error instanceof ApiClientError) {
    const d = error.details as { errCode?: unknown; description?: unknown } | undefined;
    const errCode = d && typeof d.errCode === 'number' ? d.errCode : null;
    const description = d && typeof d.description === 'string' ? d.description : null;
    const message = error.message || PLAIN[error.code] || 'The request failed.';
    return {
      message: error.status === 403 && !error.message ? PLAIN.FORBIDDEN! : message,
      code: error.code,
      natsErrCode: errCode,
      natsDescription: description && !message.includes(description) ? description : null,
    };
  }
  if (error instanceof Error)
    return { message: error.message, code: null, natsErrCode: null, natsDescription: null };
  return { message: 'Something went wrong.', code: null, natsErrCode: null, natsDescription: null };
}
