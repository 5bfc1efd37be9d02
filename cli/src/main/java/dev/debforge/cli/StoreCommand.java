package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.debforge.store.Store;
import dev.debforge.store.StoreGc;
import dev.debforge.store.StoreUsage;
import dev.debforge.store.StoreUsage.ObjectEntry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code debforge store du|gc}: how much the build store takes, and removing what it need not. */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = {
      "Show the size of the build store and remove objects no build needs.",
      "Both are safe while builds run on the same store."
    },
    subcommands = {StoreCommand.Du.class, StoreCommand.Gc.class})
final class StoreCommand implements Runnable {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern AGE = Pattern.compile("(\\d+)([smhdw])");
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT]?)(?:i?B)?");

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code debforge store du}. */
  @Command(
      name = "du",
      mixinStandardHelpOptions = true,
      description = {
        "Show the disk space the store takes: its objects by the stage that made",
        "them and by their last use, and its pending, trash, cache and log",
        "directories. A file hard-linked from several objects counts once, in",
        "the most recently used one."
      })
  static final class Du implements Callable<Integer> {

    @Mixin GlobalOptions global = new GlobalOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Store store = openExisting(global);
      StoreUsage usage = StoreUsage.measure(store);
      Instant now = Instant.now();
      PrintWriter out = spec.commandLine().getOut();
      if (global.json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("store", store.root().toString());
        result.put("totalBytes", usage.totalBytes());
        result.put("objects", Map.of("objects", usage.objects().size(), "bytes",
            usage.objectBytes()));
        result.put("byStage", usage.byStage());
        result.put("byLastUse", usage.byAge(now));
        result.put("pendingBytes", usage.tmpBytes());
        result.put("trashBytes", usage.trashBytes());
        result.put("cacheBytes", usage.cacheBytes());
        result.put("logsBytes", usage.logsBytes());
        out.println(JSON.writeValueAsString(result));
      } else {
        out.println("store " + store.root() + ": " + human(usage.totalBytes()));
        out.println("  objects: " + human(usage.objectBytes()) + " in " + usage.objects().size());
        out.println("    by stage:");
        usage.byStage().forEach((stage, total) -> out.println(row(stage, total)));
        out.println("    by last use:");
        usage.byAge(now).forEach((age, total) -> out.println(row(age, total)));
        out.println("  pending (steps being written): " + human(usage.tmpBytes()));
        out.println("  trash (being removed): " + human(usage.trashBytes()));
        out.println("  cache (shared downloads): " + human(usage.cacheBytes()));
        out.println("  logs: " + human(usage.logsBytes()));
      }
      out.flush();
      return ExitCodes.DONE;
    }

    private static String row(String name, StoreUsage.Total total) {
      return String.format(Locale.ROOT, "      %-16s %10s  %d object%s", name,
          human(total.bytes()), total.objects(), total.objects() == 1 ? "" : "s");
    }
  }

  /** {@code debforge store gc}. */
  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description = {
        "Remove objects no build needs, least recently used first: those unused",
        "for --older-than, then more until the objects fit --max-size. With",
        "--keep-builds N alone, all that the last N builds did not use; with no",
        "option, --older-than 7d. --keep-builds always keeps what the last N",
        "builds used. Build logs older than the age go too, and what killed",
        "builds left in tmp/.",
        "Safe while builds run: an object a running step reads is kept (reported",
        "as in use), and each object is renamed into trash/ before it is deleted,",
        "so none is ever half there. A build whose finished step was removed",
        "redoes that step."
      })
  static final class Gc implements Callable<Integer> {

    @Option(names = "--older-than", paramLabel = "AGE",
        description = "Remove objects unused for this long: 90m, 12h, 7d, 2w.")
    String olderThan;

    @Option(names = "--max-size", paramLabel = "SIZE",
        description = "Remove objects until they take at most this much: 500M, 50G, 1T"
            + " (powers of 1024).")
    String maxSize;

    @Option(names = "--keep-builds", paramLabel = "N",
        description = "Keep every object the last N builds used.")
    Integer keepBuilds;

    @Option(names = "--all", description = "Remove every object and log not in use.")
    boolean all;

    @Option(names = {"-n", "--dry-run"}, description = "Say what would go; remove nothing.")
    boolean dryRun;

    @Mixin GlobalOptions global = new GlobalOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      StoreGc.Policy policy = policy();
      Store store = openExisting(global);
      Instant now = Instant.now();
      StoreGc.Result result = new StoreGc(store).collect(policy, now);
      PrintWriter out = spec.commandLine().getOut();
      if (global.json) {
        Map<String, Object> printed = new LinkedHashMap<>();
        printed.put("store", store.root().toString());
        printed.put("dryRun", result.dryRun());
        printed.put("removed", result.removed().stream().map(Gc::json).toList());
        printed.put("inUse", result.inUse().stream().map(Gc::json).toList());
        printed.put("madeFromMeanwhile",
            result.madeFromMeanwhile().stream().map(Gc::json).toList());
        printed.put("logsRemoved", result.logsRemoved());
        printed.put("staleRemoved", result.staleRemoved().stream().map(Path::toString).toList());
        printed.put("freedBytes", result.freedBytes());
        printed.put("objectBytesBefore", result.objectBytesBefore());
        printed.put("objectBytesAfter", result.objectBytesAfter());
        out.println(JSON.writeValueAsString(printed));
      } else {
        String verb = result.dryRun() ? "would remove" : "removed";
        for (ObjectEntry entry : result.removed()) {
          out.println(line(verb, entry, now));
        }
        for (ObjectEntry entry : result.inUse()) {
          out.println(line("in use, kept", entry, now));
        }
        for (ObjectEntry entry : result.madeFromMeanwhile()) {
          out.println(line("kept, reused", entry, now));
        }
        if (!result.madeFromMeanwhile().isEmpty()) {
          out.println("  (reused: a build made an object from it while gc ran; a later gc can"
              + " take both)");
        }
        out.printf(Locale.ROOT, "%s %d object%s (%s) and %d build log%s; objects %s -> %s%n",
            verb, result.removed().size(), result.removed().size() == 1 ? "" : "s",
            human(result.freedBytes()), result.logsRemoved().size(),
            result.logsRemoved().size() == 1 ? "" : "s", human(result.objectBytesBefore()),
            human(result.objectBytesAfter()));
        if (!result.staleRemoved().isEmpty()) {
          out.println("removed " + result.staleRemoved().size()
              + " leftover(s) of killed builds from tmp/ and trash/");
        }
      }
      out.flush();
      return ExitCodes.DONE;
    }

    StoreGc.Policy policy() {
      if (all && (olderThan != null || maxSize != null || keepBuilds != null)) {
        throw new UserError("--all removes every object not in use and takes no other limit"
            + "\nHint: drop --all, or drop --older-than, --max-size and --keep-builds");
      }
      if (keepBuilds != null && keepBuilds < 1) {
        throw new UserError("--keep-builds " + keepBuilds + " keeps no build"
            + "\nHint: give a count of 1 or more, or use --all");
      }
      return new StoreGc.Policy(
          olderThan == null ? null : age(olderThan),
          maxSize == null ? null : size(maxSize),
          keepBuilds,
          all,
          dryRun);
    }

    private static Map<String, Object> json(ObjectEntry entry) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("key", entry.key());
      map.put("stage", entry.stage());
      map.put("lastUsed", entry.lastUsed().toString());
      map.put("bytes", entry.bytes());
      return map;
    }

    private static String line(String verb, ObjectEntry entry, Instant now) {
      long days = Duration.between(entry.lastUsed(), now).toDays();
      return String.format(Locale.ROOT, "  %-12s %-16s %s  used %s  %s", verb, entry.stage(),
          entry.key().substring(0, 12), days == 0 ? "today" : days + " d ago",
          human(entry.bytes()));
    }
  }

  /** The store of --store, which must exist: neither command creates one. */
  private static Store openExisting(GlobalOptions global) {
    Store store = global.openStore();
    if (!Files.isDirectory(store.root())) {
      throw new UserError("no store at " + store.root()
          + "\nHint: pass the store's directory with --store, or set $DEBFORGE_STORE");
    }
    return store;
  }

  /** An age like 90m, 12h, 7d or 2w. */
  static Duration age(String text) {
    Matcher m = AGE.matcher(text.strip());
    if (!m.matches()) {
      throw new UserError("--older-than " + text + " is not an age"
          + "\nHint: a whole number and a unit: 90m, 12h, 7d, 2w");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }

  /** A size like 500M, 50G, 1.5T or 1024 (bytes), in powers of 1024. */
  static long size(String text) {
    return size(text, "--max-size");
  }

  /** A size like {@link #size(String)}, named in errors as {@code what}. */
  static long size(String text, String what) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new UserError(what + " " + text + " is not a size"
          + "\nHint: a number and a unit, in powers of 1024: 500M, 50G, 1T");
    }
    int power = m.group(2).isEmpty() ? 0 : "KMGT".indexOf(m.group(2)) + 1;
    double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
    if (bytes > Long.MAX_VALUE) {
      throw new UserError(what + " " + text + " is too large");
    }
    return (long) bytes;
  }

  /** 1536 -> "1.5 KiB". */
  static String human(long bytes) {
    return StoreUsage.human(bytes);
  }
}
