// "Export packets" (issue 17): the packets of an incident's evidence, of the rows picked in the
// flows grid, or of everything the grid shows, written by the engine to a pcap (under the app's
// exports folder) and, in the browser, handed to the downloads through the one-use ticket route.
// Only flows imported from a pcap/pcapng have packets: in a case with none the button is disabled
// and says why; in a mixed case the engine's answer says how many flows had none.
import { useState } from 'react';
import { createPortal } from 'react-dom';
import type { PacketExportRequest, PacketExportResult } from '../../../../shared/context';
import type { Incident } from '../../../../shared/model';
import type { FlowQuery } from '../../../../shared/query';
import { api, downloadExport, errorText, transport } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtBytes, fmtCount } from '../../util/format';
import './context.css';

/** Formats whose flows carry their packets (the engine exports from these captures only). */
const CAPTURE_FORMATS = ['pcap', 'pcapng'];

export const NO_PACKETS_WHY =
  'No packets to export: the flows of this case came from flow records (NetFlow, IPFIX, Zeek, Argus, CSV), which keep no packets. Import the pcap or pcapng capture itself to export packets.';

/** Whether the open case has flows from a capture (null while asking). */
function useHasCaptures(): boolean | null {
  const info = useAsync(() => api.caseInfo(), []);
  if (!info.value) return info.error ? false : null;
  return info.value.imports.some((i) => CAPTURE_FORMATS.includes(i.format));
}

type Scope = 'incident' | 'picked' | 'view';

interface Props {
  /** What the flows grid shows (filter, evidence, drill, range). */
  query?: FlowQuery;
  /** Flows in `query` (null while counting). */
  flows?: number | null;
  /** Rows picked in the grid. */
  flowIds?: number[];
  /** Export this incident's evidence (the triage panel's button). */
  incident?: Incident;
}

export function ExportPacketsButton(props: Props) {
  const captures = useHasCaptures();
  const [open, setOpen] = useState(false);
  const picked = props.flowIds?.length ?? 0;
  return (
    <>
      <button
        type="button"
        className="export-packets"
        disabled={captures !== true}
        title={
          captures === false
            ? NO_PACKETS_WHY
            : props.incident
              ? 'Write the packets of this incident’s evidence flows to a pcap'
              : picked
                ? `Write the packets of the ${picked} picked flows (or of every flow shown) to a pcap`
                : 'Write the packets of the flows shown to a pcap (Ctrl/Shift+click rows to pick some)'
        }
        onClick={() => setOpen(true)}
      >
        Export packets{picked && !props.incident ? ` (${picked})` : ''}
      </button>
      {/* over the whole page, not inside the pane header that holds the button */}
      {open &&
        createPortal(
          <ExportPacketsDialog {...props} onClose={() => setOpen(false)} />,
          document.body,
        )}
    </>
  );
}

function ExportPacketsDialog({
  query,
  flows,
  flowIds,
  incident,
  onClose,
}: Props & { onClose(): void }) {
  const picked = flowIds?.length ?? 0;
  const [scope, setScope] = useState<Scope>(incident ? 'incident' : picked ? 'picked' : 'view');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<PacketExportResult | null>(null);

  const request = (): PacketExportRequest =>
    scope === 'incident' && incident
      ? { incidentId: incident.key }
      : scope === 'picked' && flowIds?.length
        ? { flowIds }
        : { query: query ?? {} };

  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await api.exportPackets(request());
      setResult(r);
      if (transport === 'http') await downloadExport(r.fileName);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal" role="dialog" aria-label="Export packets">
      <div className="modal-body export-packets-dialog">
        <header className="pane-head">
          <h2>Export packets</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <fieldset>
            <legend>Flows</legend>
            {incident && (
              <label>
                <input
                  type="radio"
                  name="packets-scope"
                  checked={scope === 'incident'}
                  onChange={() => setScope('incident')}
                />{' '}
                Incident #{incident.id} ({incident.type}, {fmtCount(incident.flow_count)} evidence
                flows)
              </label>
            )}
            {!incident && (
              <>
                <label>
                  <input
                    type="radio"
                    name="packets-scope"
                    checked={scope === 'picked'}
                    disabled={!picked}
                    onChange={() => setScope('picked')}
                  />{' '}
                  {picked
                    ? `The ${fmtCount(picked)} picked row${picked === 1 ? '' : 's'}`
                    : 'Picked rows (none: Ctrl/Shift+click rows in the grid)'}
                </label>
                <label>
                  <input
                    type="radio"
                    name="packets-scope"
                    checked={scope === 'view'}
                    onChange={() => setScope('view')}
                  />{' '}
                  Every flow shown{flows != null ? ` (${fmtCount(flows)})` : ''}
                  {query?.filter ? (
                    <>
                      {' '}
                      — filter <code>{query.filter}</code>
                    </>
                  ) : null}
                </label>
              </>
            )}
          </fieldset>
          <p className="muted">
            Packets are read again from the capture files the flows were imported from, matched to
            their flows by 5-tuple and time. Flows from flow records have none.
          </p>
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Exporting…' : 'Export'}
            </button>
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </form>
        {error && <ErrorBox error={error} />}
        {result && (
          <div
            className="export-result"
            role="status"
            data-testid="packets-result"
            data-file={result.fileName}
            data-packets={result.packets}
            data-expected={result.expectedPackets}
          >
            Wrote {fmtCount(result.packets)} packet{result.packets === 1 ? '' : 's'} of{' '}
            {fmtCount(result.captureFlows)} flow{result.captureFlows === 1 ? '' : 's'} (
            {result.container}, {fmtBytes(result.bytes)})
            {result.packets !== result.expectedPackets
              ? `; the flows count ${fmtCount(result.expectedPackets)} packets`
              : ''}
            :
            <div>
              <code>{result.path}</code>
            </div>
            {result.note && <div className="muted">{result.note}</div>}
            {transport === 'http' && (
              <a
                href={`/api/exports/${encodeURIComponent(result.fileName)}`}
                download={result.fileName}
                onClick={(e) => {
                  e.preventDefault(); // the real link takes a one-use ticket (api/http-client.ts)
                  downloadExport(result.fileName).catch((err) => setError(errorText(err)));
                }}
              >
                Download {result.fileName}
              </a>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
