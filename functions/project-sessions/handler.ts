import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectSessions } from './projectSessions';

export const projection = { consumer: 'project-sessions', projection: 'sessions', build: projectSessions } as const;

export const handler = projectionHandler(projection);
