// The one bridge between renderer and main: exposes only the contract's methods.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('netsift', {});
