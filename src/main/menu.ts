// The application menu: File (open capture, open case, recent, export), Edit, View, Help.
import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { type NetsiftService } from '../engine/index';
import type { ExportFormat } from '../shared/triage-api';
import { exportPdf } from './export-pdf';

export const CAPTURE_FILTERS = [
  { name: 'Flow captures', extensions: ['csv', 'gz', 'log', 'txt', 'binetflow', 'json', 'ndjson', 'pcap', 'pcapng', 'nfcapd'] },
  { name: 'All files', extensions: ['*'] },
];
export const CASE_FILTERS = [{ name: 'netsift case', extensions: ['duckdb'] }];

export async function buildMenu(service: NetsiftService, win: () => BrowserWindow | null, reload: () => void): Promise<void> {
  const recent = await service.recentCases().catch(() => []);
  const fail = (e: unknown) => dialog.showErrorBox('netsift', e instanceof Error ? e.message : String(e));
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      {
        label: 'Open capture…',
        accelerator: 'CmdOrCtrl+O',
        click: async () => {
          const w = win();
          if (!w) return;
          const r = await dialog.showOpenDialog(w, { properties: ['openFile', 'multiSelections'], filters: CAPTURE_FILTERS });
          // chosen in the dialog: granted, then imported into a new case named after the first file
          if (!r.canceled && r.filePaths.length)
            service.importFiles({ sources: r.filePaths.map((p) => ({ path: service.grant(p) })) }).then(reload, fail);
        },
      },
      {
        label: 'Open case…',
        accelerator: 'CmdOrCtrl+Shift+O',
        click: async () => {
          const w = win();
          if (!w) return;
          const r = await dialog.showOpenDialog(w, { properties: ['openFile'], filters: CASE_FILTERS });
          if (!r.canceled && r.filePaths[0]) service.openCase(service.grant(r.filePaths[0])).then(reload, fail);
        },
      },
      {
        label: 'Open recent',
        submenu: recent.length
          ? recent.map((r) => ({ label: `${r.name}  (${r.path})`, click: () => void service.openCase(r.id).then(reload, fail) }))
          : [{ label: 'No recent cases', enabled: false }],
      },
      { label: 'Open the sample capture', click: () => void service.openSample().then(reload, fail) },
      { type: 'separator' },
      {
        label: 'Export report…',
        click: async () => {
          const info = await service.caseInfo();
          const w = win();
          if (!info || !w) return fail(new Error('open a case first'));
          // every incident of the case; the format follows the chosen extension (PDF printed by Electron)
          const r = await dialog.showSaveDialog(w, {
            defaultPath: `${info.name}-report.html`,
            filters: [{ name: 'Report', extensions: ['html', 'pdf', 'json', 'csv'] }],
          });
          if (r.canceled || !r.filePath) return;
          const format = (r.filePath.split('.').pop() ?? 'html').toLowerCase() as ExportFormat; // checked by the engine
          const written = format === 'pdf' ? exportPdf(service, r.filePath) : service.domains.report.exportTo(r.filePath, { format }).then((x) => x.path);
          await written.then((p) => shell.showItemInFolder(p), fail);
        },
      },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    file,
    { role: 'editMenu' },
    {
      label: 'View',
      // DevTools only in development builds (the window's webPreferences refuse them too)
      submenu: [{ role: 'reload' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    {
      role: 'help',
      submenu: [
        { label: `netsift ${app.getVersion()}`, enabled: false },
        { label: 'Filter language: src ip 10.0.0.5 and dst port in [22 3389]', enabled: false },
        { label: 'Project README', click: () => void shell.openPath(app.getAppPath() + '/README.md') },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
