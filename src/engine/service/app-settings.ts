// The app's own settings (window bounds, first run, the uploads cap): one JSON file in the
// service's home folder, shared by every case.
import path from 'node:path';
import type { AppSettings } from '../../shared/api';
import { readJson, serviceHome, writeJson } from '../core/home';

function settingsFile(): string {
  return path.join(serviceHome(), 'app-settings.json');
}

export function readAppSettings(): AppSettings {
  return readJson<AppSettings>(settingsFile(), {});
}

/** Merges `s` into the stored settings. */
export function saveAppSettings(s: AppSettings): void {
  writeJson(settingsFile(), { ...readAppSettings(), ...s });
}
