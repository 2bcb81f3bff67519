import { describe, expect, it } from 'vitest';
import { clip, displayWidth } from '../../src/render/term.js';

describe('clip', () => {
  it('leaves text that fits alone', () => {
    expect(clip('polite · Polite', 20)).toBe('polite · Polite');
    expect(clip('服务语言礼貌', 12)).toBe('服务语言礼貌');
  });

  it('cuts to the display width with an ellipsis, counting CJK characters as two columns', () => {
    const ascii = clip('no_forbidden · No forbidden phrases; the customer was not brushed off', 30);
    expect(ascii).toBe('no_forbidden · No forbidden p…');
    expect(displayWidth(ascii)).toBe(30);
    const cjk = clip('未使用禁止用语，未敷衍、推诿客户', 11);
    expect(cjk).toBe('未使用禁止…');
    expect(displayWidth(cjk)).toBeLessThanOrEqual(11);
  });
});
