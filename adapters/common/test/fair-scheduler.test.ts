import { FairScheduler } from '../provider-client'

/** A task that runs until the test finishes it, recording when it started. */
function held(started: string[], name: string) {
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))
  return {
    task: async () => {
      started.push(name)
      await done
    },
    finish: () => finish(),
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('FairScheduler', () => {
  it('runs at most `limit` tasks, at most `perOwner` of one owner, and waiting owners take turns', async () => {
    const scheduler = new FairScheduler(2, 1)
    const started: string[] = []
    const a = Array.from({ length: 4 }, (_, i) => held(started, `a${i}`))
    const b = Array.from({ length: 2 }, (_, i) => held(started, `b${i}`))
    const c = held(started, 'c0')
    const runs = [
      ...a.map((t) => scheduler.run('a', t.task)),
      ...b.map((t) => scheduler.run('b', t.task)),
      scheduler.run('c', c.task),
    ]
    await settle()
    // a holds its one share; the second slot goes to b.
    expect(started).toEqual(['a0', 'b0'])
    a[0].finish()
    await settle()
    // The free slot goes to the owner whose turn it is: c, then a, b, a…
    expect(started).toEqual(['a0', 'b0', 'c0'])
    b[0].finish()
    await settle()
    expect(started).toEqual(['a0', 'b0', 'c0', 'a1'])
    c.finish()
    await settle()
    expect(started).toEqual(['a0', 'b0', 'c0', 'a1', 'b1'])
    for (const t of [...a, ...b]) t.finish()
    await Promise.all(runs)
    expect(started).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'a2', 'a3'])
  })

  it('lets one owner use every slot when its share allows and no one else waits', async () => {
    const scheduler = new FairScheduler(3, 3)
    const started: string[] = []
    const tasks = Array.from({ length: 4 }, (_, i) => held(started, `a${i}`))
    const runs = tasks.map((t) => scheduler.run('a', t.task))
    await settle()
    expect(started).toEqual(['a0', 'a1', 'a2'])
    for (const t of tasks) t.finish()
    await Promise.all(runs)
    expect(started).toHaveLength(4)
  })
})
