import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as the loopback SMTP server received it. */
export interface ReceivedMail {
  to: string[];
  messageId: string;
  subject: string;
  raw: string;
}

/**
 * A real SMTP server on loopback (smtp-server), keeping every mail it accepts. `delayMs` makes it
 * answer each mail that much later, a slow server, so that a test can kill a sender mid-delivery.
 */
export async function startSmtpReceiver(options: { delayMs?: number } = {}): Promise<{
  port: number;
  mails: ReceivedMail[];
  close: () => Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          messageId: /^Message-ID:\s*(.+)$/im.exec(raw)?.[1]?.trim() ?? '',
          subject: decodeSubject(/^Subject:\s*(.+(?:\r?\n[ \t].+)*)$/im.exec(raw)?.[1] ?? ''),
          raw
        });
        setTimeout(callback, options.delayMs ?? 0);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A MIME encoded-word subject (`=?UTF-8?B?...?=`, possibly folded) as text. */
function decodeSubject(value: string): string {
  return value
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
      encoding.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1'
          ).toString('utf8')
    );
}

/** The body's text of a received mail (quoted-printable or base64 decoded, as nodemailer wrote it). */
export function mailText(mail: ReceivedMail): string {
  const [head = '', ...rest] = mail.raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/Content-Transfer-Encoding:\s*base64/i.test(head))
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/Content-Transfer-Encoding:\s*quoted-printable/i.test(head)) {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

export interface WebhookDelivery {
  key: string;
  to: string;
  lang: string;
  subject: string;
  text: string;
  link: string | null;
}

/**
 * A local HTTP receiver that checks each request's signature, as a county's gateway would, and
 * keeps the verified ones. `failNext` makes the next requests answer 500.
 */
export async function startWebhookReceiver(secret: string): Promise<{
  url: string;
  received: WebhookDelivery[];
  rejected: number;
  failNext: (count: number) => void;
  close: () => Promise<void>;
}> {
  const state = { received: [] as WebhookDelivery[], rejected: 0, failing: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(request.headers['x-gongjian-timestamp'] ?? '');
      const given = Buffer.from(String(request.headers['x-gongjian-signature'] ?? ''));
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
      );
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        state.rejected += 1;
        response.writeHead(401).end();
        return;
      }
      if (state.failing > 0) {
        state.failing -= 1;
        response.writeHead(500).end();
        return;
      }
      state.received.push(JSON.parse(body) as WebhookDelivery);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received: state.received,
    get rejected() {
      return state.rejected;
    },
    failNext: (count) => {
      state.failing = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}
