/** The services the core serves, on every transport. */
import type { DescService } from "@bufbuild/protobuf";
import { BatchService } from "../../../proto/gen/zaqar/v1/batch_pb.js";
import { ClaimService } from "../../../proto/gen/zaqar/v1/claim_pb.js";
import { FlavorService } from "../../../proto/gen/zaqar/v1/flavor_pb.js";
import { HealthService } from "../../../proto/gen/zaqar/v1/health_pb.js";
import { MessageService } from "../../../proto/gen/zaqar/v1/message_pb.js";
import { NotificationService } from "../../../proto/gen/zaqar/v1/notification_pb.js";
import { PoolService } from "../../../proto/gen/zaqar/v1/pool_pb.js";
import { PushService } from "../../../proto/gen/zaqar/v1/push_pb.js";
import { QueueService } from "../../../proto/gen/zaqar/v1/queue_pb.js";
import { SubscriptionService } from "../../../proto/gen/zaqar/v1/subscription_pb.js";
import { TopicService } from "../../../proto/gen/zaqar/v1/topic_pb.js";

/** Services whose methods map one to one onto operations (method localName = operation name). */
export const operationServices: readonly DescService[] = [
  QueueService,
  MessageService,
  ClaimService,
  HealthService,
  TopicService,
  SubscriptionService,
  PoolService,
  FlavorService,
];

/** NotificationService is for internal workers: no project, no operation table (service/notifications.ts). */
/** PushService streams (service/push.ts, transport/push-stream.ts): no operation table either. */
export { BatchService, NotificationService, PushService };
