import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  it('match the Standard Webhooks reference example, so its libraries verify them', () => {
    expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'))
      .toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('change with the id, the timestamp, the body and the secret', () => {
    const secret = newWebhookSecret();
    const base = signWebhook(secret, 'id', 1, 'body');
    expect(signWebhook(secret, 'id2', 1, 'body')).not.toBe(base);
    expect(signWebhook(secret, 'id', 2, 'body')).not.toBe(base);
    expect(signWebhook(secret, 'id', 1, 'body ')).not.toBe(base);
    expect(signWebhook(newWebhookSecret(), 'id', 1, 'body')).not.toBe(base);
  });

  it('makes fresh secrets of 24 random bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});
