package dev.debforge.workflow;

import dev.debforge.plan.BuildRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One build: a compose, a disk build, or both, as one workflow of stage activities. */
@WorkflowInterface
public interface ImageBuildWorkflow {

  @WorkflowMethod(name = "ImageBuild")
  BuildResult build(BuildRequest request);

  /** Where the build is: its plan and each step's state. */
  @QueryMethod
  BuildStatus status();
}
