import './benchEnvironment';
import { projectionBenchmark } from './projectionBenchmark';
import { closeRedisClient } from '../shared/clients/redisClient';
import { closeKafkaProducer } from '../shared/clients/kafkaProducer';
projectionBenchmark().then(async (r) => { console.log(JSON.stringify(r, null, 1)); await closeRedisClient(); await closeKafkaProducer(); }, (e) => { console.error(e); process.exit(1); });
