import { describe, expect, it } from 'vitest';
import { featureBar, featureText } from './features';

describe('features against thresholds', () => {
  it('writes the comparison the alert fired on', () => {
    expect(featureText({ name: 'ports', value: 412, threshold: 30, direction: 'above' })).toBe(
      'ports 412 > 30',
    );
    expect(featureText({ name: 'jitter', value: 0.031, threshold: 0.1, direction: 'below' })).toBe(
      'jitter 0.03 < 0.1',
    );
    expect(featureText({ name: 'bytes', value: 123456 })).toBe('bytes 123,456');
  });

  it('places value and threshold on one scale', () => {
    expect(featureBar({ name: 'a', value: 15, threshold: 10 })).toEqual({
      value: 0.75,
      threshold: 0.5,
      ratio: 1.5,
      crossed: true,
    });
    // far past the threshold: the value fills the bar and the threshold mark moves left
    expect(featureBar({ name: 'a', value: 400, threshold: 10 })).toMatchObject({
      value: 1,
      threshold: 0.025,
      ratio: 40,
      crossed: true,
    });
    expect(featureBar({ name: 'a', value: 2, threshold: 10, direction: 'below' })).toMatchObject({
      value: 0.1,
      threshold: 0.5,
      ratio: 5,
      crossed: true,
    });
    expect(featureBar({ name: 'a', value: 5, threshold: 10 })).toMatchObject({ crossed: false });
    expect(featureBar({ name: 'a', value: 5 })).toEqual({
      value: 0,
      threshold: null,
      ratio: null,
      crossed: false,
    });
  });
});
