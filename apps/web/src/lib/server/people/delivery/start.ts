import type { Sql } from '../../db/client';
import { readDeliveryConfig } from './config';
import { startDeliveryWorker, type DeliveryWorker } from './worker';

let running: DeliveryWorker | undefined;

/**
 * Starts this process's delivery worker, once, from the server's init hook (never in a unit test,
 * which loads no hooks). `GONGJIAN_DELIVERY=off` leaves it out, for a process that should only
 * serve pages. It stops on adapter-node's graceful shutdown.
 */
export function startDelivery(sql: Sql, env: Record<string, string | undefined>, log: (line: string) => void): void {
  if (running || ['0', 'off', 'false', 'no'].includes((env.GONGJIAN_DELIVERY ?? '').trim().toLowerCase())) return;
  // Without ORIGIN, links use the address apps/web/server.js reports once it listens.
  const port = env.PORT?.trim() || '3000';
  const config = readDeliveryConfig(env, () => process.env.GONGJIAN_LISTENING_ORIGIN ?? `http://localhost:${port}`);
  const host = env.ORIGIN ? new URL(config.origin()).hostname : 'gongjian.localhost';
  const worker = startDeliveryWorker(sql, config, { log, host });
  running = worker;
  log(
    `delivery: e-mail ${config.smtp ? 'configured' : 'not configured'}, webhook ${config.webhook ? 'configured' : 'not configured'}`
  );
  process.once('sveltekit:shutdown', () => {
    running = undefined;
    worker.stop().catch((error: unknown) => console.error('gongjian: error while stopping delivery', error));
  });
}
