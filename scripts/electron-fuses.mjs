// Sets Electron's fuses in a packaged netsift (issue 15): switches compiled into the Electron
// binary that no environment variable or command-line flag can turn back on.
// - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node.js that runs any script;
// - NODE_OPTIONS and --inspect/--inspect-brk ignored: nothing injects code or opens a debugger port;
// - embedded asar integrity checked, and the app loaded only from app.asar: a changed or added
//   app folder next to it is refused;
// - cookies encrypted at rest; file:// gets no extra privileges (the renderer is served over the
//   app's own netsift:// protocol, src/main/app-protocol.ts).
// Run it on the packaged binary after packaging (it edits the binary in place; code signing, where
// there is one, comes after it):
//   node scripts/electron-fuses.mjs <path to the packaged netsift binary, or netsift.app on macOS>
// or name it as electron-builder's afterPack hook (`"afterPack": "scripts/electron-fuses.mjs"`).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

export const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** Flips the fuses of the Electron binary (or macOS .app) at `binary`. */
export async function setFuses(binary) {
  await flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature: process.platform === 'darwin' });
}

/** electron-builder's afterPack hook: the packaged binary of the platform just built. */
export default async function afterPack(context) {
  const name = context.packager.appInfo.productFilename;
  const binary =
    context.electronPlatformName === 'darwin'
      ? path.join(context.appOutDir, `${name}.app`)
      : path.join(
          context.appOutDir,
          context.electronPlatformName === 'win32'
            ? `${name}.exe`
            : (context.packager.executableName ?? name),
        );
  await setFuses(binary);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const binary = process.argv[2];
  if (!binary) {
    process.stderr.write(
      'usage: node scripts/electron-fuses.mjs <packaged Electron binary or .app>\n',
    );
    process.exit(2);
  }
  try {
    await setFuses(path.resolve(binary));
    process.stdout.write(`fuses set in ${binary}\n`);
  } catch (e) {
    process.stderr.write(`electron-fuses: ${binary}: ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  }
}
