import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { DeliveryConfig } from './config';

/** One message as the channels send it. */
export interface OutgoingMessage {
  key: string;
  channel: 'email' | 'webhook';
  to: string;
  lang: 'zh-CN' | 'en';
  subject: string;
  text: string;
  link: string | null;
  at: Date;
}

export interface Sender {
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

const SEND_TIMEOUT_MS = 15_000;

/**
 * E-mail over SMTP through nodemailer. The message key becomes the Message-ID, so a receiver that
 * gets a message twice (the process died between sending and marking it sent) can drop the repeat.
 */
export function smtpSender(smtp: NonNullable<DeliveryConfig['smtp']>, host: string): Sender {
  const transport = nodemailer.createTransport({
    url: smtp.url,
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS
  });
  return {
    async send(message) {
      await transport.sendMail({
        from: smtp.from,
        to: message.to,
        subject: message.subject,
        text: message.link === null ? message.text : `${message.text}\n\n${message.link}`,
        messageId: `<${message.key}@${host}>`,
        headers: { 'X-Gongjian-Key': message.key, 'Content-Language': message.lang },
        date: message.at
      });
    },
    close() {
      transport.close();
    }
  };
}

/** The signature header's value: HMAC-SHA256 over `<timestamp>.<raw body>`, hex. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * A signed JSON POST, for a county's SMS gateway or WeChat service account. The timestamp is in
 * the signed text, so a captured request cannot be replayed later with a fresh date; anything but
 * a 2xx answer (or no answer in time) is a failure the worker retries.
 */
export function webhookSender(webhook: NonNullable<DeliveryConfig['webhook']>): Sender {
  return {
    async send(message) {
      const body = JSON.stringify({
        key: message.key,
        to: message.to,
        channel: message.channel,
        lang: message.lang,
        subject: message.subject,
        text: message.text,
        link: message.link,
        at: message.at.toISOString()
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Gongjian-Key': message.key,
          'X-Gongjian-Timestamp': timestamp,
          'X-Gongjian-Signature': webhookSignature(webhook.secret, timestamp, body)
        },
        body,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS)
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
    },
    close() {}
  };
}
