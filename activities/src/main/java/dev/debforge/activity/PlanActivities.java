package dev.debforge.activity;

import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Computes the plan of a build, so that the workflow's choices are recorded in its history. */
@ActivityInterface
public interface PlanActivities {

  @ActivityMethod(name = "plan")
  BuildPlan plan(BuildRequest request);
}
