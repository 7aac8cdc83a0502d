import { describe, expect, it } from 'vitest';
import { AnsweredCommands } from './answered-commands';

describe('AnsweredCommands', () => {
  it('knows the commands it was told were answered', () => {
    const answered = new AnsweredCommands();
    answered.add('c1');
    expect(answered.has('c1')).toBe(true);
    expect(answered.has('c2')).toBe(false);
  });

  it('keeps only the most recent ones, a command answered again counting as recent', () => {
    const answered = new AnsweredCommands(2);
    answered.add('c1');
    answered.add('c2');
    answered.add('c1');
    answered.add('c3');
    expect(answered.has('c2')).toBe(false);
    expect(answered.has('c1')).toBe(true);
    expect(answered.has('c3')).toBe(true);
  });
});
