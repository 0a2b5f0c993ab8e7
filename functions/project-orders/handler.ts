import { facts } from './function';
import { projectionHandler } from '../../shared/middleware/batch/projectRecords';
import { projectOrders } from './projectOrders';
import { recordSagas } from './recordSagas';

export const projection = { consumer: facts.name, projection: facts.projection, build: projectOrders, alongside: recordSagas } as const;

export const handler = projectionHandler(projection);
