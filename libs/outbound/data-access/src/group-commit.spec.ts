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

  it('keeps batches under the maximum and inputs of one key apart, never two of a key running at once', async () => {
    const runner = controlledRunner();
    const group = new GroupCommit(runner.run, { maxBatch: 2, maxConcurrent: 2, keyOf: (i) => String(Math.abs(i)) });
    const results = [7, 7, 8, 9].map((i) => group.submit(i));
    await turn();
    // The second 7 waits for the first's batch to settle: a later batch could commit before it.
    expect(runner.batches).toEqual([[7, 8], [9]]);
    runner.finishNext();
    await turn();
    expect(runner.batches[2]).toEqual([7]);
    runner.finishNext();
    runner.finishNext();
    await expect(Promise.all(results)).resolves.toEqual([70, 70, 80, 90]);
  });

  it('rejects the callers of a failed batch only', async () => {
    const runner = controlledRunner();
    const group = new GroupCommit(runner.run, { maxBatch: 2, maxConcurrent: 2, keyOf: (i) => String(Math.abs(i)) });
    const failing = group.submit(-1);
    await turn();
    const fine = group.submit(5);
    await turn();
    expect(runner.batches).toEqual([[-1], [5]]);
    runner.finishNext();
    runner.finishNext();
    await expect(failing).rejects.toThrow('bad batch');
    await expect(fine).resolves.toBe(50);
  });

  it('isolates an input the database refuses: only its caller gets the error, every other its result', async () => {
    const statements: number[][] = [];
    // One statement per batch: it fails whole when any input in it is bad (negative), as PostgreSQL does.
    const run = async (inputs: number[]) => {
      statements.push(inputs);
      if (inputs.some((i) => i < 0))
        throw Object.assign(new Error(`bad row ${inputs.find((i) => i < 0)}`), { code: '22P05' });
      return inputs.map((i) => i * 10);
    };
    const group = new GroupCommit(run, {
      maxBatch: 100,
      maxConcurrent: 1,
      isolate: (error) => /^2[23]/.test((error as { code?: string }).code ?? ''),
    });
    const inputs = Array.from({ length: 64 }, (_, i) => (i === 5 || i === 40 ? -i : i + 1));
    const results = await Promise.allSettled(inputs.map((i) => group.submit(i)));
    results.forEach((result, i) => {
      if (inputs[i] < 0)
        expect(result).toMatchObject({ status: 'rejected', reason: { message: `bad row ${inputs[i]}` } });
      else expect(result).toEqual({ status: 'fulfilled', value: inputs[i] * 10 });
    });
    // Bisected, not one statement per input: 2 bad rows of 64 cost about 2·log2(64) statements more.
    expect(statements.length).toBeLessThanOrEqual(1 + 2 * 2 * 6);
    // Every good input committed exactly once.
    const committed = statements.filter((batch) => batch.every((i) => i > 0)).flat();
    expect(committed.sort((a, b) => a - b)).toEqual(inputs.filter((i) => i > 0));
  });

  it('rejects the whole batch at once on an error of the database (not of an input)', async () => {
    let statements = 0;
    const run = async (inputs: number[]) => {
      statements++;
      if (inputs.length > 0) throw Object.assign(new Error('connection terminated'), { code: '57P01' });
      return [];
    };
    const group = new GroupCommit(run, {
      maxBatch: 100,
      maxConcurrent: 1,
      isolate: (error) => /^2[23]/.test((error as { code?: string }).code ?? ''),
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => group.submit(i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(statements).toBe(1);
  });
});
