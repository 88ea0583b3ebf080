import { describe, expect, it } from 'vitest';
import { luminance } from './scheme.js';

describe('luminance', () => {
  it('reads computed rgb() and rgba() colours as WCAG relative luminance', () => {
    expect(luminance('rgb(255, 255, 255)')).toBeCloseTo(1);
    expect(luminance('rgb(0, 0, 0)')).toBe(0);
    expect(luminance('rgb(17, 24, 39)')).toBeCloseTo(0.0092, 4);
    expect(luminance('rgba(11, 16, 32, 0.9)')).toBeLessThan(0.18);
    expect(luminance('rgb(119 119 119 / 80%)')).toBeCloseTo(0.184, 2);
  });

  it('is null for a transparent (or mostly transparent) background and for forms it does not read', () => {
    expect(luminance('rgba(0, 0, 0, 0)')).toBeNull();
    expect(luminance('rgba(255, 255, 255, 0.2)')).toBeNull();
    expect(luminance('transparent')).toBeNull();
    expect(luminance('oklch(0.2 0.02 260)')).toBeNull();
  });
});
