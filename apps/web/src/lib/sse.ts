// Server-sent events over fetch rather than EventSource: fetch sees the status code, so the page
// can tell "this server has no live feed" (404) and "signed out" (401) from a dropped connection.

import { requestHeaders, toApiError } from '../api/client';

export interface SseEvent {
  /** `message` when the server named none. */
  event: string;
  data: string;
  id?: string;
}

/** Incremental parser of a text/event-stream (https://html.spec.whatwg.org/#event-stream-interpretation). */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  /** Feeds a chunk of text; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone CR at the very end may be half of a CRLF still to come.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line, out);
    }
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) {
        out.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      }
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }
}

export interface SseHandlers {
  onOpen?(): void;
  onEvent(event: SseEvent): void;
}

/**
 * Opens `url` and delivers its events until the stream ends or `signal` aborts (after a drop, pass
 * the last event id seen). Rejects with an
 * ApiError for an error status (404: no such feed on this server), or the network error.
 */
export async function readSse(
  url: string,
  handlers: SseHandlers,
  signal: AbortSignal,
  lastEventId?: string,
): Promise<void> {
  const headers: Record<string, string> = {
    ...requestHeaders('GET', undefined),
    accept: 'text/event-stream',
  };
  // As EventSource does: the server resends what a reconnecting client missed.
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const res = await fetch(url, {
    credentials: 'same-origin',
    headers,
    signal,
    cache: 'no-store',
  });
  if (!res.ok) throw await toApiError(res);
  if (!res.body) throw new Error('the live feed sent no body');
  handlers.onOpen?.();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const event of parser.push(value)) handlers.onEvent(event);
    }
  } finally {
    reader.releaseLock();
  }
}
