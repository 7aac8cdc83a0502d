import { describe, expect, it } from 'vitest';
import { sideBySide } from './unified-diff';

describe('sideBySide', () => {
  it('pairs removals with the additions after them and keeps context on both sides', () => {
    const diff = [
      'Index: ofnet', '===================================================================', '--- ofnet', '+++ ofnet',
      '@@ -1,4 +1,5 @@', ' <network>', '-  <a/>', '-  <b/>', '+  <A/>', ' <x/>', '+  <new/>', ' </network>', '',
    ].join('\n');
    expect(sideBySide(diff)).toEqual([
      { kind: 'hunk', header: '@@ -1,4 +1,5 @@' },
      { kind: 'same', left: { number: 1, text: '<network>' }, right: { number: 1, text: '<network>' } },
      { kind: 'changed', left: { number: 2, text: '  <a/>' }, right: { number: 2, text: '  <A/>' } },
      { kind: 'removed', left: { number: 3, text: '  <b/>' } },
      { kind: 'same', left: { number: 4, text: '<x/>' }, right: { number: 3, text: '<x/>' } },
      { kind: 'added', right: { number: 4, text: '  <new/>' } },
      { kind: 'same', left: { number: 5, text: '</network>' }, right: { number: 5, text: '</network>' } },
    ]);
  });
});
