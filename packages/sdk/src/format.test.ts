import { describe, expect, it } from 'vitest';
import { formatCount, formatCountdown, formatFen, priceLabel } from './format.js';

describe('display formats', () => {
  it('S-ROOM-2: prices in fen are shown exactly: fixed, range, discount', () => {
    expect(formatFen(1100)).toBe('¥11.00');
    expect(formatFen(5990)).toBe('¥59.90');
    expect(formatFen(1)).toBe('¥0.01');
    expect(formatFen(123456789)).toBe('¥1234567.89');
    expect(priceLabel({ price_type: 1, price: 1100, price2: 0 })).toEqual({ now: '¥11.00' });
    expect(priceLabel({ price_type: 2, price: 3900, price2: 5990 })).toEqual({ now: '¥39.00–¥59.90' });
    expect(priceLabel({ price_type: 3, price: 19900, price2: 12900 })).toEqual({ now: '¥129.00', was: '¥199.00' });
  });

  it('counts and countdowns', () => {
    expect(formatCount(9999)).toBe('9999');
    expect(formatCount(12345)).toBe('1.2万');
    expect(formatCount(3_000_000)).toBe('300万');
    expect(formatCountdown(65_000)).toBe('01:05');
    expect(formatCountdown(3_723_000)).toBe('01:02:03');
    expect(formatCountdown(90_061_000)).toBe('1天 01:01:01');
    expect(formatCountdown(-5)).toBe('00:00');
  });
});
