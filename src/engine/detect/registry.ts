// The detectors netsift runs, in order. A plain list: add yours with one import and one entry.
import type { Detector } from './types';
import { basicDetector } from './basic/index';
import { portActivityDetector } from './port-activity/index';
import { ipActivityDetector } from './ip-activity/index';
import { iqrDetector } from './iqr/index';
import { scanDetector } from './scan/index';
import { blacklistDetector } from './blacklist/index';
import { hbosDetector } from './hbos/index';
import { beaconDetector } from './beacon/index';
import { exfilDetector } from './exfil/index';
import { bruteforceDetector } from './bruteforce/index';
import { floodDetector } from './flood/index';
import { backgroundDetector } from './background/index';
import { callbackDetector } from './callback/index';

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
