import { facts } from './function';
import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectSessions } from './projectSessions';

export const projection = { consumer: facts.name, projection: facts.projection, build: projectSessions } as const;

export const handler = projectionHandler(projection);
