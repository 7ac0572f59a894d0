// The format registry: a plain list. Add your importer here (one line); the pipeline picks the
// highest sniff score, and `--format <id>` selects one by id.
import type { FormatImporter } from '../types';
import { csvMappedFormat } from './csv-mapped';
import { seedFormat } from './seed';
import { pcapFormat } from './pcap/pcap-format';
import { zeekCsvFormat, zeekJsonFormat, zeekTsvFormat } from './zeek';
import { argusFormat } from './argus';
import { cicflowmeterFormat } from './cicflowmeter';
import { nfdumpCsvFormat } from './nfdump';
import { nfcapdFormat } from './nfdump-capture';

export const FORMATS: FormatImporter[] = [seedFormat, csvMappedFormat];
// issue 5 formats (Zeek, Argus, nfdump, CICFlowMeter, pcap)
FORMATS.push(
  zeekTsvFormat,
  zeekJsonFormat,
  zeekCsvFormat,
  argusFormat,
  nfdumpCsvFormat,
  nfcapdFormat,
  cicflowmeterFormat,
  pcapFormat,
);
