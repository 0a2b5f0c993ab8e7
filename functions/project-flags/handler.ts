import { facts } from './function';
import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectFlags } from './projectFlags';

export const projection = { consumer: facts.name, projection: facts.projection, build: projectFlags } as const;

export const handler = projectionHandler(projection);
