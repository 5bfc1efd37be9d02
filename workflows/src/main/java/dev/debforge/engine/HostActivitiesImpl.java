package dev.debforge.engine;

import io.temporal.failure.ApplicationFailure;

/** The claim and release of one worker process's build slots. */
final class HostActivitiesImpl implements HostActivities {

  private final HostLease lease;
  private final BuildSlots slots;

  HostActivitiesImpl(HostLease lease, BuildSlots slots) {
    this.lease = lease;
    this.slots = slots;
  }

  @Override
  public HostLease claim(String buildId) {
    if (!slots.take(buildId)) {
      throw ApplicationFailure.newFailure(
          lease.worker() + " already runs " + slots.capacity() + " builds", BUSY);
    }
    return lease;
  }

  @Override
  public void release(String buildId) {
    slots.release(buildId);
  }
}
