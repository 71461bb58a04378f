import { useEffect, useRef } from 'react';
import type { StreamEvent } from '../api/types';

/**
 * One EventSource on `/v1/stream` for the whole console. Listeners get each `referral` event,
 * and `null` after a reconnect (events may have been missed: refetch what is shown). No polling:
 * EventSource reconnects by itself.
 */
type Listener = (event: StreamEvent | null) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let hadError = false;

function open(): void {
  if (source !== null || typeof EventSource === 'undefined') return;
  source = new EventSource('/v1/stream', { withCredentials: true });
  source.addEventListener('referral', (message: MessageEvent<string>) => {
    let event: StreamEvent;
    try {
      event = JSON.parse(message.data) as StreamEvent;
    } catch {
      return;
    }
    for (const listener of listeners) listener(event);
  });
  source.addEventListener('error', () => {
    hadError = true;
  });
  source.addEventListener('open', () => {
    if (!hadError) return;
    hadError = false;
    for (const listener of listeners) listener(null);
  });
}

/** Closes the stream (on sign-out). */
export function closeStream(): void {
  source?.close();
  source = null;
}

/** Calls `onEvent` for every stream event (and `null` after a reconnect) while mounted. */
export function useStream(onEvent: Listener): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    const listener: Listener = (event) => {
      latest.current(event);
    };
    listeners.add(listener);
    open();
    return () => {
      listeners.delete(listener);
    };
  }, []);
}
