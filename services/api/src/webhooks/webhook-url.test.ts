import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './webhook-url';

describe('checkWebhookUrl', () => {
  it('takes absolute http and https URLs, normalised', () => {
    expect(checkWebhookUrl('https://Hooks.Example.com/nf?x=1')).toBe('https://hooks.example.com/nf?x=1');
    expect(checkWebhookUrl('http://127.0.0.1:8099')).toBe('http://127.0.0.1:8099/');
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', '/relative', 'example.com/x', 'https://u:p@example.com/'])('refuses %s with NF_WEBHOOK_BAD_URL', (url) => {
    expect(() => checkWebhookUrl(url)).toThrow(expect.objectContaining({ code: 'NF_WEBHOOK_BAD_URL' }));
  });

  it('never repeats a password it refuses', () => {
    try { checkWebhookUrl('https://u:secret@example.com/'); } catch (e) { expect(JSON.stringify({ m: (e as Error).message, d: (e as { details?: unknown }).details })).not.toContain('secret'); return; }
    expect.unreachable();
  });
});
