/// <reference types="vite/client" />
import { ModuleRegistry, ValidationModule } from 'ag-grid-community';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { GRID_MODULES } from './components/grid-modules';
import './components/theme'; // sets <html data-theme> before the first paint
import { installHistoryGuard } from './features/workspace/nav-history';
import './styles.css';

ModuleRegistry.registerModules(GRID_MODULES);
// Development only: it names the module a used feature needs, but it is about 100 KB of script
// (minified) that the production page would evaluate before its first paint; a production build
// drops it. Its overlay only for errors: a deprecation warning covering the grid blocks clicks.
if (import.meta.env.DEV)
  ModuleRegistry.registerModules([ValidationModule.with({ showOverlayOn: ['error'] })]);

// Back never leaves the app (the workspace's selections are history entries of this page)
installHistoryGuard();

createRoot(document.getElementById('root')!).render(<App />);
