import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderServerlessYaml } from './renderServerlessConfig';

const target = join(__dirname, '..', 'serverless.yml');
writeFileSync(target, renderServerlessYaml());
console.log(`wrote ${target}`);
