import { memoryStore } from '../../../src/stores/memory-store';
import { describeQueueRecords } from './queue-records.suite';

describeQueueRecords('memory', () => memoryStore());
