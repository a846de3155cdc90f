/**
 * Qui's public entry: every export is named here.
 */
export { QuiError, InvalidSpecError, InvalidOptionsError, UnrecoverableError, toError } from './errors';
export type { ErrorCode } from './errors';
export { systemClock, ManualClock } from './clock';
export type { Clock, TimerHandle } from './clock';
export type { Logger } from './logging';
export type { JobId, TaskName } from './ids';

export type { ActorRef, ReplyTo } from './actors/actor-ref';
export { isNormalExit, describeExit } from './actors/exit-reason';
export type { ExitReason } from './actors/exit-reason';
export { defineActor } from './actors/define-actor';
export type { ActorContext, ActorDirectory, ActorOptions, ActorSpec } from './actors/define-actor';

export { defineSupervisor, defineDynamicSupervisor } from './supervision/spec';
export type {
  ChildSpec,
  Strategy,
  SupervisorOptions,
  SupervisorSpec,
  DynamicSupervisorOptions,
  DynamicSupervisorSpec,
} from './supervision/spec';
export type { RestartType, Shutdown } from './actors/child-options';
export { DEFAULT_INTENSITY, restartWindow } from './supervision/restart-intensity';
export type { Intensity, IntensityVerdict, RestartWindow } from './supervision/restart-intensity';
export { StartFailedError } from './supervision/child-lifecycle';
export type {
  StartChildResult,
  TerminateChildResult,
  RestartChildResult,
  DeleteChildResult,
  ChildInfo,
  ChildCounts,
  ChildKey,
  InspectedChild,
  SupervisorInfo,
} from './supervision/supervisor-messages';

export { startSystem } from './runtime/start-system';
export type { QuiSystem, SystemOptions } from './runtime/start-system';
export type { QuiConfig } from './runtime/qui-config';
export type { SupervisorHandle } from './runtime/supervisor-handle';
export type { SupervisionNode } from './runtime/supervision-tree';

export { createDashboard } from './dashboard/create-dashboard';
export type { DashboardConnections } from './dashboard/dashboard-host';
export type { Dashboard } from './dashboard/create-dashboard';
export { DEFAULT_DASHBOARD_OPTIONS } from './dashboard/dashboard-options';
export type {
  AuthorizeResult,
  DashboardAccess,
  DashboardOptions,
  ResolvedDashboardOptions,
} from './dashboard/dashboard-options';
export type { QueueControl } from './dashboard/queue-control';
export { QuiEventBus } from './events';
export type {
  QuiEvents,
  QuiEventType,
  ActorExitedEvent,
  ActorRestartedEvent,
  SupervisorEscalatedEvent,
  DeadLetterEvent,
  SystemFailedEvent,
  JobEnqueuedEvent,
  JobStartedEvent,
  JobCompletedEvent,
  JobFailedEvent,
  JobRetryingEvent,
  JobDeadEvent,
  JobCancelledEvent,
  JobProgressEvent,
  JobLostEvent,
  JobLostReason,
} from './events';

export type { Job, Backoff, BackoffFunction, DeadLetterSource } from './jobs/job';
export { toJobError, MAX_STACK_CHARS } from './jobs/job-error';
export type { JobError } from './jobs/job-error';
export { MAX_ATTEMPT_HISTORY, MAX_HISTORY_MESSAGE_CHARS } from './jobs/attempt-history';
export type { AttemptHistory, FailedAttempt } from './jobs/attempt-history';
export { JOB_STATES, MAX_RESULT_CHARS, toRecordResult, taskNameOf } from './jobs/job-record';
export type { JobRecord, JobState, RecordBackoff } from './jobs/job-record';
export { DEFAULT_RETENTION, JOB_END_STATES } from './jobs/job-retention';
export type { JobEndState, RetentionOptions, RetentionRule, ResolvedRetention } from './jobs/job-retention';
export { MAX_PAGE_LIMIT, PRUNE_ON_WRITE } from './stores/job-records';
export type {
  JobRecords,
  RecordsConfig,
  RecordEnd,
  RecordQuery,
  RecordPage,
  CancelOutcome,
  ProcessBeat,
  ProcessInfo,
  StoreBroadcast,
  FinishBroadcast,
} from './stores/job-records';
export type { JobStore, JobStoreFactory, StoreConfig, StoreCounts, Awaitable } from './stores/job-store';

export { defineQueue } from './queue/define-queue';
export type {
  QueueOptions,
  WorkersOptions,
  LeaseOptions,
  QueueSpec,
  QueueTaskOf,
} from './queue/define-queue';
export { DEFAULT_HEARTBEAT_MS } from './queue/resolve-queue';
export { isJobOf } from './queue/is-job-of';
export type { QueueEventOf } from './queue/is-job-of';
export type { IsolationResourceLimits } from './queue/isolation/resolve-isolation';
export type {
  QueueClient,
  EnqueueItem,
  GetJobsQuery,
  JobPage,
  JobCounts,
  WaitForOptions,
} from './queue/queue-client';
export { connectQueue } from './queue/connect-queue';
export type { ConnectOptions, ConnectQueueOptions, QueueConnection } from './queue/connect-queue';
export type { QueueMessage, QueueStats, QueueTotals, EnqueueReply } from './queue/queue-messages';
export type { WorkerMessage, WorkerStatus } from './queue/worker-messages';
export { ok, err, isJobResult } from './jobs/job-result';
export type { JobResult } from './jobs/job-result';
export { DEFAULT_JOB_OPTIONS } from './jobs/job-options';
export type { JobOptions, TaskDefaults } from './jobs/job-options';

export { defineTask, isTaskValue } from './tasks/define-task';
export type {
  TaskDefinition,
  TaskOptions,
  TaskValue,
  TaskPerform,
  TaskValueOf,
  TaskResultOf,
} from './tasks/define-task';
export { createTaskRegistry } from './tasks/task-registry';
export type { TaskRegistry } from './tasks/task-registry';
export { processTask } from './tasks/process-task';
export type { Processor, ProcessorContext, AttemptOutcome } from './tasks/run-attempt';
export { retryDelayMs } from './jobs/backoff';

export { memoryStore } from './stores/memory-store';
export type { MemoryStoreFactory, MemoryJobStore } from './stores/memory-store';
export { sqliteStore } from './stores/sqlite-store';
export type { SqliteStoreOptions, SqliteStoreFactory } from './stores/sqlite-store';
export type { SqliteJobStore } from './stores/sqlite-job-store';
export { redisStore } from './stores/redis-store';
export { QueueModeError } from './stores/queue-mode';
export type { QueueMode } from './stores/queue-mode';
export type {
  RedisStoreOptions,
  RedisStoreFactory,
  RedisJobStore,
  RedisClientLike,
} from './stores/redis-store';

export { createMetrics } from './metrics/create-metrics';
export { createStoreMetrics } from './metrics/store-metrics';
export type { StoreMetricsOptions } from './metrics/store-metrics';
export type { MetricsOptions, MetricsRegistry, QuiMetrics } from './metrics/create-metrics';
export { DEFAULT_WAIT_BUCKETS, DEFAULT_DURATION_BUCKETS } from './metrics/metric-series';
export { createTracing } from './metrics/tracing';
export type { TracingOptions, TracePropagation, QuiTracing } from './metrics/tracing';
