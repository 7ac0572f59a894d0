import { describe, expect, it } from 'vitest';
import { applyCompletion, completions } from './completion';

describe('filter completion', () => {
  it('completes keywords from the word at the cursor', () => {
    expect(completions('src p', 5)).toEqual({
      from: 4,
      to: 5,
      items: ['packets', 'pkts', 'port', 'pps', 'proto', 'public'],
    });
    expect(completions('dur', 3)?.items).toEqual(['duration']);
    expect(completions('fl', 2)?.items).toEqual(['flags']);
    expect(completions('(pro', 4)?.items).toEqual(['proto']);
  });

  it('offers the values a keyword takes', () => {
    expect(completions('proto ', 6)?.items).toEqual(['tcp', 'udp', 'icmp', 'icmp6']);
    expect(completions('state in [reset c', 17)?.items).toEqual([
      'connecting',
      'closing',
      'closed',
    ]);
    expect(completions('proto u', 7)).toEqual({ from: 6, to: 7, items: ['udp'] });
  });

  it('stays quiet where there is nothing to complete', () => {
    expect(completions('', 0)).toBeNull();
    expect(completions('src ip 10.0.0.5', 15)).toBeNull();
    expect(completions('port', 4)).toBeNull(); // already a whole keyword
    expect(completions('label "ab', 9)).toBeNull();
  });

  it('replaces the word and puts the cursor after a space', () => {
    const c = completions('src po and proto tcp', 6)!;
    expect(applyCompletion('src po and proto tcp', c, 'port')).toEqual({
      text: 'src port and proto tcp',
      cursor: 9,
    });
    const d = completions('dur', 3)!;
    expect(applyCompletion('dur', d, 'duration')).toEqual({ text: 'duration ', cursor: 9 });
  });
});
