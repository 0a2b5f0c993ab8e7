import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectOrders } from './projectOrders';
import { recordSagas } from './recordSagas';

export const projection = { consumer: 'project-orders', projection: 'orders', build: projectOrders, alongside: recordSagas } as const;

export const handler = projectionHandler(projection);
