// RITA-style beacon score from quartiles and MADs. Intervals: symmetric (Bowley skew near 0),
// tight (MAD small against the median) and present over the capture (count score). Sizes:
// symmetric, tight and small. Each part is in [0,1]; the score is the mean of the two means.
import { clamp01 } from '../../kit';

export interface BeaconStats {
  conns: number;
  /** interval quartiles and MAD, seconds */
  d1: number;
  d2: number;
  d3: number;
  dmad: number;
  /** connection size quartiles, MAD and mode, bytes */
  b1: number;
  b2: number;
  b3: number;
  bmad: number;
  bmode: number;
  captureSeconds: number;
}

export interface BeaconScore {
  score: number;
  ts: number;
  ds: number;
  tsSkew: number;
  tsMad: number;
  tsCount: number;
  dsSkew: number;
  dsMad: number;
  dsSmall: number;
}

/** Bowley (quartile) skewness; 0 when the quartiles do not spread. */
export function bowley(q1: number, q2: number, q3: number): number {
  const den = q3 - q1;
  if (den <= 0 || q2 === q1 || q2 === q3) return 0;
  return (q1 + q3 - 2 * q2) / den;
}

/** Sizes above this do not look like a beacon's check-in (RITA uses the same bound). */
export const SMALL_BYTES = 65535;

export function scoreBeacon(s: BeaconStats): BeaconScore {
  const tsSkew = 1 - Math.min(1, Math.abs(bowley(s.d1, s.d2, s.d3)));
  const tsMad = s.d2 > 0 ? clamp01(1 - s.dmad / s.d2) : 0;
  // the beacon's connections cover the capture: count x median interval against its length
  const tsCount = s.captureSeconds > 0 ? clamp01((s.conns * s.d2) / s.captureSeconds) : 0;
  const dsSkew = 1 - Math.min(1, Math.abs(bowley(s.b1, s.b2, s.b3)));
  const dsMad = s.b2 > 0 ? clamp01(1 - s.bmad / s.b2) : 0;
  const dsSmall = clamp01(1 - s.bmode / SMALL_BYTES);
  const ts = (tsSkew + tsMad + tsCount) / 3;
  const ds = (dsSkew + dsMad + dsSmall) / 3;
  return { score: (ts + ds) / 2, ts, ds, tsSkew, tsMad, tsCount, dsSkew, dsMad, dsSmall };
}
