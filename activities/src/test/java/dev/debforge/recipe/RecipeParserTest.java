package dev.debforge.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeParserTest {

    private static final String HEAD = "name: x\nbase:\n  suite: bookworm\n";
    private static final String HASH =
            "$6$debforge$mJMIF2vkaP9KpdwGszD58tNBEUcrPM8tk7dFWDZkjODFytQCm5jNy/p2fJWLVERYFHzEyDhIVoNRQElNmwYep1";

    private final RecipeParser parser = new RecipeParser();

    private RecipeException failure(String yaml) {
        return assertThrows(RecipeException.class, () -> parser.parse(yaml, "recipes/x.yaml"));
    }

    private static void assertError(RecipeException e, int line, int column, String keyPath, String message) {
        assertEquals(line, e.line(), "line");
        assertEquals(column, e.column(), "column");
        assertEquals(keyPath, e.keyPath(), "key path");
        assertEquals(message, e.getMessage());
    }

    @Test
    void appliesDefaultsToAMinimalRecipe() throws RecipeException {
        Recipe recipe = parser.parse(HEAD, "recipes/x.yaml");

        assertEquals("x", recipe.name());
        assertNull(recipe.description());
        assertEquals(List.of("amd64"), recipe.architectures());
        assertEquals("bookworm", recipe.base().suite());
        assertNull(recipe.base().mirror());
        assertEquals(Optional.empty(), recipe.base().effectiveMirror());
        assertEquals("https://snapshot.debian.org", recipe.base().snapshotMirror());
        assertEquals(List.of("main"), recipe.base().components());
        assertEquals("minbase", recipe.base().variant());
        assertEquals(List.of(), recipe.packages().install());
        assertEquals(List.of(), recipe.packages().remove());
        assertEquals("linux-image-arm64", recipe.kernel().packageFor("arm64"));
        assertEquals(List.of(), recipe.kernel().args());
        assertEquals(List.of(), recipe.users());
        assertEquals(List.of(), recipe.groups());
        assertEquals(List.of(), recipe.files());
        assertEquals(List.of(), recipe.services().enable());
        assertEquals("x", recipe.hostname());
        assertEquals("C.UTF-8", recipe.locale());
        assertEquals("Etc/UTC", recipe.timezone());
        assertEquals(new Image("x", "latest"), recipe.image());
    }

    @Test
    void readsEveryKeyAndNormalisesValues() throws RecipeException {
        Recipe recipe = parser.parse("""
                name: full
                description: every key
                base:
                  suite: trixie
                  snapshot: 20240601T000000Z
                  snapshot-mirror: https://snapshot.example.org/
                  components: [main, contrib]
                  variant: standard
                architectures: [amd64, arm64]
                packages:
                  install: [vim, "libc6:arm64", "curl=7.88.1-10+deb12u5"]
                  remove: [nano]
                kernel:
                  package: linux-image-rt-amd64
                  args: ["console=ttyS0,115200", quiet]
                users:
                  - name: admin
                    groups: [sudo, adm]
                    password: $y$j9T$abc$def
                    ssh-keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA admin@example"]
                    shell: /bin/sh
                    uid: 1001
                  - name: root
                    uid: 0
                groups:
                  - name: builders
                    gid: 2000
                files:
                  - path: /etc/motd
                    content: hello
                    mode: "600"
                    owner: "admin:1000"
                  - path: /usr/local/bin/tool
                    source: files/tool
                services:
                  enable: [ssh, fstrim.timer]
                  disable: [getty@tty1]
                hostname: box.example.org
                locale: en_GB.UTF-8
                timezone: Europe/Berlin
                image:
                  tag: "1.0"
                """, "full.yaml");

        assertEquals(Optional.of("https://snapshot.example.org/archive/debian/20240601T000000Z/"),
                recipe.base().effectiveMirror());
        assertEquals("linux-image-rt-amd64", recipe.kernel().packageFor("amd64"));
        assertEquals(List.of("console=ttyS0,115200", "quiet"), recipe.kernel().args());
        assertEquals(1001, recipe.users().get(0).uid());
        assertEquals("/bin/bash", recipe.users().get(1).shell());
        assertEquals("0600", recipe.files().get(0).mode());
        assertEquals(0600, recipe.files().get(0).modeBits());
        assertEquals("root:root", recipe.files().get(1).owner());
        assertEquals(List.of("ssh.service", "fstrim.timer"), recipe.services().enable());
        assertEquals(List.of("getty@tty1.service"), recipe.services().disable());
        assertEquals(new Image("full", "1.0"), recipe.image());
    }

    @Test
    void usesTheMirrorWhenNoSnapshotIsSet() throws RecipeException {
        Recipe recipe = parser.parse(HEAD + "  mirror: http://deb.debian.org/debian\n", "x.yaml");
        assertEquals(Optional.of("http://deb.debian.org/debian"), recipe.base().effectiveMirror());
    }

    @Test
    void rejectsUnknownKeyWithItsLineAndASuggestion() {
        RecipeException e = failure(HEAD + "pakages:\n  install: [vim]\n");
        assertError(e, 4, 1, "pakages", """
                recipes/x.yaml:4:1: pakages: unknown key 'pakages'
                Hint: did you mean 'packages'? valid keys here: architectures, base, description, files, groups, \
                hooks, hostname, image, kernel, locale, name, packages, plugins, services, timezone, users""");
    }

    @Test
    void rejectsUnknownNestedKeyListingTheKeysOfItsLevel() {
        RecipeException e = failure(HEAD + "  flavour: 1\n");
        assertError(e, 4, 3, "base.flavour", """
                recipes/x.yaml:4:3: base.flavour: unknown key 'flavour'
                Hint: valid keys here: components, mirror, snapshot, snapshot-mirror, suite, variant""");
    }

    @Test
    void rejectsAMappingWhereAPackageNameBelongsAtTheItem() {
        RecipeException e = failure(HEAD + "packages:\n  install:\n    - vim\n    - curl\n    - {a: b}\n");
        assertError(e, 8, 7, "packages.install[2]",
                "recipes/x.yaml:8:7: packages.install[2]: expected a string, got a mapping");
    }

    @Test
    void rejectsAnUnquotedModeAsANumber() {
        RecipeException e = failure(HEAD + "files:\n  - path: /etc/a\n    content: hi\n    mode: 0644\n");
        assertError(e, 7, 5, "files[0].mode", """
                recipes/x.yaml:7:5: files[0].mode: expected a string, got a number
                Hint: put the value in quotes, e.g. mode: "0644"; YAML reads 0644, 1.0 and yes as other types""");
    }

    @Test
    void rejectsAScalarWhereAListBelongs() {
        RecipeException e = failure(HEAD + "architectures: amd64\n");
        assertError(e, 4, 1, "architectures", """
                recipes/x.yaml:4:1: architectures: expected a list, got a string
                Hint: write a list, one item per line starting with '- ', or [a, b]""");
    }

    @Test
    void rejectsAQuotedUidAndADecimalUid() {
        assertError(failure(HEAD + "users:\n  - name: bob\n    uid: \"1000\"\n"), 6, 5, "users[0].uid",
                "recipes/x.yaml:6:5: users[0].uid: expected an integer, got a string");
        assertError(failure(HEAD + "users:\n  - name: bob\n    uid: 1000.5\n"), 6, 5, "users[0].uid",
                "recipes/x.yaml:6:5: users[0].uid: expected an integer, got a decimal number");
    }

    @Test
    void rejectsAPlainTextPasswordWithAHintToHashIt() {
        RecipeException e = failure(HEAD + "users:\n  - name: bob\n    password: secret\n");
        assertError(e, 6, 5, "users[0].password", """
                recipes/x.yaml:6:5: users[0].password: is not a crypt(3) hash
                Hint: never put a plain-text password in a recipe; make a hash with `mkpasswd -m yescrypt` \
                or `openssl passwd -6` and paste it here""");
    }

    @Test
    void rejectsAnUnknownSuiteListingTheSuites() {
        RecipeException e = failure("name: x\nbase:\n  suite: buster\n");
        assertError(e, 3, 3, "base.suite", """
                recipes/x.yaml:3:3: base.suite: 'buster' is not allowed
                Hint: use one of: bookworm, trixie, sid""");
    }

    @Test
    void rejectsAMirrorTogetherWithASnapshot() {
        RecipeException e = failure(HEAD + "  mirror: http://deb.debian.org/debian\n  snapshot: 20240601T000000Z\n");
        assertError(e, 5, 3, "base.snapshot", """
                recipes/x.yaml:5:3: base.snapshot: cannot be combined with mirror
                Hint: a snapshot is served by snapshot-mirror; remove mirror, or remove snapshot""");
    }

    @Test
    void rejectsASnapshotInTheWrongFormat() {
        RecipeException e = failure(HEAD + "  snapshot: 2024-06-01\n");
        assertError(e, 4, 3, "base.snapshot", """
                recipes/x.yaml:4:3: base.snapshot: '2024-06-01' is not a snapshot timestamp
                Hint: write it as YYYYMMDDTHHMMSSZ, e.g. 20240601T000000Z""");
    }

    @Test
    void reportsAMissingRequiredKeyAtItsParent() {
        assertError(failure("base:\n  suite: bookworm\n"), 1, 1, "name",
                "recipes/x.yaml:1:1: name: required key is missing");
        assertError(failure("name: x\nbase:\n  variant: apt\n"), 2, 1, "base.suite",
                "recipes/x.yaml:2:1: base.suite: required key is missing");
    }

    @Test
    void rejectsAFileWithNeitherContentNorSourceAtTheItem() {
        RecipeException e = failure(HEAD + "files:\n  - path: /etc/a\n");
        assertError(e, 5, 5, "files[0]", """
                recipes/x.yaml:5:5: files[0]: has neither content nor source
                Hint: give exactly one of content (the text) and source (a file next to the recipe)""");
    }

    @Test
    void rejectsAFileUnderADirectoryMadeAtBoot() {
        RecipeException e = failure(HEAD + "files:\n  - path: /run/x\n    content: ''\n");
        assertEquals("files[0].path", e.keyPath());
        assertEquals("recipes/x.yaml:5:5: files[0].path: '/run/x' is under /run", e.getMessage().lines().findFirst().get());
    }

    @Test
    void rejectsAKernelArgumentWithASpace() {
        RecipeException e = failure(HEAD + "kernel:\n  args:\n    - quiet\n    - \"a b\"\n");
        assertError(e, 7, 7, "kernel.args[1]", """
                recipes/x.yaml:7:7: kernel.args[1]: 'a b' is not a kernel argument
                Hint: write one argument per list item, without spaces, e.g. console=ttyS0,115200""");
    }

    @Test
    void rejectsRemovingWhatTheImageBootsWithAtItsItem() throws RecipeException {
        assertError(failure(HEAD + "packages:\n  remove:\n    - nano\n    - ostree:amd64\n"), 7, 7,
                "packages.remove[1]", """
                recipes/x.yaml:7:7: packages.remove[1]: 'ostree:amd64' is what makes the image bootable
                Hint: take it out of packages.remove: every image keeps its kernel and dracut, \
                grub-efi-amd64-bin, grub-efi-arm64-bin, grub-pc-bin, kmod, ostree, ostree-boot, \
                systemd-sysv, udev""");
        RecipeException kernel = failure(HEAD + "architectures: [amd64, arm64]\npackages:\n"
                + "  remove: [less, linux-image-arm64]\n");
        assertEquals("recipes/x.yaml:6:18: packages.remove[1]: 'linux-image-arm64' is what makes the"
                + " image bootable", kernel.getMessage().lines().findFirst().get());
        RecipeException pinned = failure(HEAD + "kernel:\n  package: linux-image-amd64=6.1.0-28\n"
                + "packages:\n  remove: [linux-image-amd64]\n");
        assertEquals("packages.remove[0]", pinned.keyPath(), "a pinned kernel is still the kernel");
        assertEquals(List.of("less", "nano"),
                parser.parse(HEAD + "packages:\n  remove: [less, nano]\n", "x.yaml").packages().remove());
    }

    @Test
    void rejectsAnEmptyListItem() {
        assertError(failure(HEAD + "packages:\n  install: [~]\n"), 5, 13, "packages.install[0]",
                "recipes/x.yaml:5:13: packages.install[0]: expected a string, got nothing");
    }

    @Test
    void rejectsAUserListedTwiceAtTheSecondName() {
        RecipeException e = failure(HEAD + "users:\n  - name: bob\n  - name: bob\n");
        assertError(e, 6, 5, "users[1].name", """
                recipes/x.yaml:6:5: users[1].name: 'bob' is listed twice
                Hint: list each user once""");
    }

    @Test
    void rejectsAKeyGivenTwice() {
        assertError(failure("name: x\nname: y\n"), 2, 1, "name", """
                recipes/x.yaml:2:1: name: the key appears twice (first on line 1)
                Hint: keep one of them""");
    }

    @Test
    void rejectsAnEmptyFile() {
        assertError(failure("# nothing here\n"), 1, 1, "", """
                recipes/x.yaml:1:1: the recipe is empty
                Hint: start with 'name:' and 'base:'; see docs/recipes.md""");
    }

    @Test
    void rejectsATopLevelThatIsNotAMapping() {
        assertError(failure("- a\n- b\n"), 1, 1, "", """
                recipes/x.yaml:1:1: the top level must be a mapping of keys to values, got a list
                Hint: start with 'name:' and 'base:'; see docs/recipes.md""");
    }

    @Test
    void rejectsMoreThanOneDocument() {
        assertError(failure(HEAD + "---\nname: y\n"), 5, 1, "", """
                recipes/x.yaml:5:1: the file holds more than one YAML document
                Hint: put each recipe in a file of its own""");
    }

    @Test
    void reportsAYamlSyntaxErrorWhereSnakeYamlFoundIt() {
        assertError(failure("name: x\n  base: 1\n"), 2, 7, "", """
                recipes/x.yaml:2:7: invalid YAML: mapping values are not allowed here
                Hint: check the indentation and quoting near this line""");
    }

    @Test
    void rejectsANameThatCannotBeTheDefaultHostname() {
        RecipeException e = failure("name: my_box\nbase:\n  suite: bookworm\n");
        assertEquals("recipes/x.yaml:1:1: name: 'my_box' is not a valid host name, and hostname defaults to the name",
                e.getMessage().lines().findFirst().get());
    }

    @Test
    void acceptsANameThatIsNoHostnameWhenTheHostnameIsGiven() throws RecipeException {
        Recipe recipe = parser.parse("name: my_box\nhostname: box\nbase:\n  suite: bookworm\n", "x.yaml");
        assertEquals("box", recipe.hostname());
        assertEquals("my_box", recipe.image().name());
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.yaml");
        Files.writeString(file, HEAD + "timezone: Berlin\n");
        RecipeException e = assertThrows(RecipeException.class, () -> parser.parse(file));
        assertEquals(file.toString(), e.file());
        assertEquals(file + ":4:1: timezone: 'Berlin' is not a time zone name",
                e.getMessage().lines().findFirst().get());
    }

    @Test
    void reportsAMissingFileWithoutALocation(@TempDir Path dir) {
        Path file = dir.resolve("missing.yaml");
        RecipeException e = assertThrows(RecipeException.class, () -> parser.parse(file));
        assertEquals(0, e.line());
        assertEquals(file + ": the recipe does not exist", e.getMessage().lines().findFirst().get());
    }

    @Test
    void readsHooksAndInfersTheLanguageFromTheFile() throws RecipeException {
        Recipe recipe = parser.parse(HEAD + """
                hooks:
                  - name: motd
                    at: before-commit
                    file: hooks/motd.js
                  - name: users
                    at: after-packages
                    file: hooks/users.py
                  - name: inline
                    at: after-deploy
                    language: python
                    source: api.log('hi')
                """, "x.yaml");
        assertEquals(List.of(
                new Hook("motd", "before-commit", "javascript", "hooks/motd.js", null),
                new Hook("users", "after-packages", "python", "hooks/users.py", null),
                new Hook("inline", "after-deploy", "python", null, "api.log('hi')")), recipe.hooks());
    }

    @Test
    void rejectsAHookWithBothFileAndSourceAtTheItem() {
        RecipeException e = failure(HEAD + "hooks:\n  - name: a\n    at: before-commit\n    file: a.js\n"
                + "    source: x\n");
        assertError(e, 5, 5, "hooks[0]", """
                recipes/x.yaml:5:5: hooks[0]: has both file and source
                Hint: give exactly one of file (a script next to the recipe) and source (the script's text)""");
    }

    @Test
    void rejectsAnUnknownHookPointListingThePoints() {
        RecipeException e = failure(HEAD + "hooks:\n  - name: a\n    at: after-boot\n    file: a.js\n");
        assertError(e, 6, 5, "hooks[0].at", """
                recipes/x.yaml:6:5: hooks[0].at: 'after-boot' is not allowed
                Hint: use one of: after-packages, before-commit, after-deploy""");
    }

    @Test
    void rejectsInlineSourceWithoutALanguage() {
        RecipeException e = failure(HEAD + "hooks:\n  - name: a\n    at: before-commit\n    source: x\n");
        assertError(e, 5, 5, "hooks[0].language", """
                recipes/x.yaml:5:5: hooks[0].language: required key is missing
                Hint: inline source needs language: javascript or language: python""");
    }

    @Test
    void rejectsALanguageThatContradictsTheFile() {
        RecipeException e = failure(HEAD + "hooks:\n  - name: a\n    at: before-commit\n    file: a.js\n"
                + "    language: python\n");
        assertError(e, 8, 5, "hooks[0].language", """
                recipes/x.yaml:8:5: hooks[0].language: 'python' does not match 'a.js'
                Hint: name a JavaScript file .js and a Python file .py, or drop language""");
    }

    @Test
    void rejectsAHookFileOutsideTheRecipesDirectory() {
        RecipeException e = failure(HEAD + "hooks:\n  - name: a\n    at: before-commit\n    file: ../a.js\n");
        assertError(e, 7, 5, "hooks[0].file", """
                recipes/x.yaml:7:5: hooks[0].file: '../a.js' leads out of the recipe's directory
                Hint: give a path relative to the recipe's directory, e.g. files/motd""");
    }

    @Test
    void rejectsAHookNameListedTwice() {
        RecipeException e = failure(HEAD + "hooks:\n  - {name: a, at: before-commit, file: a.js}\n"
                + "  - {name: a, at: after-deploy, file: b.js}\n");
        assertEquals("hooks[1].name", e.keyPath());
        assertEquals("recipes/x.yaml:6:6: hooks[1].name: 'a' is listed twice", e.getMessage().lines().findFirst().get());
    }

    @Test
    void resolvesAHookFileBesideTheRecipeButNotThroughALinkOut(@TempDir Path dir) throws Exception {
        Path recipes = Files.createDirectories(dir.resolve("recipes"));
        Files.writeString(dir.resolve("outside.js"), "x");
        Files.createSymbolicLink(recipes.resolve("out.js"), dir.resolve("outside.js"));
        Hook inside = new Hook("a", "before-commit", null, "hooks/a.js", null);
        assertEquals(recipes.toAbsolutePath().resolve("hooks/a.js"), inside.resolveFile(recipes));
        Hook out = new Hook("b", "before-commit", null, "out.js", null);
        InvalidRecipeValueException e = assertThrows(InvalidRecipeValueException.class, () -> out.resolveFile(recipes));
        assertEquals("file", e.path());
    }
}
