import { configuredOrigin } from '../../platform/config';

/**
 * What the delivery worker reads from the environment. A channel without its settings is "not
 * configured": its messages wait in the outbox (status queued) until it is, and the account page
 * says so.
 */
export interface DeliveryConfig {
  smtp: { url: string; from: string } | null;
  webhook: { url: string; secret: string } | null;
  /**
   * The public origin for the links in messages: `ORIGIN`, or else the fallback the server passes
   * in, asked at each send because the listening port is known only once the server listens.
   */
  origin: () => string;
  /** Attempts before a message is given up as failed. */
  maxAttempts: number;
  /** The slow poll that backs up LISTEN/NOTIFY, in milliseconds. */
  pollMs: number;
  /** The first retry's delay; each further retry doubles it. */
  backoffMs: number;
}

export function readDeliveryConfig(
  env: Record<string, string | undefined>,
  fallbackOrigin: () => string
): DeliveryConfig {
  const configured = configuredOrigin(env.ORIGIN);
  const smtpUrl = env.SMTP_URL?.trim();
  const webhookUrl = env.WEBHOOK_URL?.trim();
  const webhookSecret = env.WEBHOOK_SECRET?.trim();
  return {
    smtp:
      smtpUrl && /^smtps?:\/\//.test(smtpUrl)
        ? { url: smtpUrl, from: env.SMTP_FROM?.trim() || 'gongjian@localhost' }
        : null,
    webhook:
      webhookUrl && /^https?:\/\//.test(webhookUrl) && webhookSecret
        ? { url: webhookUrl, secret: webhookSecret }
        : null,
    origin: configured === undefined ? fallbackOrigin : () => configured,
    maxAttempts: boundedInteger(env.GONGJIAN_DELIVERY_ATTEMPTS, 8, 1, 50),
    pollMs: boundedInteger(env.GONGJIAN_DELIVERY_POLL_MS, 30_000, 50, 600_000),
    backoffMs: boundedInteger(env.GONGJIAN_DELIVERY_BACKOFF_MS, 30_000, 10, 3_600_000)
  };
}

function boundedInteger(text: string | undefined, fallback: number, min: number, max: number): number {
  const value = Number(text?.trim());
  return text !== undefined && text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : fallback;
}

/** Whether each channel can send now, for the account page. */
export function channelsAvailable(config: Pick<DeliveryConfig, 'smtp' | 'webhook'>): {
  email: boolean;
  webhook: boolean;
} {
  return { email: config.smtp !== null, webhook: config.webhook !== null };
}
