// What was dropped on the window, as files: a dropped folder stands for every file below it
// (hidden ones skipped). Browsers hand folders over only as FileSystemEntry trees, which must be
// taken from the drop event at once (its items die with it) and read afterwards.

/** The entries of a drop, taken synchronously inside the drop handler. */
export function dropEntries(dt: DataTransfer): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  const files: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) files.push(f);
    }
  }
  if (!entries.length && !files.length) files.push(...Array.from(dt.files ?? []));
  return { entries, files };
}

/** Every file of the entries, folders walked in name order. */
export async function filesOf(entries: FileSystemEntry[]): Promise<File[]> {
  const out: File[] = [];
  const walk = async (e: FileSystemEntry): Promise<void> => {
    if (e.name.startsWith('.')) return;
    if (e.isFile)
      out.push(
        await new Promise<File>((resolve, reject) =>
          (e as FileSystemFileEntry).file(resolve, reject),
        ),
      );
    else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      const all: FileSystemEntry[] = [];
      // readEntries answers in batches (100 in Chromium) until an empty one
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (!batch.length) break;
        all.push(...batch);
      }
      all.sort((a, b) => a.name.localeCompare(b.name));
      for (const c of all) await walk(c);
    }
  };
  for (const e of entries) await walk(e);
  return out;
}
