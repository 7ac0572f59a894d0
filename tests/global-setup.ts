// Builds the CLI bundle once per test run: CLI tests spawn the same file `npx netsift` runs,
// and a bundle starts far faster than compiling TypeScript in every child process.
export default async function setup(): Promise<void> {
  // @ts-expect-error: a plain .mjs build script without type declarations
  const { buildCli } = await import('../scripts/build-cli.mjs');
  await buildCli();
}
