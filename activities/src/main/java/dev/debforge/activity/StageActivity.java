package dev.debforge.activity;

import dev.debforge.plan.StepRequest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.DynamicActivity;
import io.temporal.common.converter.EncodedValues;

/**
 * Every stage as a Temporal activity whose type is the stage id: one dynamic activity that
 * dispatches on the activity type, so that stages added by plugins need no registration of their
 * own and the plan can call any stage by name.
 */
public final class StageActivity implements DynamicActivity {

  private final StageRuntime runtime;

  public StageActivity(StageRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public Object execute(EncodedValues args) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    StepRequest request = args.get(0, StepRequest.class);
    String type = context.getInfo().getActivityType();
    if (!type.equals(request.step().stage())) {
      throw new IllegalArgumentException(
          "activity " + type + " was sent step " + request.step().name());
    }
    Heartbeater heartbeater = Heartbeater.start(context, Heartbeater.INTERVAL);
    try {
      return runtime.run(request, heartbeater);
    } catch (Exception e) {
      // A step stopped because the build was cancelled reports the cancellation, not the
      // killed tool it caused.
      heartbeater.check();
      throw Failures.toFailure("stage " + type, e);
    } finally {
      heartbeater.close();
    }
  }
}
