import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SendRefusals } from '../../src/gateway/irc/send-refusals.js';

function recorder(): { reports: string[]; report: (tag: string) => (reason: string) => void } {
  const reports: string[] = [];
  return { reports, report: (tag) => (reason) => void reports.push(`${tag}: ${reason}`) };
}

describe('SendRefusals', () => {
  it('a 401 reports the message written to that nick, once, with the server text quoted', () => {
    const refusals = new SendRefusals(() => 0);
    const { reports, report } = recorder();
    refusals.written('carol', report('m1'));
    assert.equal(refusals.refused('401', 'carol', 'No such nick or channel name'), true);
    assert.equal(refusals.refused('401', 'carol', 'No such nick or channel name'), false, 'the other lines of the message add nothing');
    assert.deepEqual(reports, ['m1: nobody is using this nick on IRC (the server says: No such nick or channel name)']);
  });

  it('a refusal after a message that went through is the later message\'s', () => {
    const refusals = new SendRefusals(() => 0);
    const { reports, report } = recorder();
    refusals.written('#m', report('delivered'));
    refusals.written('#m', report('refused'));
    assert.equal(refusals.refused('404', '#m', 'Cannot send to channel'), true);
    assert.deepEqual(reports.map((r) => r.split(':')[0]), ['refused']);
  });

  it('other numerics, other targets and messages outside the window are not reported', () => {
    let now = 0;
    const refusals = new SendRefusals(() => now);
    const { reports, report } = recorder();
    refusals.written('carol', report('m1'));
    assert.equal(refusals.refused('433', 'carol', 'x'), false);
    assert.equal(refusals.refused('401', 'dave', 'x'), false);
    now = 10_001;
    assert.equal(refusals.refused('401', 'carol', 'x'), false);
    assert.deepEqual(reports, []);
  });

  it('control characters in the server text do not reach the report, and it is bounded', () => {
    const refusals = new SendRefusals(() => 0);
    const { reports, report } = recorder();
    refusals.written('carol', report('m'));
    refusals.refused('401', 'carol', `evil\r\n\u0000${'x'.repeat(1000)}`);
    assert.equal(reports.length, 1);
    assert.doesNotMatch(reports[0]!, /\p{Cc}/u);
    assert.ok(reports[0]!.length < 320);
  });

  it('each written message is reported at most once, however the refusals come (property)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.record({ write: fc.constantFrom('a', 'b', 'c') }), fc.record({ refuse: fc.constantFrom('a', 'b', 'c') })), { maxLength: 500 }), (steps) => {
      const refusals = new SendRefusals(() => 0);
      const counts: number[] = [];
      for (const step of steps) {
        if ('write' in step) {
          const index = counts.push(0) - 1;
          refusals.written(step.write, () => void counts[index]!++);
        } else {
          refusals.refused('401', step.refuse, '');
        }
      }
      return counts.every((n) => n <= 1);
    }));
  });
});
