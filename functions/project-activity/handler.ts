import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectActivity } from './projectActivity';

export const projection = { consumer: 'project-activity', projection: 'activity', build: projectActivity } as const;

export const handler = projectionHandler(projection);
