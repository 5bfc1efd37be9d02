package dev.debforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.debforge.extension.Extensions;
import dev.debforge.extension.PluginReport;
import dev.debforge.plugin.OutputType;
import dev.debforge.plugin.PluginApi;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code debforge plugins}: what the plugin directories hold and what became of each plugin. */
@Command(
    name = "plugins",
    mixinStandardHelpOptions = true,
    description = {
      "List the plugins found in the plugin directories: id, version, provider, the plugin API",
      "versions each needs, its stages, anchors and output types, and whether it started (or",
      "why it is disabled or failed). Also lists every --type value this debforge can make."
    })
final class PluginsCommand implements Callable<Integer> {

  @Mixin PluginDirectories plugins = new PluginDirectories();

  @Option(names = "--json", description = "Print one result object on standard output.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Extensions extensions = plugins.extensions(null);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("apiVersion", PluginApi.VERSION);
      List<Map<String, Object>> dirs = new ArrayList<>();
      for (Path dir : plugins.directories()) {
        dirs.add(Map.of("path", dir.toString(), "exists", Files.isDirectory(dir)));
      }
      result.put("directories", dirs);
      List<Map<String, Object>> list = new ArrayList<>();
      for (PluginReport report : extensions.plugins()) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", report.id());
        p.put("version", report.version());
        p.put("provider", report.provider());
        p.put("requires", report.requires());
        p.put("path", report.path().toString());
        p.put("state", report.state());
        p.put("reason", report.reason());
        p.put("stages", report.stages());
        p.put("anchors", report.anchors());
        p.put("outputTypes", report.outputTypes());
        list.add(p);
      }
      result.put("plugins", list);
      List<Map<String, Object>> types = new ArrayList<>();
      for (OutputType type : extensions.outputTypes()) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", type.id());
        t.put("file", type.directory() + "/" + type.fileName());
        t.put("stage", type.stage());
        t.put("plugin", extensions.typeOrigin(type.id()).map(o -> o.pluginId()).orElse(null));
        types.add(t);
      }
      result.put("outputTypes", types);
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
      out.flush();
      return ExitCodes.DONE;
    }
    out.println("plugin API " + PluginApi.VERSION);
    for (Path dir : plugins.directories()) {
      out.println("plugin directory " + dir + (Files.isDirectory(dir) ? "" : " (none there)"));
    }
    if (extensions.plugins().isEmpty()) {
      out.println("no plugins found");
    }
    for (PluginReport report : extensions.plugins()) {
      out.println();
      out.println(report.id() + (report.version() == null ? "" : " " + report.version()) + ": "
          + report.state() + (report.reason() == null ? "" : ": " + report.reason()));
      out.println("  path: " + report.path());
      if (report.provider() != null) {
        out.println("  provider: " + report.provider());
      }
      if (report.requires() != null) {
        out.println("  needs plugin API: " + report.requires());
      }
      if (!report.stages().isEmpty()) {
        out.println("  stages: " + String.join(", ", report.stages()));
      }
      if (!report.anchors().isEmpty()) {
        out.println("  anchors: " + String.join(", ", report.anchors()));
      }
      if (!report.outputTypes().isEmpty()) {
        out.println("  output types: " + String.join(", ", report.outputTypes()));
      }
    }
    out.println();
    out.println("--type values: " + String.join(", ",
        extensions.outputTypes().stream().map(OutputType::id).toList()));
    out.flush();
    return ExitCodes.DONE;
  }
}
