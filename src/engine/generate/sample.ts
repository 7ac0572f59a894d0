// The bundled sample capture: the generator's defaults, gzip-compressed in resources/sample/
// (flows and per-flow labels gzipped; incidents and benign look-alikes as plain CSV).
export const SAMPLE_FILE = 'resources/sample/netsift-sample.csv.gz';
