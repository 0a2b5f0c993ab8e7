import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectLeaderboards } from './projectLeaderboards';

export const projection = { consumer: 'project-leaderboards', projection: 'leaderboards', build: projectLeaderboards } as const;

export const handler = projectionHandler(projection);
