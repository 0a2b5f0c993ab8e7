import { facts } from './function';
import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectLeaderboards } from './projectLeaderboards';

export const projection = { consumer: facts.name, projection: facts.projection, build: projectLeaderboards } as const;

export const handler = projectionHandler(projection);
