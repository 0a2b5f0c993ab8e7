import { join } from 'node:path';

/** The project root, wherever the code runs from (tsx, jest or a bundle two folders down). */
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** Local state that must never be committed: daemon state, logs, the local archive. */
export const STATE_DIR = join(PROJECT_ROOT, '.triplane');

export const KAFKA_MOCK_STATE_FILE = join(STATE_DIR, 'kafka.json');
export const KAFKA_MOCK_LOG_FILE = join(STATE_DIR, 'kafka-mock.log');
export const KAFKA_MOCK_DIR = join(PROJECT_ROOT, 'local', 'kafka-mock');
export const KAFKA_MOCK_BINARY = join(KAFKA_MOCK_DIR, 'build', 'triplane-kafka-mock');
