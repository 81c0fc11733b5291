import { describe, expect, it } from 'vitest';
import { roomFormProblems } from './room-form.js';

const NOW = 1_800_000_000;
const good = {
  name: '春季新品直播',
  anchorName: '主播小李',
  coverImg: 'm1',
  shareImg: 'm2',
  startTime: NOW + 600,
  endTime: NOW + 600 + 3600,
};

describe('roomFormProblems', () => {
  it('a good form has no problems', () => {
    expect(roomFormProblems(good, NOW)).toEqual({});
  });

  it('every problem at once, in a merchant\u2019s words (no "units")', () => {
    const p = roomFormProblems({ name: '直播', anchorName: '', startTime: NOW - 3600, endTime: NOW - 3000 }, NOW);
    expect(Object.keys(p).sort()).toEqual(['anchorName', 'coverImg', 'endTime', 'name', 'shareImg', 'startTime']);
    expect(p.name).toBe(
      'Use 3–17 Chinese characters, or 6–34 letters and digits (a Chinese character counts as 2). This one counts as 4: too short.',
    );
    expect(p.anchorName).toBe('Enter the anchor’s name');
    expect(p.startTime).toBe('The start is in the past: choose a time from now on');
    expect(p.endTime).toBe('End at least 30 minutes after the start');
    for (const m of Object.values(p)) expect(m).not.toMatch(/units/);
  });

  it('mixed scripts count a Chinese character as 2: 17 Chinese characters pass, 18 do not; 34 letters pass', () => {
    expect(roomFormProblems({ ...good, name: '一'.repeat(17) }, NOW).name).toBeUndefined();
    expect(roomFormProblems({ ...good, name: '一'.repeat(18) }, NOW).name).toMatch(/counts as 36: too long/);
    expect(roomFormProblems({ ...good, name: 'a'.repeat(34) }, NOW).name).toBeUndefined();
    expect(roomFormProblems({ ...good, endTime: good.startTime + 25 * 3600 }, NOW).endTime).toBe('End at most 24 hours after the start');
    expect(roomFormProblems({ ...good, startTime: 'soon' }, NOW).startTime).toBe('Not a valid date and time');
  });
});
