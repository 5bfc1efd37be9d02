package dev.debforge.workflow;

import dev.debforge.plan.BuildRequest;
import java.util.List;

/**
 * A build for several architectures: one request per architecture, each naming its
 * architecture, all of one kind and with one destination. A scripted recipe gives each
 * architecture its own recipe text, so the requests may differ in more than the architecture.
 */
public record MultiArchRequest(List<BuildRequest> builds) {
  public MultiArchRequest {
    builds = List.copyOf(builds);
  }

  /** The architectures, in the order of the builds (and of the image index). */
  public List<String> architectures() {
    return builds.stream().map(BuildRequest::architecture).toList();
  }
}
