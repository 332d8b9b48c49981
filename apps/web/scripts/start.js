// `npm start`: builds if needed, then runs the server (which starts or connects to PostgreSQL,
// migrates and seeds before it takes requests).
import { buildIfStale } from './build-if-stale.js';

try {
  buildIfStale({ log: (line) => console.log(`gongjian: ${line}`) });
} catch (error) {
  console.error(`gongjian: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
await import('../server.js');
