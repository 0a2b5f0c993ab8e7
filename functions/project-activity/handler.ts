import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectActivity } from './projectActivity';

export const handler = projectionHandler('project-activity', 'activity', projectActivity);
