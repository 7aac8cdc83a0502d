import { NetfleetError } from '@netfleet/errors/netfleet-error';

/** A receiver's URL: absolute http(s), no credentials in it (the signature authenticates). */
export function checkWebhookUrl(value: string): string {
  const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new NetfleetError('NF_WEBHOOK_BAD_URL', { problem: `'${shown}' is not an absolute URL`, url: shown });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NetfleetError('NF_WEBHOOK_BAD_URL', { problem: `a webhook URL must be http:// or https://, not ${url.protocol}//`, url: shown });
  }
  if (url.username || url.password) {
    throw new NetfleetError('NF_WEBHOOK_BAD_URL', { problem: 'a webhook URL may not carry a user name or password (they would be shown in webhook-list; the receiver verifies the webhook-signature header instead)', url: `${url.protocol}//…@${url.host}` });
  }
  return url.href;
}
