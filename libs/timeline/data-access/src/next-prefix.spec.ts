import { nextPrefix } from './timeline-entries';

describe('nextPrefix: the upper bound of a type prefix range', () => {
  it('moves the last character up by one code point', () => {
    expect(nextPrefix('deploy.')).toBe('deploy/');
    expect(nextPrefix('a🚀')).toBe('a🚁');
  });

  it('never produces ill-formed text', () => {
    for (const prefix of ['x\u{1F7FF}', 'x\ud7ff', 'x\u{FFFF}']) expect(nextPrefix(prefix)!.isWellFormed()).toBe(true);
    expect(nextPrefix('x\ud7ff')).toBe('x\ue000');
    expect(nextPrefix('x\u{10FFFF}')).toBeNull();
  });
});
