import { GroupCommit } from './group-commit';

/** A runner whose batches are seen and finish only when told to. */
function controlledRunner() {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const run = (inputs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push(inputs);
      finishers.push(() => (inputs.includes(-1) ? reject(new Error('bad batch')) : resolve(inputs.map((i) => i * 10))));
    });
  return { run, batches, finishNext: () => finishers.shift()!() };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('runs what arrives together as one batch, and what arrives meanwhile as the next', async () => {
    const runner = controlledRunner();
    const group = new GroupCommit(runner.run, { maxBatch: 100, maxConcurrent: 1 });
    const first = [1, 2, 3].map((i) => group.submit(i));
    await turn();
    const second = [4, 5].map((i) => group.submit(i));
    await turn();
    expect(runner.batches).toEqual([[1, 2, 3]]);
    runner.finishNext();
    await expect(Promise.all(first)).resolves.toEqual([10, 20, 30]);
    expect(runner.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    runner.finishNext();
    await expect(Promise.all(second)).resolves.toEqual([40, 50]);
  });

  it('keeps batches under the maximum and inputs of one key apart; a failed batch rejects its own callers only', async () => {
    const runner = controlledRunner();
    const group = new GroupCommit(runner.run, { maxBatch: 2, maxConcurrent: 2, keyOf: (i) => String(Math.abs(i)) });
    const results = [7, 7, 8, 9].map((i) => group.submit(i));
    const failing = group.submit(-1);
    await turn();
    expect(runner.batches).toEqual([
      [7, 8],
      [7, 9],
    ]);
    runner.finishNext();
    runner.finishNext();
    await expect(Promise.all(results)).resolves.toEqual([70, 70, 80, 90]);
    expect(runner.batches[2]).toEqual([-1]);
    runner.finishNext();
    await expect(failing).rejects.toThrow('bad batch');
  });
});
