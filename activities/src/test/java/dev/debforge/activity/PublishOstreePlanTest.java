package dev.debforge.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.plan.BuildPlan;
import dev.debforge.plan.BuildRequest;
import dev.debforge.plan.PlannedStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code publish-ostree} step in compose and run plans, as {@code --ostree-repo} asks. */
class PublishOstreePlanTest {

  private static final String RECIPE =
      """
      name: test
      base:
        suite: bookworm
      """;

  private static BuildPlan plan(BuildRequest request) {
    return new PlanActivitiesImpl(
            BuiltinStages.registry(), () -> List.of("http://mirror.example/debian"))
        .plan(request);
  }

  private static BuildRequest compose() {
    return BuildRequest.compose("/tmp/test.yaml", RECIPE, "oci-archive:/tmp/x.tar", "amd64", null);
  }

  private static BuildRequest run() {
    return BuildRequest.run("/tmp/test.yaml", RECIPE, "/out", List.of("qcow2"), "amd64", null);
  }

  private static List<String> stages(BuildPlan plan) {
    return plan.steps().stream().map(PlannedStep::stage).toList();
  }

  private static PlannedStep last(BuildPlan plan) {
    return plan.steps().get(plan.steps().size() - 1);
  }

  @Test
  void aComposeWithoutTheOptionHasNoPublishOstreeStep() {
    assertFalse(stages(plan(compose())).contains("publish-ostree"));
    assertFalse(stages(plan(run())).contains("publish-ostree"));
  }

  @Test
  void aComposeWithTheOptionPublishesTheCommitLastAndUncached() {
    BuildPlan plan = plan(compose().withOstreeRepo("/srv/ostree"));
    assertEquals(
        List.of("debootstrap", "configure", "initramfs", "ostree-commit", "oci-export", "publish",
            "publish-ostree"),
        stages(plan));
    PlannedStep step = last(plan);
    assertEquals("publish-ostree", step.name());
    assertEquals(Map.of("commit", "ostree-commit"), step.inputs());
    assertEquals("{\"repo\":\"/srv/ostree\"}", step.options());
    assertNull(step.key(), "the repository may have changed since the last build");
    assertEquals(plan.steps().subList(0, plan.steps().size() - 1).stream()
            .map(PlannedStep::name).toList(), step.after(),
        "the commit is published once the image is, though it reads only the commit");
  }

  @Test
  void aRunPublishesTheCommitAfterTheDisks() {
    BuildPlan plan = plan(run().withOstreeRepo("/srv/ostree"));
    PlannedStep step = last(plan);
    assertEquals("publish-ostree", step.stage());
    assertEquals(Map.of("commit", "ostree-commit"), step.inputs());
    assertEquals(1, stages(plan).stream().filter("publish-ostree"::equals).count());
    int commit = stages(plan).indexOf("ostree-commit");
    int disk = stages(plan).indexOf("publish-disk");
    assertTrue(commit < disk && disk < stages(plan).size() - 1, stages(plan).toString());
    assertEquals(plan.steps().subList(0, plan.steps().size() - 1).stream()
            .map(PlannedStep::name).toList(), step.after(),
        "the commit is published once the disks are made and booted");
  }
}
