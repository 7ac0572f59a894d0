// Sequence numbers, to see export datagrams that never arrived. The standards differ (v5 numbers
// flows before the datagram, v9 export packets, IPFIX data records before the message) and
// exporters differ from the standards (softflowd numbers IPFIX and v9 records *after* the message,
// without its options records). So the tracker keeps every numbering the exporter's datagrams are
// consistent with, and counts a gap only when none explains the next number.

type Mode = 'packets' | 'before-records' | 'before-data' | 'after-records' | 'after-data';

interface Prev {
  seq: number;
  /** data records, options data records included */
  records: number;
  /** flow data records only */
  data: number;
  countable: boolean;
}

export class SequenceTracker {
  private modes: Mode[];
  private prev: Prev | null = null;
  gaps = 0;
  /** records the numbering says were sent and never arrived (not known for packet numbering) */
  missing = 0;
  /** datagrams the numbering says never arrived (packet numbering: NetFlow v9 as RFC 3954 says) */
  missingDatagrams = 0;

  constructor(version: 5 | 9 | 10) {
    this.modes =
      version === 5
        ? ['before-records']
        : version === 9
          ? ['packets', 'before-records', 'before-data', 'after-records', 'after-data']
          : ['before-records', 'before-data', 'after-records', 'after-data'];
  }

  /** One datagram: its sequence number and record counts (countable: no set of unknown template). */
  check(seq: number, records: number, data: number, countable: boolean): void {
    const prev = this.prev;
    this.prev = { seq, records, data, countable };
    if (!prev) return;
    const expected = (m: Mode): number | null => {
      if (m === 'packets') return (prev.seq + 1) >>> 0;
      if (m.startsWith('before') && !prev.countable) return null;
      if (m.startsWith('after') && !countable) return null;
      const n =
        m === 'before-records'
          ? prev.records
          : m === 'before-data'
            ? prev.data
            : m === 'after-records'
              ? records
              : data;
      return (prev.seq + n) >>> 0;
    };
    const known = this.modes.filter((m) => expected(m) !== null);
    if (known.length === 0) return;
    const matching = known.filter((m) => expected(m) === seq);
    if (matching.length) {
      // forget numberings this datagram contradicts (those that could not be checked stay)
      this.modes = this.modes.filter((m) => matching.includes(m) || expected(m) === null);
      return;
    }
    this.gaps++;
    const m = known[0];
    const missing = (seq - expected(m)!) >>> 0;
    if (missing >= 2 ** 31) return; // the number went back: a restart or reordering, nothing known lost
    if (m === 'packets') this.missingDatagrams += missing;
    else this.missing += missing;
  }
}
