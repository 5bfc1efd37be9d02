package dev.debforge.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {

    private static final Path RECIPES = Path.of("..", "recipes");
    private final RecipeParser parser = new RecipeParser();

    @Test
    void canonicalJsonIsTheSameHoweverTheYamlIsWritten() throws RecipeException {
        Recipe terse = parser.parse("name: x\nbase: {suite: bookworm}\n", "a.yaml");
        Recipe spelledOut = parser.parse("""
                timezone: Etc/UTC
                base:
                  variant: minbase
                  components: [main]
                  suite: bookworm
                architectures: [amd64]
                name: x
                image: {tag: latest}
                """, "b.yaml");
        assertEquals(terse.canonicalJson(), spelledOut.canonicalJson());
    }

    @Test
    void canonicalJsonSortsKeysAtEveryDepth() throws RecipeException {
        String json = parser.parse("name: x\nbase: {suite: bookworm}\n", "a.yaml").canonicalJson();
        assertEquals("{\"architectures\":[\"amd64\"],\"base\":{\"components\":[\"main\"],\"mirror\":null,"
                + "\"snapshot\":null,\"snapshot-mirror\":\"https://snapshot.debian.org\",\"suite\":\"bookworm\","
                + "\"variant\":\"minbase\"},\"description\":null,\"files\":[],\"groups\":[],\"hostname\":\"x\","
                + "\"image\":{\"name\":\"x\",\"tag\":\"latest\"},\"kernel\":{\"args\":[],\"package\":null},"
                + "\"locale\":\"C.UTF-8\",\"name\":\"x\",\"packages\":{\"install\":[],\"remove\":[]},"
                + "\"services\":{\"disable\":[],\"enable\":[]},\"timezone\":\"Etc/UTC\",\"users\":[]}", json);
    }

    @Test
    void shippedMinimalBookwormRecipeParses() throws RecipeException {
        Recipe recipe = parser.parse(RECIPES.resolve("minimal-bookworm.yaml"));
        assertEquals("minimal-bookworm", recipe.name());
        assertEquals("bookworm", recipe.base().suite());
        assertEquals(List.of("amd64", "arm64"), recipe.architectures());
        assertEquals(
                List.of("console=ttyAMA0,115200", "console=ttyS0,115200"), recipe.kernel().args());
        assertEquals("debian", recipe.users().get(0).name());
        assertEquals("/etc/motd", recipe.files().get(0).path());
        assertEquals(List.of(), recipe.packages().install());
    }

    @Test
    void canonicalJsonHasHooksOnlyWhenThereAreSome() throws RecipeException {
        String json = parser.parse("name: x\nbase: {suite: bookworm}\nhooks:\n"
                + "  - {name: a, at: before-commit, file: a.js}\n", "a.yaml").canonicalJson();
        assertEquals(true, json.contains("\"hooks\":[{\"at\":\"before-commit\",\"file\":\"a.js\","
                + "\"language\":\"javascript\",\"name\":\"a\",\"source\":null}]"), json);
    }

    @Test
    void shippedHooksExampleRecipeParsesAndItsScriptsExist() throws RecipeException {
        Recipe recipe = parser.parse(RECIPES.resolve("hooks-example.yaml"));
        assertEquals(List.of("admins", "motd", "machine"), recipe.hooks().stream().map(Hook::name).toList());
        assertEquals(List.of("python", "javascript", "javascript"), recipe.hooks().stream().map(Hook::language).toList());
        for (Hook hook : recipe.hooks()) {
            assertEquals(true, java.nio.file.Files.isRegularFile(hook.resolveFile(RECIPES)), hook.file());
        }
    }

    @Test
    void shippedTrixieServerRecipeParses() throws RecipeException {
        Recipe recipe = parser.parse(RECIPES.resolve("trixie-server.yaml"));
        assertEquals("trixie", recipe.base().suite());
        assertEquals(List.of("openssh-server", "sudo"), recipe.packages().install());
        assertEquals(List.of("sudo"), recipe.users().get(0).groups());
        assertEquals(List.of("ssh.service"), recipe.services().enable());
    }

    @Test
    void recordsBuiltInCodeRejectInvalidValuesWithTheirKey() {
        InvalidRecipeValueException e = assertThrows(InvalidRecipeValueException.class,
                () -> new User("bob", null, null, null, null, 80));
        assertEquals("uid", e.path());
        assertEquals("80 is outside 1000..60000", e.problem());
    }

    @Test
    void rootMayOnlyHaveUidZero() {
        assertEquals(0, new User("root", null, null, null, null, 0).uid());
        assertThrows(InvalidRecipeValueException.class, () -> new User("root", null, null, null, null, 1000));
        assertThrows(InvalidRecipeValueException.class, () -> new User("bob", null, null, null, null, 0));
    }

    @Test
    void refusesSourcesOutsideTheRecipeDirectory() {
        InvalidRecipeValueException absolute = assertThrows(InvalidRecipeValueException.class,
                () -> new FileEntry("/etc/a", null, "/etc/passwd", null, null));
        assertEquals("'/etc/passwd' is not a relative path", absolute.problem());
        InvalidRecipeValueException climbing = assertThrows(InvalidRecipeValueException.class,
                () -> new FileEntry("/etc/a", null, "files/../../secret", null, null));
        assertEquals("'files/../../secret' leads out of the recipe's directory", climbing.problem());
    }

    @Test
    void resolvesASourceInsideTheRecipeDirectoryAndRefusesASymlinkOut(@TempDir Path dir) throws Exception {
        Path recipeDir = Files.createDirectories(dir.resolve("recipe"));
        Files.writeString(recipeDir.resolve("motd"), "hi");
        Files.createSymbolicLink(recipeDir.resolve("escape"), dir);
        Files.writeString(dir.resolve("secret"), "s");

        assertEquals(recipeDir.resolve("motd"), new FileEntry("/etc/motd", null, "motd", null, null)
                .resolveSource(recipeDir));
        assertThrows(InvalidRecipeValueException.class,
                () -> new FileEntry("/etc/motd", null, "escape/secret", null, null).resolveSource(recipeDir));
    }

    @Test
    void refusesAPackageBothInstalledAndRemoved() {
        InvalidRecipeValueException e = assertThrows(InvalidRecipeValueException.class,
                () -> new Packages(List.of("vim"), List.of("vim:amd64")));
        assertEquals("remove[0]", e.path());
    }

    @Test
    void refusesAUnitBothEnabledAndDisabledAfterNormalising() {
        InvalidRecipeValueException e = assertThrows(InvalidRecipeValueException.class,
                () -> new Services(List.of("ssh"), List.of("ssh.service")));
        assertEquals("'ssh.service' is also listed under enable", e.problem());
    }
}
