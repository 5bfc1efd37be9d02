package dev.debforge.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debforge.config.ConfigParser.Syntax;
import dev.debforge.plugin.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {

  private static final String HASH = "$6$salt$k3Cl0Wq1bCDVh1iu2AQ7Xy";
  private static final String ED25519 =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ4eXZ6d3h5enh5enh5enh5enh5enh5enh5enh5";
  private static final String RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7";
  private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI alice@laptop";

  private static final DiskConfig EXPECTED =
      new DiskConfig(
          List.of(new ConfigUser("alice", HASH, List.of(KEY), List.of("sudo"))),
          List.of("console=ttyS0", "quiet"),
          20L << 30,
          null,
          null);

  @Test
  void readsBootcImageBuilderToml() throws Exception {
    String toml =
        """
        [[customizations.user]]
        name = "alice"
        password = "%s"
        key = "%s"
        groups = ["sudo"]

        [customizations.kernel]
        append = "console=ttyS0 quiet"

        [[customizations.filesystem]]
        mountpoint = "/"
        minsize = "20 GiB"
        """
            .formatted(HASH, KEY);
    assertEquals(EXPECTED, ConfigParser.parse(toml, "config.toml", Syntax.TOML));
  }

  @Test
  void readsJson() throws Exception {
    String json =
        """
        {"customizations": {
          "user": [{"name": "alice", "password": "%s", "key": "%s", "groups": ["sudo"]}],
          "kernel": {"append": "console=ttyS0 quiet"},
          "filesystem": [{"mountpoint": "/", "minsize": 21474836480}]}}
        """
            .formatted(HASH, KEY);
    assertEquals(EXPECTED, ConfigParser.parse(json, "config.json", Syntax.JSON));
  }

  @Test
  void readsYamlFromAFileChosenByExtension(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("config.yml"),
            """
            customizations:
              user:
                - name: alice
                  password: '%s'
                  key: %s
                  groups: [sudo]
              kernel:
                append: console=ttyS0 quiet
              filesystem:
                - mountpoint: /
                  minsize: 20G
            """
                .formatted(HASH, KEY));
    assertEquals(EXPECTED, ConfigParser.parse(file));
  }

  @Test
  void rejectsUnknownKeyWithItsLineAndTheValidKeys() {
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () ->
                ConfigParser.parse(
                    "customizations:\n  user:\n    - name: alice\n      shell: /bin/zsh\n",
                    "c.yaml",
                    Syntax.YAML));
    assertEquals(
        "c.yaml:4:7: customizations.user[0].shell: unknown key 'shell'\n"
            + "Hint: valid keys here: groups, key, name, password; debforge takes no other "
            + "customizations, put them in the image instead",
        e.getMessage());
  }

  @Test
  void rejectsUnknownTomlTableNamingTheFileAndKeyPath() {
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () ->
                ConfigParser.parse(
                    "[[customizations.group]]\nname = \"x\"\n", "config.toml", Syntax.TOML));
    assertTrue(
        e.getMessage().startsWith("config.toml: customizations.group: unknown key 'group'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("valid keys here: disk, filesystem, installer, kernel, user"));
  }

  @Test
  void hashesAPlainTextPasswordAsBootcImageBuilderDoesAndNeverKeepsTheText() throws Exception {
    DiskConfig config =
        ConfigParser.parse(
            "{\"customizations\": {\"user\": [{\"name\": \"bob\", \"password\": \"hunter2\"}]}}",
            "c.json",
            Syntax.JSON);
    String hash = config.users().get(0).password();
    assertTrue(hash.matches("\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}"), hash);
    String salt = hash.substring(3, 19);
    assertEquals(Sha512Crypt.hash("hunter2", salt), hash);
    assertFalse(config.toString().contains("hunter2"));
  }

  @Test
  void refusesAnEmptyPasswordWithoutShowingIt() {
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () ->
                ConfigParser.parse(
                    "{\"customizations\": {\"user\": [{\"name\": \"bob\", \"password\": \"\"}]}}",
                    "c.json",
                    Syntax.JSON));
    assertTrue(e.getMessage().startsWith("c.json:1:"), e.getMessage());
    assertTrue(e.getMessage().contains("customizations.user[0].password: the password is empty"),
        e.getMessage());
  }

  @Test
  void readsSizesInBinaryAndDecimalUnits() throws Exception {
    assertEquals(512L << 20, rootSize("\"512 MiB\""));
    assertEquals(20L << 30, rootSize("\"20G\""));
    assertEquals(10L << 30, rootSize("\"10 GiB\""));
    assertEquals(10_000_000_000L, rootSize("\"10 GB\""));
    assertEquals(4096L, rootSize("4096"));
    assertEquals(4096L, rootSize("\"4096\""));
    for (String bad : List.of("\"ten GiB\"", "0", "-5", "\"5 PiB\"", "true")) {
      assertThrows(BadInputException.class, () -> rootSize(bad), bad);
    }
  }

  @Test
  void rejectsMountpointsOtherThanRoot() throws Exception {
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () ->
                ConfigParser.parse(
                    "[[customizations.filesystem]]\nmountpoint = \"/var\"\nminsize = 1024\n",
                    "c.toml",
                    Syntax.TOML));
    assertTrue(e.getMessage().contains("customizations.filesystem[0].mountpoint: '/var' cannot "
        + "be sized: debforge's layout is an ESP, a fixed 1 GiB /boot and one root file system"),
        e.getMessage());
    // A /boot no larger than debforge's fixed one is already satisfied.
    DiskConfig small =
        ConfigParser.parse(
            "[[customizations.filesystem]]\nmountpoint = \"/boot\"\nminsize = \"512 MiB\"\n",
            "c.toml",
            Syntax.TOML);
    assertNull(small.rootMinSizeBytes());
    assertThrows(
        BadInputException.class,
        () ->
            ConfigParser.parse(
                "[[customizations.filesystem]]\nmountpoint = \"/boot\"\nminsize = \"2 GiB\"\n",
                "c.toml",
                Syntax.TOML));
  }

  @Test
  void readsDiskMinsizeAndQuotedKernelArguments() throws Exception {
    DiskConfig config =
        ConfigParser.parse(
            "[customizations.disk]\nminsize = \"30 GiB\"\n[customizations.kernel]\n"
                + "append = 'quiet  dyndbg=\"file x +p\"'\n",
            "c.toml",
            Syntax.TOML);
    assertEquals(30L << 30, config.diskSizeBytes());
    assertEquals(List.of("quiet", "dyndbg=\"file x +p\""), config.kernelAppend());
  }

  @Test
  void rejectsSyntaxErrorsDuplicatesAndUnknownExtensions() {
    BadInputException syntax =
        assertThrows(
            BadInputException.class,
            () -> ConfigParser.parse("{\"customizations\": ", "c.json", Syntax.JSON));
    assertTrue(syntax.getMessage().startsWith("c.json:1:"), syntax.getMessage());
    assertTrue(syntax.getMessage().contains("invalid JSON"), syntax.getMessage());
    assertThrows(
        BadInputException.class,
        () ->
            ConfigParser.parse(
                "{\"customizations\": {}, \"customizations\": {}}", "c.json", Syntax.JSON));
    BadInputException extension =
        assertThrows(BadInputException.class, () -> ConfigParser.parse(Path.of("config.ini")));
    assertTrue(extension.getMessage().contains(".toml, .json, .yaml or .yml"));
  }

  @Test
  void acceptsSeveralKeysAndAnEmptyFile() throws Exception {
    DiskConfig config =
        ConfigParser.parse(
            "customizations:\n  user:\n    - name: ops\n      key: |\n        " + ED25519 + " a\n"
                + "        " + RSA + " b\n",
            "c.yaml",
            Syntax.YAML);
    assertEquals(List.of(ED25519 + " a", RSA + " b"), config.users().get(0).keys());
    assertEquals(new DiskConfig(null, null, null, null, null),
        ConfigParser.parse("", "c.yaml", Syntax.YAML));
  }

  private static long rootSize(String value) throws BadInputException {
    return ConfigParser.parse(
            "{\"customizations\": {\"filesystem\": [{\"mountpoint\": \"/\", \"minsize\": "
                + value + "}]}}",
            "c.json",
            Syntax.JSON)
        .rootMinSizeBytes();
  }

  @Test
  void refusesKernelArgumentsAsRecipesDo() {
    for (String[] c :
        new String[][] {
          {"append = \"quiet\\u0000x\"", "contains a control character ('\\x00')"},
          {"append = 'dyndbg=\"file x'", "has an unbalanced double quote"},
          {"append = \"a\\u001b[2Jb\"", "contains a control character ('\\x1b')"}}) {
      BadInputException e =
          assertThrows(
              BadInputException.class,
              () -> ConfigParser.parse("[customizations.kernel]\n" + c[0] + "\n", "c.toml",
                  Syntax.TOML),
              c[0]);
      assertTrue(e.getMessage().startsWith("c.toml"), e.getMessage());
      assertTrue(e.getMessage().contains("customizations.kernel.append: "), e.getMessage());
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertTrue(e.getMessage().contains("Hint: give one argument"), e.getMessage());
      assertTrue(!e.getMessage().contains("\u001b"), e.getMessage());
    }
    assertEquals(
        List.of("dyndbg=\"file x +p\"", "quiet"),
        assertDoesNotThrow(
            () -> ConfigParser.parse("[customizations.kernel]\nappend = 'dyndbg=\"file x +p\""
                + " quiet'\n", "c.toml", Syntax.TOML)).kernelAppend());
  }

  @Test
  void refusesSshKeysWithOptionsOrGarbageAsRecipesDo() {
    for (String key :
        List.of("command=\\\"sh\\\" " + ED25519, "ssh-ed25519 AAAAnotakey", "hello world")) {
      BadInputException e =
          assertThrows(
              BadInputException.class,
              () -> ConfigParser.parse(
                  "{\"customizations\": {\"user\": [{\"name\": \"a\", \"key\": \"" + key
                      + "\"}]}}", "c.json", Syntax.JSON),
              key);
      assertTrue(e.getMessage().startsWith("c.json:1:"), e.getMessage());
      assertTrue(e.getMessage().contains("customizations.user[0].key: "), e.getMessage());
      assertTrue(e.getMessage().contains("is not an OpenSSH public key"), e.getMessage());
    }
  }

  @Test
  void refusesADeviceAsConfigFileWithoutReadingIt(@TempDir Path dir) throws Exception {
    Path zero = Files.createSymbolicLink(dir.resolve("zero.toml"), Path.of("/dev/zero"));
    BadInputException e =
        assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(5),
            () -> assertThrows(BadInputException.class, () -> ConfigParser.parse(zero)));
    assertTrue(e.getMessage().startsWith(zero + ": the config file is not a regular file"),
        e.getMessage());
  }

  @Test
  void readsTheInstallersUnattendedSettings() throws Exception {
    String toml =
        """
        [customizations.installer]
        unattended = "/dev/vda"
        hostname = "lab-1"
        timezone = "Europe/Berlin"
        keyboard = "us:intl"
        """;
    DiskConfig config = ConfigParser.parse(toml, "c.toml", ConfigParser.Syntax.TOML);
    assertEquals(new InstallerConfig("/dev/vda", "lab-1", null, "us:intl", "Europe/Berlin"),
        config.installer());
    assertEquals(java.util.Map.of("unattended", "/dev/vda", "hostname", "lab-1",
        "keyboard", "us:intl", "timezone", "Europe/Berlin", "users", List.of(java.util.Map.of(
            "name", "alice", "password", HASH, "groups", List.of("sudo"), "keys", List.of(KEY)))),
        config.installer().options(EXPECTED.users()));
  }

  @Test
  void refusesInstallerSettingsThatCannotWork() {
    String noDisk = "customizations:\n  installer:\n    hostname: lab-1\n";
    BadInputException missing = assertThrows(BadInputException.class,
        () -> ConfigParser.parse(noDisk, "c.yaml", ConfigParser.Syntax.YAML));
    assertTrue(missing.getMessage().contains("customizations.installer"), missing.getMessage());
    String badHost = "customizations:\n  installer:\n    unattended: /dev/vda\n"
        + "    hostname: no spaces\n";
    BadInputException host = assertThrows(BadInputException.class,
        () -> ConfigParser.parse(badHost, "c.yaml", ConfigParser.Syntax.YAML));
    assertTrue(host.getMessage().startsWith("c.yaml:4:"), host.getMessage());
    assertTrue(host.getMessage().contains("customizations.installer.hostname"),
        host.getMessage());
    String unknown = "customizations:\n  installer:\n    unattended: /dev/vda\n"
        + "    kickstart: x\n";
    assertThrows(BadInputException.class,
        () -> ConfigParser.parse(unknown, "c.yaml", ConfigParser.Syntax.YAML));
  }
}
