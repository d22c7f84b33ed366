// JetStream API errors with nats-server's HTTP-ish code, err_code and description (server/errors.json).

/** One API error as it appears in a response's `error` field. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly errCode: number,
    readonly description: string,
  ) {
    super(description);
    this.name = 'ApiError';
  }

  toJSON(): { code: number; err_code: number; description: string } {
    return { code: this.code, err_code: this.errCode, description: this.description };
  }
}

const E = (code: number, errCode: number, description: string) => () =>
  new ApiError(code, errCode, description);

export const Errors = {
  badRequest: E(400, 10003, 'bad request'),
  invalidJson: E(400, 10025, 'invalid JSON'),
  notEnabled: E(503, 10076, 'JetStream not enabled'),
  notEnabledForAccount: E(503, 10039, 'JetStream not enabled for account'),
  streamNotFound: E(404, 10059, 'stream not found'),
  streamNameExist: E(400, 10058, 'stream name already in use with a different configuration'),
  streamMismatch: E(400, 10056, 'stream name in subject does not match request'),
  streamSubjectOverlap: E(400, 10065, 'subjects overlap with an existing stream'),
  streamInvalidConfig: (msg: string) => new ApiError(500, 10052, msg),
  streamReplicasNotSupported: E(500, 10074, 'replicas > 1 not supported in non-clustered mode'),
  streamNameContainsPathSeparators: E(400, 10128, 'Stream name can not contain path separators'),
  streamUpdate: (msg: string) => new ApiError(500, 10069, msg),
  streamCreate: (msg: string) => new ApiError(500, 10049, msg),
  streamSealed: E(400, 10109, 'invalid operation on sealed stream'),
  streamMsgDeleteFailed: (msg: string) => new ApiError(500, 10057, msg),
  streamPurgeFailed: (msg: string) => new ApiError(500, 10110, msg),
  streamRollupFailed: (msg: string) => new ApiError(500, 10111, msg),
  streamStoreFailed: (msg: string) => new ApiError(503, 10077, msg),
  streamNotMatch: E(400, 10060, 'expected stream does not match'),
  streamWrongLastSequence: (seq: number) => new ApiError(400, 10071, `wrong last sequence: ${seq}`),
  streamWrongLastMsgId: (id: string) => new ApiError(400, 10070, `wrong last msg ID: ${id}`),
  streamMessageExceedsMaximum: E(400, 10054, 'message size exceeds maximum allowed'),
  streamHeaderExceedsMaximum: E(400, 10097, 'header size exceeds maximum allowed of 64k'),
  sequenceNotFound: (seq: number) => new ApiError(400, 10043, `sequence ${seq} not found`),
  noMessageFound: E(404, 10037, 'no message found'),
  maximumStreamsLimit: E(400, 10027, 'maximum number of streams reached'),
  maximumConsumersLimit: E(400, 10026, 'maximum consumers limit reached'),
  insufficientResources: E(503, 10023, 'insufficient resources'),
  accountResourcesExceeded: E(400, 10002, 'resource limits exceeded for account'),
  streamMaxBytesRequired: E(400, 10113, 'account requires a stream config to have max bytes set'),
  streamMaxStreamBytesExceeded: E(400, 10122, 'stream max bytes exceeds account limit max stream bytes'),
  storageResourcesExceeded: E(500, 10047, 'insufficient storage resources available'),
  memoryResourcesExceeded: E(500, 10028, 'insufficient memory resources available'),
  mirrorWithSubjects: E(400, 10034, 'stream mirrors can not contain subjects'),
  mirrorWithSources: E(400, 10031, 'stream mirrors can not also contain other sources'),
  mirrorNotUpdatable: E(400, 10055, 'stream mirror configuration can not be updated'),

  consumerNotFound: E(404, 10014, 'consumer not found'),
  consumerNameExist: E(400, 10013, 'consumer name already in use'),
  consumerAlreadyExists: E(400, 10148, 'consumer already exists'),
  consumerDoesNotExist: E(400, 10149, 'consumer does not exist'),
  consumerCreate: (msg: string) => new ApiError(500, 10012, msg),
  consumerEphemeralWithDurableName: E(
    400,
    10020,
    'consumer expected to be ephemeral but a durable name was set in request',
  ),
  consumerEphemeralWithDurableInSubject: E(
    400,
    10019,
    'consumer expected to be ephemeral but detected a durable name set in subject',
  ),
  consumerDurableNameNotInSubject: E(
    400,
    10016,
    'consumer expected to be durable but no durable name set in subject',
  ),
  consumerDurableNameNotMatchSubject: E(
    400,
    10017,
    'consumer name in subject does not match durable name in request',
  ),
  consumerDurableNameNotSet: E(400, 10018, 'consumer expected to be durable but a durable name was not set'),
  consumerConfigRequired: E(400, 10078, 'consumer config required'),
  consumerDeliverToWildcards: E(400, 10079, 'consumer deliver subject has wildcards'),
  consumerPushMaxWaiting: E(400, 10080, 'consumer in push mode can not set max waiting'),
  consumerDeliverCycle: E(400, 10081, 'consumer deliver subject forms a cycle'),
  consumerMaxPendingAckPolicyRequired: E(400, 10082, 'consumer requires ack policy for max ack pending'),
  consumerSmallHeartbeat: E(400, 10083, 'consumer idle heartbeat needs to be >= 100ms'),
  // 2.9.10's wording; newer servers add "explicit ... on workqueue stream".
  consumerPullRequiresAck: E(400, 10084, 'consumer in pull mode requires ack policy'),
  consumerPullWithRateLimit: E(400, 10086, 'consumer in pull mode can not have rate limit set'),
  consumerMaxWaitingNegative: E(400, 10087, 'consumer max waiting needs to be positive'),
  consumerHBRequiresPush: E(400, 10088, 'consumer idle heartbeat requires a push based consumer'),
  consumerFCRequiresPush: E(400, 10089, 'consumer flow control requires a push based consumer'),
  consumerFilterNotSubset: E(
    400,
    10093,
    'consumer filter subject is not a valid subset of the interest subjects',
  ),
  consumerInvalidPolicy: (msg: string) => new ApiError(400, 10094, msg),
  consumerWQRequiresExplicitAck: E(400, 10098, 'workqueue stream requires explicit ack'),
  consumerWQMultipleUnfiltered: E(
    400,
    10099,
    'multiple non-filtered consumers not allowed on workqueue stream',
  ),
  consumerWQConsumerNotUnique: E(400, 10100, 'filtered consumer not unique on workqueue stream'),
  consumerWQConsumerNotDeliverAll: E(400, 10101, 'consumer must be deliver all on workqueue stream'),
  consumerNameTooLong: (max: number) =>
    new ApiError(400, 10102, `consumer name is too long, maximum allowed is ${max}`),
  consumerBadDurableName: E(400, 10103, "durable name can not contain '.', '*', '>'"),
  consumerExistingActive: E(400, 10105, 'consumer already exists and is still active'),
  consumerReplacementWithDifferentName: E(400, 10106, 'consumer replacement durable config not the same'),
  consumerDescriptionTooLong: (max: number) =>
    new ApiError(400, 10107, `consumer description is too long, maximum allowed is ${max}`),
  consumerWithFlowControlNeedsHeartbeats: E(400, 10108, 'consumer with flow control also needs heartbeats'),
  consumerInvalidDeliverSubject: E(400, 10112, 'invalid push consumer deliver subject'),
  consumerMaxRequestBatchNegative: E(400, 10114, 'consumer max request batch needs to be > 0'),
  consumerMaxRequestExpiresTooSmall: E(400, 10115, 'consumer max request expires needs to be >= 1ms'),
  consumerMaxDeliverBackoff: E(400, 10116, 'max deliver is required to be > length of backoff values'),
  consumerNameContainsPathSeparators: E(400, 10127, 'Consumer name can not contain path separators'),
  consumerCreateFilterSubjectMismatch: E(
    400,
    10131,
    'Consumer create request did not match filtered subject from create subject',
  ),
  consumerCreateDurableAndNameMismatch: E(
    400,
    10132,
    'Consumer Durable and Name have to be equal if both are provided',
  ),
  replicasCountCannotBeNegative: E(400, 10133, 'replicas count cannot be negative'),
  consumerDuplicateFilterSubjects: E(
    400,
    10136,
    'consumer cannot have both FilterSubject and FilterSubjects specified',
  ),
  consumerMultipleFiltersNotAllowed: E(
    400,
    10137,
    'consumer with multiple subject filters cannot use subject based API',
  ),
  consumerOverlappingSubjectFilters: E(400, 10138, 'consumer subject filters cannot overlap'),
  consumerEmptyFilter: E(400, 10139, 'consumer filter in FilterSubjects cannot be empty'),
};
