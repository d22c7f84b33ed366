import { errors, type NatsConnection } from '@nats-io/transport-node';
import { NatsApiError, NatsTimeout } from './errors.js';

const API_TIMEOUT_MS = 5000;

interface ApiErrorBody {
  error?: { code?: number; err_code?: number; description?: string };
}

/**
 * One JetStream API request (`$JS.API.<subject>`) with a JSON body; returns the parsed response, or throws
 * NatsApiError with the server's code. Raw requests keep the exact config we send (the client merges on update).
 */
export async function jsApi<T = Record<string, unknown>>(
  nc: NatsConnection,
  subject: string,
  body?: unknown,
): Promise<T> {
  let reply: Uint8Array;
  try {
    const msg = await nc.request(
      `$JS.API.${subject}`,
      body === undefined ? undefined : JSON.stringify(body),
      { timeout: API_TIMEOUT_MS },
    );
    reply = msg.data;
  } catch (err) {
    if (err instanceof errors.TimeoutError) throw new NatsTimeout(subject);
    if (
      err instanceof errors.NoRespondersError ||
      (err instanceof errors.RequestError && err.isNoResponders())
    ) {
      throw new NatsApiError({
        status: 503,
        errCode: 10039,
        description: 'no JetStream API responded (JetStream is not enabled)',
      });
    }
    throw err;
  }
  const parsed = JSON.parse(new TextDecoder().decode(reply)) as T & ApiErrorBody;
  if (parsed.error) {
    throw new NatsApiError({
      status: parsed.error.code ?? 500,
      errCode: parsed.error.err_code ?? 0,
      description: parsed.error.description ?? 'unknown error',
    });
  }
  return parsed;
}
