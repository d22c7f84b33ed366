'use client';

import { useQueryClient } from '@tanstack/react-query';
import type { LiveSample, LiveSamplesEvent, LiveStatusEvent } from '@tern/contracts';
import { useEffect, useRef, useState } from 'react';
import { apiUrl } from '@/api/client';
import { LIVE_RECONNECT_MS } from './timing';

/** State of the live feed as the toggle shows it. */
export type LiveStatus = 'off' | 'connecting' | 'open' | 'error';

/** What a chart wants from the feed; the monitor filters on the union of every chart's interest. */
export interface LiveInterest {
  entities: readonly string[];
  metrics: readonly string[];
}

type SamplesListener = (samples: LiveSample[], dropped: number) => void;
type StatusListener = (status: LiveStatusEvent) => void;

// One EventSource per tab, shared by every live chart, reopened when the set of wanted series
// changes and closed when the last user leaves.
const samplesListeners = new Set<SamplesListener>();
const statusListeners = new Set<StatusListener>();
const connListeners = new Set<(s: LiveStatus) => void>();
const interests = new Map<symbol, LiveInterest>();
let source: EventSource | null = null;
let sourceUrl = '';
let connStatus: LiveStatus = 'off';
let users = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

function setConn(s: LiveStatus) {
  connStatus = s;
  for (const l of connListeners) l(s);
}

/** The feed URL for the current interests: only the entities and metrics some chart shows. */
function wantedUrl(): string {
  const entities = new Set<string>();
  const metrics = new Set<string>();
  for (const i of interests.values()) {
    for (const e of i.entities) entities.add(e);
    for (const m of i.metrics) metrics.add(m);
  }
  return apiUrl('live', { entities: [...entities].sort().join(','), metrics: [...metrics].sort().join(',') });
}

function closeSource() {
  source?.close();
  source = null;
  sourceUrl = '';
}

function open(url: string) {
  closeSource();
  setConn('connecting');
  const es = new EventSource(url, { withCredentials: true });
  source = es;
  sourceUrl = url;
  es.onopen = () => setConn('open');
  es.addEventListener('samples', (ev) => {
    let body: LiveSamplesEvent;
    try {
      body = JSON.parse((ev as MessageEvent<string>).data) as LiveSamplesEvent;
    } catch {
      return;
    }
    for (const l of samplesListeners) l(body.samples ?? [], body.dropped ?? 0);
  });
  es.addEventListener('status', (ev) => {
    try {
      const body = JSON.parse((ev as MessageEvent<string>).data) as LiveStatusEvent;
      for (const l of statusListeners) l(body);
    } catch {
      /* a malformed event is skipped */
    }
  });
  es.onerror = () => {
    setConn('error');
    // EventSource retries by itself unless the server answered with an error status: then it is closed.
    if (es.readyState === EventSource.CLOSED && source === es) {
      closeSource();
      schedule(LIVE_RECONNECT_MS);
    }
  };
}

/** Brings the connection in line with users and interests, coalescing bursts of changes. */
function schedule(delayMs = 50) {
  if (typeof window === 'undefined') return;
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    if (users === 0) {
      closeSource();
      setConn('off');
      return;
    }
    if (interests.size === 0) {
      closeSource();
      setConn('connecting');
      return;
    }
    const url = wantedUrl();
    if (url !== sourceUrl || !source) open(url);
  }, delayMs);
}

/** Keeps the shared live feed open while `enabled`; returns its state. */
export function useLiveFeed(enabled: boolean): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('off');
  useEffect(() => {
    if (!enabled) {
      setStatus('off');
      return;
    }
    users++;
    connListeners.add(setStatus);
    setStatus(connStatus === 'off' ? 'connecting' : connStatus);
    schedule();
    return () => {
      connListeners.delete(setStatus);
      users--;
      schedule();
    };
  }, [enabled]);
  return status;
}

/**
 * Calls `onSamples` with each batch of live samples while `enabled`, and asks the feed for `interest`.
 * The feed itself is opened by `useLiveFeed` (the page's live toggle).
 */
export function useLiveSamples(enabled: boolean, interest: LiveInterest, onSamples: SamplesListener): void {
  const ref = useRef(onSamples);
  ref.current = onSamples;
  const interestKey = JSON.stringify([interest.entities, interest.metrics]);
  useEffect(() => {
    if (!enabled) return;
    const id = Symbol('live-interest');
    const [entities, metrics] = JSON.parse(interestKey) as [string[], string[]];
    interests.set(id, { entities, metrics });
    const l: SamplesListener = (s, d) => ref.current(s, d);
    samplesListeners.add(l);
    schedule();
    return () => {
      interests.delete(id);
      samplesListeners.delete(l);
      schedule();
    };
  }, [enabled, interestKey]);
}

/** Calls `onStatus` when a server goes up or down, while `enabled`. */
export function useLiveStatus(enabled: boolean, onStatus: StatusListener): void {
  const ref = useRef(onStatus);
  ref.current = onStatus;
  useEffect(() => {
    if (!enabled) return;
    const l: StatusListener = (s) => ref.current(s);
    statusListeners.add(l);
    return () => {
      statusListeners.delete(l);
    };
  }, [enabled]);
}

/** Refetches the given queries as soon as the live feed reports a server going up or down. */
export function useRefetchOnStatus(enabled: boolean, queryKeys: ReadonlyArray<readonly unknown[]>): void {
  const qc = useQueryClient();
  useLiveStatus(enabled, () => {
    for (const queryKey of queryKeys) void qc.invalidateQueries({ queryKey });
  });
}
