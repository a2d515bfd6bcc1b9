/**
 * What Zaqar says could not be done when an operation fails for storage (the
 * 503 description "<text> Please try again in a few seconds.",
 * zaqar/transport/wsgi/v2_0/*.py), by core operation name. The core answers
 * these for storage outages; the REST edge for an unreachable core, with a
 * few route-specific entries of its own (edge-rest/src/errors.ts).
 */
export const UNAVAILABLE_TEXTS = {
  createQueue: "Queue could not be created.",
  listQueues: "Queues could not be listed.",
  getQueue: "Queue metadata could not be retrieved.",
  updateQueue: "Queue could not be updated.",
  deleteQueue: "Queue could not be deleted.",
  getQueueStats: "Queue stats could not be read.",
  purgeQueue: "Queue could not be purged.",
  // Zaqar's share never touches storage; the text is ours.
  shareQueue: "Queue could not be shared.",
  postMessages: "Messages could not be enqueued.",
  listMessages: "Messages could not be listed.",
  getMessage: "Message could not be retrieved.",
  getMessages: "Messages could not be listed.",
  deleteMessage: "Message could not be deleted.",
  deleteMessages: "Messages could not be deleted.",
  createClaim: "Claim could not be created.",
  getClaim: "Claim could not be queried.",
  updateClaim: "Claim could not be updated.",
  deleteClaim: "Claim could not be deleted.",
  ping: "Storage could not be reached.",
  getHealth: "Health status could not be read.",
  createTopic: "Topic could not be created.",
  listTopics: "Topics could not be listed.",
  getTopic: "Topic metadata could not be retrieved.",
  updateTopic: "Topic could not be updated.",
  deleteTopic: "Topic could not be deleted.",
  getTopicStats: "Topic stats could not be read.",
  purgeTopic: "Topic could not be purged.",
  createSubscription: "Subscription could not be created.",
  listSubscriptions: "Subscriptions could not be listed.",
  getSubscription: "Subscription could not be retrieved.",
  // Zaqar answers an unexpected PATCH or confirm failure with 400 "Unable to
  // update/confirm subscription"; a storage outage is a 503 here, as on every
  // other operation, so that clients retry it.
  updateSubscription: "Subscription could not be updated.",
  deleteSubscription: "Subscription could not be deleted.",
  confirmSubscription: "Subscription could not be confirmed.",
  // Zaqar's pool and flavor handlers catch no storage errors (a 500); these
  // are worded like every other operation's.
  createPool: "Pool could not be created.",
  listPools: "Pools could not be listed.",
  getPool: "Pool could not be retrieved.",
  updatePool: "Pool could not be updated.",
  deletePool: "Pool could not be deleted.",
  createFlavor: "Flavor could not be created.",
  listFlavors: "Flavors could not be listed.",
  getFlavor: "Flavor could not be retrieved.",
  updateFlavor: "Flavor could not be updated.",
  deleteFlavor: "Flavor could not be deleted.",
} as const;
