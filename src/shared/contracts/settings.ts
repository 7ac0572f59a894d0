// contract: settings. Renderer state kept in the case, and the app's own settings.
// Implemented by src/engine/service/settings-service.ts.
import type { FlowSelector } from '../model';
import type { TriageStatus } from '../triage';
import { methodsOf } from './method-list';

/** Renderer state saved in the case so it reopens as it was left. */
export interface UiState {
  selectedIncidentId?: number | null;
  /** The selected incident's stable key (ids are renumbered by each detection run). */
  selectedIncidentKey?: string | null;
  /** The alert drilled to within the selected incident (its id in the latest run). */
  selectedAlertId?: number | null;
  /** A narrowing picked on a chart or the graph (a host, a port, a pair), shown as a chip. */
  drill?: { label: string; selector: FlowSelector } | null;
  filter?: string;
  filterHistory?: string[];
  range?: { from: string; to: string } | null;
  tab?: string;
  /** Pane sizes in CSS pixels, as the analyst dragged them. */
  panes?: PaneSizes;
  /** Columns the analyst hid, per grid ('incidents', 'alerts', 'flows'). */
  hiddenColumns?: Record<string, string[]>;
  /** Triage statuses the incident list shows (absent: all but closed and false positives). */
  statuses?: TriageStatus[];
}

/** The workspace's resizable panes (see src/renderer/src/features/workspace/layout.ts). */
export interface PaneSizes {
  left?: number;
  right?: number;
  timeline?: number;
  incidents?: number;
  alerts?: number;
}

export interface AppSettings {
  /** Last window bounds (Electron). */
  window?: { width: number; height: number; x?: number; y?: number };
  sampleOpened?: boolean;
  /** Cap on everything kept under NETSIFT_HOME/uploads (bytes); 16 GiB when absent. */
  uploadLimitBytes?: number;
}

export interface SettingsApi {
  uiState(): Promise<UiState>;
  saveUiState(state: UiState): Promise<void>;
  appSettings(): Promise<AppSettings>;
}

export const SETTINGS_METHODS = methodsOf<SettingsApi>()(['uiState', 'saveUiState', 'appSettings']);
