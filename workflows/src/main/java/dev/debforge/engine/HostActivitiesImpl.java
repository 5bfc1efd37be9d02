package dev.debforge.engine;

import io.temporal.failure.ApplicationFailure;
import java.util.List;

/** The claim and release of one worker process's build slots. */
final class HostActivitiesImpl implements HostActivities {

  private final HostLease lease;
  private final BuildSlots slots;
  private final List<String> offered;

  HostActivitiesImpl(HostLease lease, BuildSlots slots, List<String> offered) {
    this.lease = lease;
    this.slots = slots;
    this.offered = List.copyOf(offered);
  }

  @Override
  public HostLease claim(String buildId, List<String> needs) {
    List<String> unmet = Capabilities.unmet(needs == null ? List.of() : needs, offered);
    if (!unmet.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "worker " + lease.worker() + " lacks " + Capabilities.describe(unmet), LACKING);
    }
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
