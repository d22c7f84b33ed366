'use client';

import type { MessageHeader, PayloadKind } from '@tern/contracts';
import { useEffect, useMemo, useState } from 'react';
import { JsonTree } from './JsonTree';
import {
  base64ToBytes,
  bytesToText,
  hexDump,
  initialView,
  PAYLOAD_VIEWS,
  type PayloadView,
  parseJson,
  rememberedView,
  rememberView,
} from './payloadView';

const LABELS: Record<PayloadView, string> = { text: 'Text', json: 'JSON', hex: 'Hex', base64: 'Base64' };

/** A payload as text, JSON tree, hex dump or base64, with the choice remembered across messages. */
export function PayloadViewer({ payload, kind }: { payload: string; kind: PayloadKind }) {
  const [view, setView] = useState<PayloadView>(() => initialView(kind, null));
  useEffect(() => setView(initialView(kind, rememberedView())), [kind]);
  const bytes = useMemo(() => base64ToBytes(payload), [payload]);
  const text = useMemo(() => bytesToText(bytes), [bytes]);
  const json = useMemo(() => (view === 'json' ? parseJson(text) : null), [view, text]);
  const choose = (v: PayloadView) => {
    setView(v);
    rememberView(v);
  };
  return (
    <div className="payload">
      <div className="segmented" role="tablist" aria-label="Payload view">
        {PAYLOAD_VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={`segment${view === v ? ' active' : ''}`}
            onClick={() => choose(v)}
            data-testid={`payload-view-${v}`}
          >
            {LABELS[v]}
          </button>
        ))}
      </div>
      <div className="payload-body" data-testid="payload-body" data-view={view}>
        {bytes.length === 0 ? (
          <span className="muted">(empty payload)</span>
        ) : view === 'text' ? (
          <pre className="payload-pre">{text}</pre>
        ) : view === 'hex' ? (
          <pre className="payload-pre payload-hex">{hexDump(bytes)}</pre>
        ) : view === 'base64' ? (
          <pre className="payload-pre payload-wrap">{payload}</pre>
        ) : json?.ok ? (
          <div className="json-tree mono">
            <JsonTree value={json.value} />
          </div>
        ) : (
          <div>
            <div className="inline-error">Not valid JSON: {json?.error}</div>
            <pre className="payload-pre">{text}</pre>
          </div>
        )}
      </div>
    </div>
  );
}

/** Header lines in order; repeated keys stay separate lines. */
export function HeadersTable({ headers }: { headers: MessageHeader[] }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
    <table className="table msg-headers" data-testid="message-headers">
      <tbody>
        {headers.map(([k, v], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: header lines may repeat exactly; position is their identity
          <tr key={i}>
            <td className="mono nowrap">{k}</td>
            <td className="mono msg-header-value">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
