import fc from 'fast-check';
import { JsonTextBuffer } from '../../../../emulator/runtime/jsonTextBuffer';
import { toSignedBytes } from '../../../../emulator/runtime/signedBytes';

/** The text of one write, from a fresh start. */
function written(write: (text: JsonTextBuffer) => void, text = new JsonTextBuffer()): string {
  text.reset();
  write(text);
  return text.toText();
}

describe('JsonTextBuffer', () => {
  it("should write bytes as JSON.stringify writes Buffer#toString('base64'), and null as null", () => {
    fc.assert(
      fc.property(fc.option(fc.uint8Array({ maxLength: 70 }), { nil: null }), (bytes) => {
        const value = bytes === null ? null : Buffer.from(bytes);
        expect(written((text) => text.base64(value))).toBe(JSON.stringify(value === null ? null : value.toString('base64')));
      }),
      { numRuns: 500 },
    );
  });

  it('should write a number as JSON.stringify does, null for what is not finite', () => {
    const number = fc.oneof(
      fc.double(),
      fc.nat(),
      fc.maxSafeNat(),
      fc.integer({ min: -(2 ** 53), max: 0 }),
      fc.constantFrom(0, -0, 9, 10, 99, 100, 2 ** 53, 2 ** 64, 1e21, -1, NaN, Infinity, -Infinity),
    );
    fc.assert(
      fc.property(number, (value) => {
        expect(written((text) => text.number(value))).toBe(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('should write bytes as the JSON list of their signed values', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(written((text) => text.signedBytes(Buffer.from(bytes)))).toBe(JSON.stringify(toSignedBytes(Buffer.from(bytes))));
      }),
    );
  });

  it('should read non-ASCII text back as written, and the next text after a reset as ASCII again', () => {
    // prepare
    const text = new JsonTextBuffer();
    const name = JSON.stringify('名前 é 😀 \ud800');

    // act
    const first = written((t) => {
      t.raw(name);
      t.piece(Buffer.from(name, 'utf8'), false);
    }, text);
    const second = written((t) => t.piece(Buffer.from('"abc"', 'latin1'), true), text);

    // assess
    expect(first).toBe(name + name);
    expect(second).toBe('"abc"');
  });

  it('should keep every byte when a text outgrows its buffer several times over', () => {
    // prepare
    const value = Buffer.alloc(3 * 1024 * 1024 + 1, 0xab);

    // act
    const text = written((t) => {
      t.raw('[');
      t.base64(value);
      t.byte(44);
      t.base64(value);
      t.raw(']');
    });

    // assess
    expect(text).toBe(JSON.stringify([value.toString('base64'), value.toString('base64')]));
  });
});
