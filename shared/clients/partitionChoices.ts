import { Partitioners, type ICustomPartitioner, type Message } from 'kafkajs';

/** The partition the producer last chose for each message object it was given. */
const chosen = new WeakMap<Message, number>();

/**
 * kafkajs' murmur2 partitioner (Java clients' choice, so a key lands on the same partition whoever
 * produces it), remembering its choice per message. kafkajs calls it for every message on every
 * attempt with fresh metadata, so after a send the remembered partition is where the message was sent
 * last. Only test/integration/acknowledgedSend.test.ts uses it now, to stage the kafkajs leader-move loss.
 */
export const rememberingPartitioner: ICustomPartitioner = () => {
  const murmur2 = Partitioners.DefaultPartitioner();
  return (args) => {
    const partition = murmur2(args);
    chosen.set(args.message, partition);
    return partition;
  };
};

export const partitionChosenFor = (message: Message): number | undefined => chosen.get(message);
