package dev.debforge.stage.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debforge.recipe.Hook;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The stage and the recipe parser agree on where hooks run and in which languages. */
class HookPointTest {

  @Test
  void stageAndRecipeNameTheSamePoints() {
    assertEquals(Hook.POINTS, HookPoint.ids());
  }

  @Test
  void stageAndRecipeNameTheSameLanguages() {
    assertEquals(Hook.LANGUAGES, Arrays.stream(HookLanguage.values()).map(HookLanguage::id).toList());
  }

  @Test
  void onlyAfterDeployHooksReadTheSysroot() {
    assertEquals("tree", HookPoint.AFTER_PACKAGES.inputRole());
    assertEquals("tree", HookPoint.BEFORE_COMMIT.inputRole());
    assertEquals("sysroot", HookPoint.AFTER_DEPLOY.inputRole());
  }
}
