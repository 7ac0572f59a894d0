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

export const DETECTORS: Detector[] = [
  basicDetector,
  portActivityDetector,
  ipActivityDetector,
  iqrDetector,
  scanDetector,
  blacklistDetector,
  hbosDetector,
  beaconDetector,
  exfilDetector,
  bruteforceDetector,
  floodDetector,
  backgroundDetector,
  callbackDetector,
];
