// The detectors netsift runs, in order. A plain list: add yours with one import and one entry.
import type { Detector } from './types';
import { basicDetector } from './detectors/basic/index';
import { portActivityDetector } from './detectors/port-activity/index';
import { ipActivityDetector } from './detectors/ip-activity/index';
import { iqrDetector } from './detectors/iqr/index';
import { scanDetector } from './detectors/scan/index';
import { blacklistDetector } from './detectors/blacklist/index';
import { hbosDetector } from './detectors/hbos/index';
import { beaconDetector } from './detectors/beacon/index';
import { exfilDetector } from './detectors/exfil/index';
import { bruteforceDetector } from './detectors/bruteforce/index';
import { floodDetector } from './detectors/flood/index';
import { backgroundDetector } from './detectors/background/index';
import { callbackDetector } from './detectors/callback/index';

// Scan and blacklist first: their incidents are the ones an analyst reads first, and the case
// shows incidents as detectors finish (issue 16: time to the first incident); scan reads the
// per-target table the run's site step has already built, blacklist only the feed ranges.
export const DETECTORS: Detector[] = [
  scanDetector,
  blacklistDetector,
  basicDetector,
  portActivityDetector,
  ipActivityDetector,
  iqrDetector,
  hbosDetector,
  beaconDetector,
  exfilDetector,
  bruteforceDetector,
  floodDetector,
  backgroundDetector,
  callbackDetector,
];
