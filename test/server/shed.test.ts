import { expect } from 'chai';
import { Shedder } from '../../src/server/shed.js';

/** Sends `n` packets from `source` in the current window; returns how many were admitted. */
function send(s: Shedder, source: string, n: number): number {
  let admitted = 0;
  for (let i = 0; i < n; i++) if (s.admit(source)) admitted++;
  return admitted;
}

describe('UDP load shedding', () => {
  it('limits nobody while the event loop keeps up, however uneven the sources', () => {
    const changes: unknown[] = [];
    const s = new Shedder((c) => changes.push(c), () => 0.5);
    for (let w = 0; w < 5; w++) {
      expect(send(s, '10.0.0.1', 5000)).to.equal(5000);
      expect(send(s, '10.0.0.2', 5)).to.equal(5);
      s.roll();
    }
    expect(changes).to.deep.equal([]);
  });

  it('under saturation cuts the heaviest source, spares light ones, and lifts the limit once the load is gone', () => {
    const changes: (readonly string[] | null)[] = [];
    let busy = 0.95;
    const s = new Shedder((c) => changes.push(c), () => busy);
    send(s, '10.0.0.1', 1000);
    send(s, '10.0.0.2', 5);
    s.roll();
    expect(changes).to.deep.equal([['10.0.0.1']]);
    // Budget: 70% of what it sent, then 70% of that while the loop stays saturated.
    expect(send(s, '10.0.0.1', 1000)).to.equal(700);
    expect(send(s, '10.0.0.2', 5)).to.equal(5);
    s.roll();
    // Never below half of what it sends: receiving a packet costs most of what answering it does.
    expect(send(s, '10.0.0.1', 1000)).to.equal(500);
    busy = 0.3;
    s.roll();
    expect(send(s, '10.0.0.1', 1000)).to.equal(625);
    s.roll();
    // The flood is over: the budget grows past the traffic and shedding stops.
    send(s, '10.0.0.3', 10);
    s.roll();
    expect(changes).to.deep.equal([['10.0.0.1'], null]);
    expect(send(s, '10.0.0.1', 1000)).to.equal(1000);
    expect(s.dropped).to.equal(300 + 500 + 375);
  });

  it('sheds nothing when one source alone saturates the server (a benchmark, a node-local cache)', () => {
    const changes: unknown[] = [];
    const s = new Shedder((c) => changes.push(c), () => 0.99);
    for (let w = 0; w < 10; w++) {
      expect(send(s, '127.0.0.1', 5000)).to.equal(5000);
      s.roll();
    }
    expect(changes).to.deep.equal([]);
  });

  it('never cuts a heavy source below half of what it sends', () => {
    const s = new Shedder(() => undefined, () => 0.99);
    for (let w = 0; w < 20; w++) {
      send(s, '10.0.0.1', 10_000);
      send(s, '10.0.0.2', 10);
      s.roll();
    }
    expect(send(s, '10.0.0.1', 10_000)).to.equal(5000);
  });
});
