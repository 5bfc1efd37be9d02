package dev.debforge.plugin;

import java.nio.file.Path;
import java.util.Map;

/** What a running stage may use: its inputs, its output directory, the host tools and a log. */
public interface StageContext {

  /**
   * The output directory of an earlier step, by the role the plan gave it ({@code tree}, …).
   * Read-only: its files may be hard links shared with other stored objects, and another step may
   * link them while this one reads them (their ctime then changes, their content never).
   */
  Path input(String role);

  /** The facts an earlier step reported, by the same role. */
  Map<String, String> facts(String role);

  /** An empty directory that becomes this step's output when {@link Stage#run} returns. */
  Path output();

  /**
   * Copies an input into the output directory, with owners, modes, links and xattrs kept (and
   * reflinks where the file system has them), and returns the output directory: the start of a
   * stage that changes a tree, a sysroot or a disk and leaves the changed copy.
   */
  Path copyOfInput(String role) throws ToolException;

  /** A scratch directory that is deleted after the stage, whatever its outcome. */
  Path scratch();

  /** A cache shared between builds on this host (for example apt's package archives). */
  Path sharedCache(String name);

  /** Runs external tools; every process the stage starts goes through here. */
  ToolRunner tools();

  /** Reports progress: logged with the stage's label and sent as a heartbeat. */
  void progress(String message);

  /** The CPU architecture being built, in Debian's naming ({@code amd64}, {@code arm64}). */
  String architecture();
}
