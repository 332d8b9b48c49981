import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';
import { randomBytes } from 'node:crypto';
import { renderSVG } from 'uqr';

/**
 * TOTP (RFC 6238) as every authenticator app expects it: a 20-byte key, 30-second steps and six
 * digits. One step of grace either side forgives a phone whose clock is a little off.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const TOTP_GRACE_STEPS = 1;

export function newTotpKey(): Uint8Array {
  return new Uint8Array(randomBytes(20));
}

/**
 * The time step a code belongs to, or null if it fits none near `now`. The caller stores the
 * step it accepted and refuses any step not after it, so a code seen over a shoulder cannot be
 * used a second time.
 */
export function matchTotpStep(options: { key: Uint8Array; code: string; now: Date }): bigint | null {
  const digits = options.code.replace(/\s/g, '');
  if (!/^[0-9]{6}$/.test(digits)) return null;
  const current = BigInt(Math.floor(options.now.getTime() / 1000 / TOTP_PERIOD_SECONDS));
  for (let offset = -TOTP_GRACE_STEPS; offset <= TOTP_GRACE_STEPS; offset += 1) {
    const step = current + BigInt(offset);
    if (verifyHOTP(options.key, step, TOTP_DIGITS, digits)) return step;
  }
  return null;
}

/** The code an authenticator shows at `now`; for tests and the demo. */
export function totpCodeAt(key: Uint8Array, now: Date): string {
  const step = BigInt(Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS));
  return generateHOTP(key, step, TOTP_DIGITS);
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpKeyUri(options: { issuer: string; accountName: string; key: Uint8Array }): string {
  return createTOTPKeyURI(options.issuer, options.accountName, options.key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The QR code as an SVG document; the page shows it as an image, so the CSP needs no exception. */
export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: 'M', border: 2 });
}

/** The same SVG as a data: URL for an <img>, which the page's CSP (img-src data:) allows. */
export function qrDataUrl(text: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(qrSvg(text)).toString('base64')}`;
}
