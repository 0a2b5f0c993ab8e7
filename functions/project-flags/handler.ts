import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectFlags } from './projectFlags';

export const handler = projectionHandler('project-flags', 'flags', projectFlags);
