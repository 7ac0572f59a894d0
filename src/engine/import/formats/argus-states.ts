// Argus state text -> netsift's normalised states. TCP records carry the flags seen each way as
// "SRC_DST" (e.g. S_RA refused, FSPA_FSPA closed, S_ no answer); ra's own words (CON, REQ, INT,
// RST, FIN, ...) cover the other protocols and ra's summarised TCP states.

const WORDS: Record<string, string> = {
  RST: 'reset',
  FIN: 'closed',
  CLO: 'closed',
  CON: 'established',
  ACC: 'established',
  EST: 'established',
  ECR: 'established',
  ECO: 'established', // an echo request with its reply in one record
  RSP: 'established',
  REQ: 'connecting', // request seen, no reply (non-TCP below)
  INT: 'new', // initial: one packet, nothing back
  TIM: 'other',
  STP: 'other',
  NRS: 'other',
  // ICMP unreachable answers: the peer refused
  URP: 'reset',
  URH: 'reset',
  URN: 'reset',
  URF: 'reset',
  URS: 'reset',
  URO: 'reset',
  URHU: 'reset',
};

/** TypeScript mapping, used by tests and by the SQL builder below. */
export function argusState(raw: string | null, proto: string): string {
  if (!raw) return 'other';
  const s = raw.trim().toUpperCase();
  if (s.includes('_')) {
    const [src, dst = ''] = s.split('_');
    const all = src + dst;
    if (all.includes('R')) return 'reset';
    if (src.includes('F') && dst.includes('F')) return 'closed';
    if (all.includes('F')) return 'closing';
    if (dst === '') return src.includes('S') ? 'connecting' : 'other';
    return 'established';
  }
  const w = WORDS[s];
  if (!w) return 'other';
  if (proto !== 'tcp' && (s === 'REQ' || s === 'INT')) return 'new';
  if (proto === 'tcp' && s === 'INT') return 'connecting';
  return w;
}

/** The same mapping in SQL over a state expression `st` (upper-cased, trimmed) and proto `p`. */
export function argusStateSql(st: string, p: string): string {
  const arms = Object.entries(WORDS)
    .map(([k, v]) => `WHEN '${k}' THEN '${v}'`)
    .join(' ');
  return `CASE
    WHEN ${st} IS NULL THEN 'other'
    WHEN contains(${st}, '_') THEN (CASE
      WHEN contains(${st}, 'R') THEN 'reset'
      WHEN contains(split_part(${st}, '_', 1), 'F') AND contains(split_part(${st}, '_', 2), 'F') THEN 'closed'
      WHEN contains(${st}, 'F') THEN 'closing'
      WHEN split_part(${st}, '_', 2) = '' THEN (CASE WHEN contains(${st}, 'S') THEN 'connecting' ELSE 'other' END)
      ELSE 'established' END)
    WHEN ${p} <> 'tcp' AND ${st} IN ('REQ', 'INT') THEN 'new'
    WHEN ${p} = 'tcp' AND ${st} = 'INT' THEN 'connecting'
    ELSE (CASE ${st} ${arms} ELSE 'other' END) END`;
}
