import { repeat } from './repeat';

describe('repeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs every interval, and at once only when asked', async () => {
    const later = jest.fn(() => Promise.resolve());
    const atOnce = jest.fn(() => Promise.resolve());
    const stops = [
      repeat(1000, later, jest.fn()),
      repeat(1000, atOnce, jest.fn(), { atOnce: true }),
    ];
    expect(later).not.toHaveBeenCalled();
    expect(atOnce).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(later).toHaveBeenCalledTimes(2);
    expect(atOnce).toHaveBeenCalledTimes(3);
    stops.forEach((stop) => stop());
  });

  it('hands a failed run to onError and runs again', async () => {
    const error = new Error('database locked');
    const work = jest.fn(() => Promise.reject(error));
    const onError = jest.fn();
    const stop = repeat(1000, work, onError);
    await jest.advanceTimersByTimeAsync(2000);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledWith(error);
    stop();
  });

  it('runs no more once stopped', async () => {
    const work = jest.fn(() => Promise.resolve());
    repeat(1000, work, jest.fn())();
    await jest.advanceTimersByTimeAsync(5000);
    expect(work).not.toHaveBeenCalled();
  });
});
