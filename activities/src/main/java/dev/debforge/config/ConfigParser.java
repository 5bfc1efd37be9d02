package dev.debforge.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.debforge.disk.LayoutRequest;
import dev.debforge.plugin.BadInputException;
import dev.debforge.recipe.KernelArgument;
import dev.debforge.recipe.SshPublicKey;
import dev.debforge.recipe.UserFiles;
import dev.debforge.recipe.UserText;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code --config} file: bootc-image-builder's customizations, in TOML, JSON or YAML
 * (chosen by the file's extension), with one schema for all three (docs/config.md).
 *
 * <p>Every key debforge does not act on is an error rather than silently ignored, since a user
 * switching from bootc-image-builder must learn that, say, {@code customizations.group} did
 * nothing. Errors read {@code file:line:col: key.path: problem} and a {@code Hint:} line; TOML
 * files have no line for keys, because Jackson's TOML parser gives none.
 */
public final class ConfigParser {

  /** The syntaxes a config file may be written in. */
  public enum Syntax {
    TOML,
    JSON,
    YAML
  }

  private static final Set<String> TOP_KEYS = Set.of("customizations");
  private static final Set<String> CUSTOMIZATION_KEYS =
      Set.of("user", "kernel", "filesystem", "disk", "installer");
  private static final Set<String> USER_KEYS = Set.of("name", "password", "key", "groups");
  private static final Set<String> KERNEL_KEYS = Set.of("append");
  private static final Set<String> FILESYSTEM_KEYS = Set.of("mountpoint", "minsize");
  private static final Set<String> DISK_KEYS = Set.of("minsize");
  private static final Set<String> INSTALLER_KEYS =
      Set.of("unattended", "hostname", "locale", "keyboard", "timezone");
  private static final Pattern DEVICE = Pattern.compile("/dev/[A-Za-z0-9/_.-]+");
  private static final Pattern HOSTNAME =
      Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
  private static final Pattern LOCALE = Pattern.compile("[A-Za-z0-9_.@-]+");
  private static final Pattern KEYBOARD = Pattern.compile("[a-z0-9_-]+(:[A-Za-z0-9_-]*)?");
  private static final Pattern TIMEZONE =
      Pattern.compile("[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*");

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  private static final Pattern CRYPT_HASH = Pattern.compile("\\$[0-9a-z]+(\\$[^$:\\s]*)+");
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B?)", Pattern.CASE_INSENSITIVE);

  private final String file;
  private final Map<String, JsonLocation> locations;

  private ConfigParser(String file, Map<String, JsonLocation> locations) {
    this.file = file;
    this.locations = locations;
  }

  /** Reads the file; its extension ({@code .toml}, {@code .json}, {@code .yaml}) picks the syntax. */
  public static DiskConfig parse(Path file) throws BadInputException {
    String name = file.toString();
    Syntax syntax = syntaxOf(name);
    return parse(UserFiles.read(file, "config file"), name, syntax);
  }

  /** Reads config text; {@code file} names it in error messages. */
  public static DiskConfig parse(String text, String file, Syntax syntax)
      throws BadInputException {
    int longLine = UserFiles.firstLineLongerThan(text, UserFiles.MAX_YAML_LINE);
    if (longLine > 0) {
      throw new BadInputException(
          file + ":" + longLine + ": the line is longer than the " + UserFiles.MAX_YAML_LINE
              + " characters a config file's line may have",
          "a config file holds short values; check that this is the file you meant");
    }
    ObjectMapper mapper = mapper(syntax);
    Map<String, JsonLocation> locations = new HashMap<>();
    JsonNode root;
    try {
      try (JsonParser parser = mapper.createParser(text)) {
        locate(parser, parser.nextToken(), "", locations);
      }
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new BadInputException(
          where(file, at) + ": invalid " + syntax + ": " + firstLine(e.getOriginalMessage()),
          "check the syntax near this place");
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
    return new ConfigParser(file, locations).read(root);
  }

  static Syntax syntaxOf(String fileName) throws BadInputException {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".toml")) {
      return Syntax.TOML;
    }
    if (lower.endsWith(".json")) {
      return Syntax.JSON;
    }
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return Syntax.YAML;
    }
    throw new BadInputException(
        fileName + ": the config file's syntax is unknown",
        "name it .toml, .json, .yaml or .yml after its syntax");
  }

  private static ObjectMapper mapper(Syntax syntax) {
    ObjectMapper mapper =
        switch (syntax) {
          case TOML -> new TomlMapper();
          case JSON -> new JsonMapper();
          case YAML -> new YAMLMapper();
        };
    // A key given twice would otherwise silently keep its last value.
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return mapper;
  }

  /** Records where each key and list item starts, by key path ({@code customizations.user[0]}). */
  private static void locate(
      JsonParser parser, JsonToken token, String path, Map<String, JsonLocation> locations)
      throws IOException {
    if (token == JsonToken.START_OBJECT) {
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = path.isEmpty() ? parser.currentName() : path + "." + parser.currentName();
        locations.put(key, parser.currentTokenLocation());
        locate(parser, parser.nextToken(), key, locations);
      }
    } else if (token == JsonToken.START_ARRAY) {
      int index = 0;
      for (JsonToken item = parser.nextToken();
          item != JsonToken.END_ARRAY;
          item = parser.nextToken()) {
        String key = path + "[" + index++ + "]";
        locations.put(key, parser.currentTokenLocation());
        locate(parser, item, key, locations);
      }
    }
  }

  private DiskConfig read(JsonNode root) throws BadInputException {
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new DiskConfig(List.of(), List.of(), null, null, null);
    }
    mapping(root, "", TOP_KEYS);
    JsonNode customizations = root.get("customizations");
    if (customizations == null) {
      return new DiskConfig(List.of(), List.of(), null, null, null);
    }
    mapping(customizations, "customizations", CUSTOMIZATION_KEYS);

    List<ConfigUser> users = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    JsonNode userList = list(customizations, "user", "customizations.user");
    for (int i = 0; i < userList.size(); i++) {
      ConfigUser user = user(userList.get(i), "customizations.user[" + i + "]");
      if (!names.add(user.name())) {
        throw fail(
            "customizations.user[" + i + "].name", "user '" + user.name() + "' is given twice",
            "merge the two entries");
      }
      users.add(user);
    }

    List<String> append = List.of();
    JsonNode kernel = customizations.get("kernel");
    if (kernel != null) {
      mapping(kernel, "customizations.kernel", KERNEL_KEYS);
      if (kernel.has("append")) {
        append = kernelArgs(text(kernel.get("append"), "customizations.kernel.append"));
        for (String arg : append) {
          String problem = KernelArgument.problem(arg);
          if (problem != null) {
            throw fail("customizations.kernel.append", problem, KernelArgument.HINT);
          }
        }
      }
    }

    Long rootMin = null;
    JsonNode filesystems = list(customizations, "filesystem", "customizations.filesystem");
    for (int i = 0; i < filesystems.size(); i++) {
      String path = "customizations.filesystem[" + i + "]";
      JsonNode entry = filesystems.get(i);
      mapping(entry, path, FILESYSTEM_KEYS);
      String mountpoint = text(required(entry, path, "mountpoint"), path + ".mountpoint");
      long minsize = size(required(entry, path, "minsize"), path + ".minsize");
      switch (mountpoint) {
        case "/" -> {
          if (rootMin != null) {
            throw fail(path + ".mountpoint", "/ is given twice", "keep one entry for /");
          }
          rootMin = minsize;
        }
        case "/boot" -> {
          // debforge's /boot is always this size, so a smaller minimum is already met.
          if (minsize > LayoutRequest.DEFAULT_BOOT_BYTES) {
            throw fail(
                path + ".minsize",
                "debforge's /boot is a fixed 1 GiB, smaller than the " + minsize + " bytes asked",
                "remove this entry; kernels and initramfs images of two deployments fit in 1 GiB");
          }
        }
        default ->
            throw fail(
                path + ".mountpoint",
                UserText.quote(mountpoint) + " cannot be sized: debforge's layout is an ESP, a"
                    + " fixed 1 GiB /boot and one root file system",
                "remove this entry, or size the root with mountpoint \"/\"; directories such as "
                    + "/var live on the root file system");
      }
    }

    Long diskMin = null;
    JsonNode disk = customizations.get("disk");
    if (disk != null) {
      mapping(disk, "customizations.disk", DISK_KEYS);
      if (disk.has("minsize")) {
        diskMin = size(disk.get("minsize"), "customizations.disk.minsize");
      }
    }
    return new DiskConfig(users, append, rootMin, diskMin, installer(customizations));
  }

  /** {@code customizations.installer}, for an installer's unattended install; null if absent. */
  private InstallerConfig installer(JsonNode customizations) throws BadInputException {
    JsonNode node = customizations.get("installer");
    if (node == null) {
      return null;
    }
    String path = "customizations.installer";
    mapping(node, path, INSTALLER_KEYS);
    String disk = text(required(node, path, "unattended"), path + ".unattended");
    if (!DEVICE.matcher(disk).matches()) {
      throw fail(path + ".unattended", UserText.quote(disk) + " is not a disk's device path",
          "name the disk the installer erases, such as /dev/vda or /dev/disk/by-id/ata-X");
    }
    return new InstallerConfig(disk,
        setting(node, path, "hostname", HOSTNAME,
            "letters, digits and inner dashes, at most 63, such as lab-1"),
        setting(node, path, "locale", LOCALE, "a locale such as en_US.UTF-8"),
        setting(node, path, "keyboard", KEYBOARD, "LAYOUT or LAYOUT:VARIANT, such as de or us:intl"),
        setting(node, path, "timezone", TIMEZONE, "a zone such as Europe/Berlin"));
  }

  private String setting(JsonNode node, String path, String key, Pattern pattern, String hint)
      throws BadInputException {
    if (!node.has(key)) {
      return null;
    }
    String value = text(node.get(key), path + "." + key);
    if (!pattern.matcher(value).matches()) {
      throw fail(path + "." + key, UserText.quote(value) + " is not a valid " + key, "give " + hint);
    }
    return value;
  }

  private ConfigUser user(JsonNode node, String path) throws BadInputException {
    mapping(node, path, USER_KEYS);
    String name = text(required(node, path, "name"), path + ".name");
    if (!NAME.matcher(name).matches()) {
      throw fail(
          path + ".name", UserText.quote(name) + " is not a valid user name",
          "use lower-case letters, digits, '_' and '-', starting with a letter, at most 32");
    }
    String password = null;
    if (node.has("password")) {
      password = text(node.get("password"), path + ".password");
      if (!CRYPT_HASH.matcher(password).matches()) {
        // bootc-image-builder takes plain text and hashes it; so does debforge, here, so that
        // the text never reaches a build request, its history, a log or the store.
        if (password.isEmpty() || password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw fail(
              path + ".password",
              "the password is empty or has control characters (not shown)",
              "give the password as printable text, or a crypt hash (openssl passwd -6)");
        }
        password = Sha512Crypt.hash(password);
      }
    }
    List<String> keys = new ArrayList<>();
    if (node.has("key")) {
      for (String line : text(node.get("key"), path + ".key").split("\n")) {
        if (!line.isBlank()) {
          String problem = SshPublicKey.problem(line.strip());
          if (problem != null) {
            throw fail(path + ".key", problem, SshPublicKey.HINT);
          }
          keys.add(line.strip());
        }
      }
    }
    List<String> groups = new ArrayList<>();
    if (node.has("groups")) {
      JsonNode list = list(node.get("groups"), path + ".groups");
      for (int i = 0; i < list.size(); i++) {
        String group = text(list.get(i), path + ".groups[" + i + "]");
        if (!NAME.matcher(group).matches()) {
          throw fail(
              path + ".groups[" + i + "]", UserText.quote(group) + " is not a valid group name",
              "use lower-case letters, digits, '_' and '-', starting with a letter");
        }
        groups.add(group);
      }
    }
    return new ConfigUser(name, password, keys, groups);
  }

  /**
   * Splits a kernel command line on blanks, except inside double quotes, which keep a value such
   * as {@code dyndbg="file x +p"} whole.
   */
  static List<String> kernelArgs(String line) {
    List<String> args = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (Character.isWhitespace(c) && !quoted) {
        if (current.length() > 0) {
          args.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(c);
      }
    }
    if (current.length() > 0) {
      args.add(current.toString());
    }
    return args;
  }

  /**
   * A size: a number of bytes, or text such as {@code 10 GiB}, {@code 20G} or {@code 512 MiB}.
   * KiB, MiB, GiB, TiB and the bare K, M, G, T are powers of 1024; kB, MB, GB and TB are powers of
   * 1000, as in bootc-image-builder.
   */
  long size(JsonNode node, String path) throws BadInputException {
    String hint = "write a number of bytes, or text like \"10 GiB\", \"20G\" or \"512 MiB\"";
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong() && node.asLong() > 0) {
        return node.asLong();
      }
      throw fail(path, "the size must be a positive number of bytes", hint);
    }
    if (!node.isTextual()) {
      throw fail(path, "expected a size, got " + kind(node), hint);
    }
    Matcher m = SIZE.matcher(node.asText().strip());
    if (!m.matches()) {
      throw fail(path, UserText.quote(node.asText()) + " is not a size", hint);
    }
    String prefix = m.group(2).toUpperCase(Locale.ROOT);
    boolean decimal = !prefix.isEmpty() && m.group(3).equalsIgnoreCase("B");
    int power = prefix.isEmpty() ? 0 : "KMGT".indexOf(prefix) + 1;
    BigInteger bytes =
        new BigInteger(m.group(1)).multiply(BigInteger.valueOf(decimal ? 1000 : 1024).pow(power));
    if (bytes.signum() <= 0 || bytes.bitLength() > 62) {
      throw fail(path, UserText.quote(node.asText()) + " is not a usable size", hint);
    }
    return bytes.longValue();
  }

  private void mapping(JsonNode node, String path, Set<String> keys) throws BadInputException {
    if (!node.isObject()) {
      throw fail(path, "expected a mapping (a table in TOML), got " + kind(node), null);
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!keys.contains(name)) {
        String key = path.isEmpty() ? name : path + "." + name;
        throw fail(
            key, "unknown key " + UserText.quote(name),
            "valid keys here: " + String.join(", ", new TreeSet<>(keys))
                + "; debforge takes no other customizations, put them in the image instead");
      }
    }
  }

  /** The list under the key, or an empty one when the key is absent. */
  private JsonNode list(JsonNode parent, String key, String path) throws BadInputException {
    JsonNode node = parent.get(key);
    return node == null ? JsonNodeFactory.instance.arrayNode()
        : list(node, path);
  }

  private JsonNode list(JsonNode node, String path) throws BadInputException {
    if (!node.isArray()) {
      throw fail(
          path, "expected a list, got " + kind(node),
          "in TOML write [[" + path.replaceAll("\\[\\d+]", "") + "]] tables or [\"a\", \"b\"]");
    }
    return node;
  }

  private String text(JsonNode node, String path) throws BadInputException {
    if (!node.isTextual()) {
      throw fail(path, "expected a string, got " + kind(node), "put the value in quotes");
    }
    return node.asText();
  }

  private JsonNode required(JsonNode node, String path, String key) throws BadInputException {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw fail(path, "'" + key + "' is missing", "every entry here needs a " + key);
    }
    return value;
  }

  private BadInputException fail(String path, String problem, String hint) {
    return new BadInputException(
        where(file, nearest(path)) + ": " + (path.isEmpty() ? "" : path + ": ") + problem, hint);
  }

  /** The location of the path, else of its nearest parent that has one. */
  private JsonLocation nearest(String path) {
    String current = path;
    while (!current.isEmpty()) {
      JsonLocation at = locations.get(current);
      if (at != null && at.getLineNr() > 0) {
        return at;
      }
      int cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
      current = cut < 0 ? "" : current.substring(0, cut);
    }
    return null;
  }

  private static String where(String file, JsonLocation at) {
    if (at == null || at.getLineNr() <= 0) {
      return file;
    }
    return file + ":" + at.getLineNr() + (at.getColumnNr() > 0 ? ":" + at.getColumnNr() : "");
  }

  private static String kind(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isNull()) {
      return "nothing";
    }
    return "a string";
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "syntax error";
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).strip();
  }
}
