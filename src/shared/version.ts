/** Product version, written into reports and case files. Keep in step with package.json. */
export const NETSIFT_VERSION = '0.1.0';
