import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './components/theme'; // sets <html data-theme> before the first paint
import { installHistoryGuard } from './features/workspace/nav-history';
import './styles.css';

// ag-grid v33+ ships features as modules; the community set covers the infinite row model.
ModuleRegistry.registerModules([AllCommunityModule]);

// Back never leaves the app (the workspace's selections are history entries of this page)
installHistoryGuard();

createRoot(document.getElementById('root')!).render(<App />);
