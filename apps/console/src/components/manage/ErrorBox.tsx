import { describeError } from '@/lib/natsError';

/** An API or NATS error in plain words; NATS refusals show the server's err_code. */
export function ErrorBox({ error, testId }: { error: unknown; testId?: string }) {
  const info = describeError(error);
  return (
    <div className="inline-error" role="alert" data-testid={testId ?? 'error'}>
      <span>{info.message}</span>
      {info.natsDescription ? <span className="muted-error">({info.natsDescription})</span> : null}
      {info.natsErrCode !== null ? (
        <code className="error-code" data-testid="nats-err-code" title="NATS JetStream error code">
          err_code {info.natsErrCode}
        </code>
      ) : info.code ? (
        <code className="error-code">{info.code}</code>
      ) : null}
    </div>
  );
}
