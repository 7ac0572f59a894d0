// contract: settings (src/shared/contracts/settings.ts). The renderer's state kept in the case
// (so it reopens as it was left) and the app's own settings.
import type { AppSettings, UiState } from '../../shared/api';
import type { SettingsApi } from '../../shared/contracts/settings';
import { readAppSettings } from './app-settings';
import type { CaseSession } from './case-session';

const UI_STATE_KEY = 'ui_state';

export class SettingsService implements SettingsApi {
  constructor(private readonly s: CaseSession) {}

  async uiState(): Promise<UiState> {
    const store = this.s.store;
    if (!store) return {};
    return store.getSetting<UiState>(UI_STATE_KEY, {});
  }

  async saveUiState(state: UiState): Promise<void> {
    const store = this.s.store;
    if (!store || store.readOnly) return;
    await store.setSetting(UI_STATE_KEY, state);
  }

  async appSettings(): Promise<AppSettings> {
    return readAppSettings();
  }
}
