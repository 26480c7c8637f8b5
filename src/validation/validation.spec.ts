import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { IsString } from 'class-validator';
import { AppValidationPipe, PageQuery } from './validation';

class RequiredQuery {
  @IsString()
  name: string;
}

const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({
  type: 'query',
  metatype,
});

describe('AppValidationPipe on an empty query', () => {
  it('answers the defaults, a fresh instance each time', async () => {
    const pipe = new AppValidationPipe();
    const first = await pipe.transform({}, query(PageQuery));
    const second = await pipe.transform({}, query(PageQuery));
    for (const page of [first, second]) {
      expect(page).toBeInstanceOf(PageQuery);
      expect({ ...(page as PageQuery) }).toEqual({ limit: 100, offset: 0 });
    }
    expect(second).not.toBe(first);
  });

  it('runs the full check once per DTO', async () => {
    const pipe = new AppValidationPipe();
    const full = jest.spyOn(ValidationPipe.prototype, 'transform');
    try {
      for (let i = 0; i < 3; i++) await pipe.transform({}, query(PageQuery));
      expect(full).toHaveBeenCalledTimes(1);
    } finally {
      full.mockRestore();
    }
  });

  it('still refuses an empty query a DTO requires fields of, every time', async () => {
    const pipe = new AppValidationPipe();
    for (let i = 0; i < 2; i++) {
      await expect(
        pipe.transform({}, query(RequiredQuery)),
      ).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    }
  });

  it('still checks a query with parameters', async () => {
    const pipe = new AppValidationPipe();
    await pipe.transform({}, query(PageQuery));
    await expect(
      pipe.transform({ limit: '0' }, query(PageQuery)),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      pipe.transform({ extra: '1' }, query(PageQuery)),
    ).rejects.toMatchObject({ status: 400 });
    const page = await pipe.transform({ limit: '5' }, query(PageQuery));
    expect({ ...(page as PageQuery) }).toEqual({ limit: 5, offset: 0 });
  });
});
