package dev.debforge.workflow;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A build for several architectures: one {@link ImageBuildWorkflow} per architecture as a child
 * workflow, on that architecture's workers, then, for a compose, one image index of their images.
 */
@WorkflowInterface
public interface MultiArchBuildWorkflow {

  @WorkflowMethod(name = "MultiArchBuild")
  BuildResult build(MultiArchRequest request);

  /**
   * The architectures' builds and the index as steps, with the children's build ids; each
   * child answers its own {@code status} query with its steps.
   */
  @QueryMethod
  BuildStatus status();
}
