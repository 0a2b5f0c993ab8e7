import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectFlags } from './projectFlags';

export const projection = { consumer: 'project-flags', projection: 'flags', build: projectFlags } as const;

export const handler = projectionHandler(projection);
