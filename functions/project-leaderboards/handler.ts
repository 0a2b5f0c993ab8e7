import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectLeaderboards } from './projectLeaderboards';

export const handler = projectionHandler('project-leaderboards', 'leaderboards', projectLeaderboards);
