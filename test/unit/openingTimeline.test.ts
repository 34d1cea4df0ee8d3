import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpeningTimeline } from '../../src/extension/lineage/openingTimeline';

test('the opening breakdown lists each step since the command, in time order, other processes’ times included', () => {
  let now = 1_000_000;
  const timeline = new OpeningTimeline(() => now);
  now += 4;
  timeline.mark('panel created');
  now += 900;
  timeline.mark('page ready');
  timeline.markAt('page began loading', 1_000_000 + 700);
  now += 400;
  timeline.mark('first 500 nodes painted');
  assert.equal(
    timeline.summary(),
    'opened in 1304 ms: panel created +4 ms, page began loading +700 ms, page ready +904 ms, first 500 nodes painted +1304 ms',
  );
});
