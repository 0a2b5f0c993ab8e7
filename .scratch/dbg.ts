import { NumericMap, produceV11, type MessageRecord } from '@platformatic/kafka';
import { encodeProduceRequestV11 } from '../shared/kafka/produceRequestV11';
const cases: Array<[string, MessageRecord[]]> = [
 ['bigdelta', [{ topic: 's', value: Buffer.alloc(0), timestamp: 1760000000000n }, { topic: 's', value: Buffer.alloc(3), timestamp: 1770000000000n }]],
 ['bigvalue', [{ topic: 's', value: Buffer.alloc(20000), timestamp: 1760000000000n }]],
 ['negdelta', [{ topic: 's', value: Buffer.alloc(0), timestamp: 1760000000000n }, { topic: 's', value: Buffer.alloc(3), timestamp: 1750000000000n }]],
];
for (const [name, m] of cases) {
  const o = { producerId: 1n, producerEpoch: 0, sequences: new NumericMap() };
  const a = encodeProduceRequestV11(-1, 5, m.map(x=>({...x})), o); const b = produceV11.createRequest(-1, 5, m.map(x=>({...x})), o).buffer;
  let i = 37; while (i < a.length && a[i] === b[i]) i++;
  console.log(name, a.length, b.length, 'first diff', i, a.subarray(Math.max(0,i-4), i+8), b.subarray(Math.max(0,i-4), i+8));
}
