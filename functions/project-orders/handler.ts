import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectOrders } from './projectOrders';

export const projection = { consumer: 'project-orders', projection: 'orders', build: projectOrders } as const;

export const handler = projectionHandler(projection);
