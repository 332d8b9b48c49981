import { parseMigrations, type Migration } from './migrate';

// The SQL files are bundled into the server build, so a deployed build is self-contained and
// always migrates with exactly the schema it was built with.
const files = import.meta.glob<string>('../../../../../../sql/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true
});

export function bundledMigrations(): Migration[] {
  return parseMigrations(
    Object.entries(files).map(([path, text]) => ({ name: path.slice(path.lastIndexOf('/') + 1), text }))
  );
}
