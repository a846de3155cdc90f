import { memoryStore } from '../../../src/stores/memory-store';
import { describeAttemptHistory } from './attempt-history.suite';
import { describeQueueRecords } from './queue-records.suite';

describeQueueRecords('memory', () => memoryStore());
describeAttemptHistory('memory', () => memoryStore());
