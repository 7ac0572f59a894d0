// What the page says about a failed call, chosen by the error's code (src/shared/api-error.ts),
// the same whichever door carried it. Where the engine's own message is what the analyst needs
// (it names the file, the line, what to do), it is shown as it is; codes whose message is
// technical or says nothing to act on get a text of their own here.
import { errorCode, type ErrorCode } from '../../../shared/api-error';

const BY_CODE: Partial<Record<ErrorCode, (message: string) => string>> = {
  cancelled: () => 'Cancelled.',
  network: (m) => `netsift cannot be reached (${m}); once it runs again, reload this page.`,
  auth: () =>
    'This page is not signed in to netsift: open the address `netsift serve` printed, which carries its token.',
  'too-large': (m) => `Too large for netsift to accept (${m}).`,
  internal: () =>
    'netsift failed on its side. The details are in its log (the terminal running netsift serve, or the desktop app’s log).',
};

/** The text to show for an error of a call (or any error the page caught). */
export function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = errorCode(e);
  const friendly = code ? BY_CODE[code] : undefined;
  return friendly ? friendly(message) : message;
}
