import { schemaNarrowings } from '../../../../operations/schemas/schemaNarrowings';

/** The JSON Schema keywords the zod catalog does not produce today, compared as written. */
describe('schemaNarrowings', () => {
  it('should refuse items made unique', () => {
    expect(schemaNarrowings({ type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'string' }, uniqueItems: true })).toEqual([
      { field: '', reason: 'items must now be unique' },
    ]);
  });

  it('should refuse a minimum item count raised and a property count capped', () => {
    expect(schemaNarrowings({ type: 'array', minItems: 1 }, { type: 'array', minItems: 2 })).toEqual([{ field: '', reason: 'item count narrowed: minItems 1 -> 2' }]);
    expect(schemaNarrowings({ type: 'object' }, { type: 'object', maxProperties: 5 })).toEqual([{ field: '', reason: 'property count narrowed: maxProperties none -> 5' }]);
  });

  it('should refuse a tuple position narrowed', () => {
    expect(schemaNarrowings({ type: 'array', prefixItems: [{ type: 'number' }] }, { type: 'array', prefixItems: [{ type: 'integer' }] })).toEqual([
      { field: '[0]', reason: 'type narrowed: "number" -> "integer"' },
    ]);
  });

  it('should refuse an alternative of a union dropped, and pass one added', () => {
    const two = { anyOf: [{ type: 'string' }, { type: 'integer' }] };
    expect(schemaNarrowings(two, { anyOf: [{ type: 'string' }] })).toEqual([{ field: '', reason: expect.stringContaining('alternative {"type":"integer"} no longer accepted') }]);
    expect(schemaNarrowings({ type: 'string' }, two)).toEqual([]);
  });

  it('should refuse an assertion keyword it does not know when added or changed, and pass it removed', () => {
    const not = { type: 'string', not: { const: 'x' } };
    expect(schemaNarrowings({ type: 'string' }, not)).toEqual([{ field: '', reason: expect.stringMatching(/^keyword not added/) }]);
    expect(schemaNarrowings(not, { type: 'string', not: { const: 'y' } })).toEqual([{ field: '', reason: expect.stringMatching(/^keyword not changed/) }]);
    expect(schemaNarrowings(not, { type: 'string' })).toEqual([]);
  });

  it('should take the types of listed values for a schema that names no type', () => {
    expect(schemaNarrowings({ enum: ['a', 1] }, { type: ['string', 'integer'], enum: ['a', 1, 'b'] })).toEqual([]);
    expect(schemaNarrowings({ enum: ['a', 1] }, { type: 'string', enum: ['a'] })).toEqual([
      { field: '', reason: 'type narrowed: ["string","integer"] -> "string"' },
      { field: '', reason: 'enum value removed: 1' },
    ]);
  });

  it('should ignore annotations', () => {
    expect(schemaNarrowings({ type: 'string', title: 'a', description: 'b' }, { type: 'string', title: 'c', examples: ['d'], $id: 'e' })).toEqual([]);
  });

  it('should compare boolean schemas', () => {
    expect(schemaNarrowings(true, false)).toEqual([{ field: '', reason: 'now accepts nothing (schema false)' }]);
    expect(schemaNarrowings(false, { type: 'string' })).toEqual([]);
    expect(schemaNarrowings({ type: 'string' }, true)).toEqual([]);
  });

  it('should follow local references, recursive ones included', () => {
    const tree = (max: number) => ({
      $defs: { node: { type: 'object', properties: { size: { type: 'integer', maximum: max }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, additionalProperties: false } },
      $ref: '#/$defs/node',
    });
    expect(schemaNarrowings(tree(10), tree(10))).toEqual([]);
    expect(schemaNarrowings(tree(10), tree(5))).toEqual([{ field: 'size', reason: 'range narrowed: maximum <= 10 -> <= 5' }]);
  });

  it('should refuse a field that an open schema allowed freely, once constrained', () => {
    expect(schemaNarrowings({ type: 'object', properties: {} }, { type: 'object', properties: { extra: { type: 'string' } } })).toEqual([
      { field: 'extra', reason: expect.stringMatching(/^type narrowed/) },
    ]);
  });

  it('should pass a field removed from an open schema', () => {
    expect(schemaNarrowings({ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: {} })).toEqual([]);
  });
});
