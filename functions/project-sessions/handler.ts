import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectSessions } from './projectSessions';

export const handler = projectionHandler('project-sessions', 'sessions', projectSessions);
