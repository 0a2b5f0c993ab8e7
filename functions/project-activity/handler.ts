import { facts } from './function';
import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectActivity } from './projectActivity';

export const projection = { consumer: facts.name, projection: facts.projection, build: projectActivity } as const;

export const handler = projectionHandler(projection);
