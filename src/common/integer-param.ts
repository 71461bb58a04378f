import { Transform } from 'class-transformer';

/**
 * A query parameter holding a non-negative decimal integer: `"42"` becomes 42, anything else stays
 * a string and fails the property's `IsInt`. `@Type(() => Number)` would read `""` as 0 and also
 * accept `1e3`, `0x10` and `" 7"`.
 */
export function IntegerParam(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value,
  );
}
