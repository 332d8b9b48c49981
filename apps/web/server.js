// The production server: SvelteKit's adapter-node handler behind a plain Node HTTP server.
//
// It differs from adapter-node's own entry point in four ways that matter to a fund office
// running Gongjian on one machine:
// - it takes the port first, so a port in use is a one-line message, not a stack trace after
//   the database has already started;
// - start-up faults it can explain (a bad DATABASE_URL, an unreachable data folder, an edited
//   migration) are printed as one line saying what to do;
// - on SIGINT/SIGTERM it stops taking requests, lets running ones finish, and only then lets the
//   app close its pool and stop the embedded PostgreSQL;
// - every response, static files and SvelteKit's own refusals included, carries the baseline
//   security headers (security-headers.js), which the hooks alone cannot give them.
import http from 'node:http';
import { FALLBACK_CONTENT_SECURITY_POLICY, baselineHeaders } from './security-headers.js';

const port = parsePort(process.env.PORT ?? '3000');
const host = process.env.HOST ?? '0.0.0.0';

/** @param {string} text */
function parsePort(text) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`gongjian: PORT must be a whole number from 0 to 65535 (it is "${text}").`);
    process.exit(1);
  }
  return value;
}

/** @param {unknown} error */
function oneLine(error) {
  if (error instanceof Error && error.name === 'StartupError') return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

// adapter-node assumes https when ORIGIN is unset, which makes SvelteKit's CSRF check reject
// every form posted to a plain-HTTP server. This server is plain HTTP, so unless ORIGIN says
// otherwise (behind a TLS proxy, set ORIGIN), the protocol is http and the host is whatever
// the visitor typed: localhost, the machine's LAN address or its name.
const PROTOCOL_HEADER = 'x-gongjian-listener-protocol';
const originFromRequest = !process.env.ORIGIN;
if (originFromRequest) process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;

// adapter-node refuses request bodies over BODY_SIZE_LIMIT (512K unless set), which would cut
// off a bank slip or receipt long before the 10 MB the money-in forms accept
// (lib/server/platform/attachments.ts). 11M leaves room for the form's other fields; a deployment may
// still set its own limit.
process.env.BODY_SIZE_LIMIT ??= '11M';

/** @type {((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined} */
let handler;
const server = http.createServer((request, response) => {
  // Set here, never taken from the client.
  if (originFromRequest) request.headers[PROTOCOL_HEADER] = 'http';
  // Set before anyone answers, so that every response has them; an answer that sets its own
  // (a token page's no-referrer from the hooks) replaces them.
  const pathname = (request.url ?? '/').split('?')[0] ?? '/';
  for (const [name, value] of Object.entries(baselineHeaders(pathname))) response.setHeader(name, value);
  response.setHeader('Content-Security-Policy', FALLBACK_CONTENT_SECURITY_POLICY);
  if (handler) return handler(request, response);
  response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '2' });
  response.end('Gongjian is starting.\n');
});

await new Promise((resolve) => {
  server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => {
    if (error.code === 'EADDRINUSE') {
      console.error(
        `gongjian: port ${port} is already in use. Stop the program using it, or start with another port: PORT=3001 npm start`
      );
    } else if (error.code === 'EACCES') {
      console.error(`gongjian: not allowed to listen on port ${port}. Use a port above 1023, for example PORT=3000.`);
    } else {
      console.error(`gongjian: cannot listen on ${host}:${port}: ${error.message}`);
    }
    process.exit(1);
  });
  server.listen({ port, host }, () => resolve(undefined));
});

/** @type {NodeJS.Signals | undefined} */
let signalDuringStartup;
let stopping = false;

/** @param {NodeJS.Signals} signal */
function shutdown(signal) {
  if (stopping) {
    // A second Ctrl+C means "now".
    process.exit(130);
  }
  if (!handler) {
    // Start-up is still running (it may be starting PostgreSQL); stop in order once it is done.
    signalDuringStartup = signal;
    return;
  }
  stopping = true;
  console.log(`gongjian: ${signal} received, finishing requests and stopping`);
  server.closeIdleConnections();
  // If requests are still running after 15 seconds, the process exits anyway.
  setTimeout(() => process.exit(1), 15_000).unref();
  server.close(() => {
    // The app closes its pool and stops the embedded PostgreSQL on this event (as it does under
    // adapter-node's own entry point); the process exits when nothing is left running.
    process.emit(/** @type {'SIGTERM'} */ (/** @type {unknown} */ ('sveltekit:shutdown')), signal);
  });
}
// Registered before anything is printed, so that a signal sent the moment the server says it is
// ready is always handled in order.
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

try {
  // Importing the handler runs the app's init hook: database, migrations, demo seed.
  // The path is a variable so that the type checker does not follow it into the generated build.
  const built = './build/handler.js';
  ({ handler } = /** @type {{ handler: typeof handler }} */ (await import(built)));
} catch (error) {
  console.error(`gongjian: ${oneLine(error)}`);
  server.close();
  process.exit(1);
}

if (signalDuringStartup) {
  shutdown(signalDuringStartup);
} else {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  // The delivery worker's links use it when ORIGIN is unset (lib/server/people/delivery/start.ts).
  process.env.GONGJIAN_LISTENING_ORIGIN = `http://${shownHost}:${actualPort}`;
  console.log(`gongjian: ready at http://${shownHost}:${actualPort}`);
}
