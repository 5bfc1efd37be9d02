package dev.debforge.example.hello;

import dev.debforge.plugin.OutputType;
import org.pf4j.Extension;

/** {@code --type file-list}: {@code hello/files.txt}, the image's paths. */
@Extension
public final class FileListType implements OutputType {

  @Override
  public String id() {
    return "file-list";
  }

  @Override
  public String directory() {
    return "hello";
  }

  @Override
  public String fileName() {
    return "files.txt";
  }

  @Override
  public Input input() {
    return Input.TREE;
  }

  @Override
  public String stage() {
    return FileListStage.ID;
  }

  @Override
  public String description() {
    return "the image's paths, one a line (hello/files.txt)";
  }
}
