import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectOrders } from './projectOrders';

export const handler = projectionHandler('project-orders', 'orders', projectOrders);
