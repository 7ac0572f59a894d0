// What the import dialog starts from: files picked or dropped in the browser (they are uploaded),
// or paths the desktop app granted (native dialog, drop).
export type ImportDraft = { files: File[] } | { paths: string[] };
