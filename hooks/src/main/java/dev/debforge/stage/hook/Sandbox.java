package dev.debforge.stage.hook;

import java.io.OutputStream;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.io.IOAccess;

/**
 * The polyglot context a hook runs in. What it refuses, GraalVM enforces: no host file or socket
 * I/O, no processes, no threads, no native code, no environment variables, no host classes, and
 * of the host objects only the members marked {@link HostAccess.Export}. The statement limit
 * stops a script that runs too long in a way that does not depend on the machine's load; the
 * child JVM's heap cap and the parent's wall-clock deadline stop the rest (GraalVM Community has
 * no heap or CPU-time limits of its own).
 */
final class Sandbox {

  /** Only {@link HostAccess.Export} members, on the one API object; no arrays, lists or maps. */
  static final HostAccess API_ONLY =
      HostAccess.newBuilder()
          .allowAccessAnnotatedBy(HostAccess.Export.class)
          .allowMutableTargetMappings()
          .build();

  private Sandbox() {}

  /** An engine for one language, quiet about running without a JIT compiler. */
  static Engine engine(HookLanguage language, OutputStream out) {
    return Engine.newBuilder(language.graalId())
        .sandbox(SandboxPolicy.CONSTRAINED)
        .out(out)
        .err(out)
        .option("engine.WarnInterpreterOnly", "false")
        .build();
  }

  /** A new context on the engine; one per hook run, since a limit kills its context. */
  static Context context(Engine engine, HookLanguage language, long statementLimit,
      OutputStream out) {
    Context.Builder builder =
        Context.newBuilder(language.graalId())
            .engine(engine)
            .sandbox(SandboxPolicy.CONSTRAINED)
            .out(out)
            .err(out)
            .allowHostAccess(API_ONLY)
            .allowHostClassLookup(name -> false)
            .allowHostClassLoading(false)
            .allowIO(IOAccess.NONE)
            .allowCreateProcess(false)
            .allowCreateThread(false)
            .allowNativeAccess(false)
            .allowEnvironmentAccess(EnvironmentAccess.NONE)
            .allowPolyglotAccess(PolyglotAccess.NONE)
            .allowValueSharing(false)
            .allowInnerContextOptions(false)
            .allowExperimentalOptions(false)
            .resourceLimits(ResourceLimits.newBuilder().statementLimit(statementLimit, null).build());
    return builder.build();
  }
}
