import { it } from 'vitest';
import { describeDevice } from '../../src/server/device';
it('x', () => {
  const uas = [
    'A'.repeat(300) + '/' + 'B'.repeat(300) + ' tail',
    'Evil\u0085\u009bName/1.0 x',
    'Mozilla/5.0 (Linux; Android 14; ' + 'M'.repeat(2000) + ')',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/' + '1'.repeat(500) + '.0 Safari/537.36',
  ];
  for (const ua of uas) { const d = describeDevice(undefined, ua); console.log(JSON.stringify(d).slice(0,400), d.browserName.length, d.model.length, d.osVersion.length, d.browserVersion.length); }
});
