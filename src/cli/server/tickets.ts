// Short-lived, single-purpose, single-use tokens for the two URLs a page cannot put a header on:
// the event stream (EventSource) and a report download (a link). The page asks for one with the
// session token in the X-Netsift-Token header (POST /api/ticket), then uses it once in the URL
// within TICKET_MS. A ticket that leaked (history, logs, a Referer) is worth nothing after that,
// and never worth the session: it opens one stream, or downloads one named file.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const TICKET_MS = 60_000;
/** Live tickets at most (the oldest go first): a loop asking for tickets cannot grow memory. */
const MAX_LIVE = 1000;

export type TicketPurpose = 'events' | 'download';

interface Ticket {
  purpose: TicketPurpose;
  /** What it opens: the download's file name ('' for the event stream). */
  subject: string;
  expires: number;
}

export class Tickets {
  private readonly live = new Map<string, Ticket>();

  issue(purpose: TicketPurpose, subject = ''): string {
    this.sweep();
    if (this.live.size >= MAX_LIVE) this.live.delete(this.live.keys().next().value!);
    const id = randomBytes(24).toString('base64url');
    this.live.set(id, { purpose, subject, expires: Date.now() + TICKET_MS });
    return id;
  }

  /** Uses up the ticket; true when it was live and issued for this purpose and subject. */
  take(id: string, purpose: TicketPurpose, subject = ''): boolean {
    this.sweep();
    const t = this.live.get(id);
    if (!t) return false;
    this.live.delete(id);
    return t.purpose === purpose && same(t.subject, subject) && t.expires > Date.now();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, t] of this.live) if (t.expires <= now) this.live.delete(id);
  }
}

export function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
