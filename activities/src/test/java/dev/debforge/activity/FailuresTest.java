package dev.debforge.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.debforge.oci.LayerReadException;
import dev.debforge.oci.MalformedData;
import dev.debforge.oci.OciException;
import dev.debforge.plugin.BadInputException;
import dev.debforge.plugin.ToolException;
import dev.debforge.recipe.InvalidRecipeValueException;
import dev.debforge.recipe.RecipeException;
import dev.debforge.recipe.RecipeParser;
import dev.debforge.verify.BootFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class FailuresTest {

  private static ApplicationFailure classify(Throwable e) {
    return assertInstanceOf(ApplicationFailure.class, Failures.toFailure("stage extract", e));
  }

  private static boolean retried(ApplicationFailure failure) {
    return !failure.isNonRetryable() && !Failures.NON_RETRYABLE.contains(failure.getType());
  }

  @Test
  void badInputIsNotRetriedAndKeepsItsMessageAndHint() {
    ApplicationFailure failure =
        classify(new BadInputException("image x is not a bootc image", "add the label"));
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertFalse(retried(failure));
    assertEquals("image x is not a bootc image\nHint: add the label", failure.getOriginalMessage());
  }

  @Test
  void refusedLayerIsBadInput() {
    ApplicationFailure failure =
        classify(
            new OciException(
                "layer 0 entry ../etc/passwd has a '..' component", Path.of("/s/blob"), "rebuild"));
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertFalse(retried(failure));
    assertTrue(failure.getOriginalMessage().contains("'..' component"), failure.getMessage());
  }

  @Test
  void recipeErrorsAreBadInput() {
    RecipeException recipe =
        assertThrows(
            RecipeException.class, () -> new RecipeParser().parse("name: [", "r.yaml"));
    assertEquals(Failures.BAD_INPUT, classify(recipe).getType());
    ApplicationFailure invalid =
        classify(new InvalidRecipeValueException("args[0]", "is empty", "remove it"));
    assertEquals(Failures.BAD_INPUT, invalid.getType());
    assertEquals("stage extract: args[0]: is empty\nHint: remove it", invalid.getOriginalMessage());
  }

  @Test
  void optionsThatDoNotMapAreBadInput() {
    Exception mapping =
        assertThrows(
            Exception.class,
            () -> new ObjectMapper().readValue("{\"size\": \"big\"}", Sized.class));
    ApplicationFailure failure = classify(mapping);
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertTrue(failure.getOriginalMessage().startsWith("stage extract: invalid options"),
        failure.getOriginalMessage());
  }

  record Sized(long size) {}

  @Test
  void truncatedGzipLayerIsBadInputNamingTheLayer() throws Exception {
    IOException read = readTruncatedGzip();
    assertTrue(read.getMessage().contains("Unexpected end of ZLIB input stream"));
    LayerReadException layer =
        new LayerReadException(2, "sha256:abc", "layer 2 (sha256:abc) could not be read", read);
    ApplicationFailure failure = classify(layer);
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertFalse(retried(failure));
    assertEquals(
        "layer sha256:abc is truncated (its gzip stream ends early)\n"
            + "Hint: the image is damaged; copy or build it again",
        failure.getOriginalMessage());
  }

  @Test
  void truncatedTarIsBadInput() throws Exception {
    IOException read = readTruncatedTar();
    assertTrue(read.getMessage().contains("Truncated TAR archive"), read.getMessage());
    assertEquals(
        "truncated (its tar archive ends in the middle of a file)", MalformedData.problem(read));
    ApplicationFailure failure =
        classify(new LayerReadException(0, "sha256:def", "could not be read", read));
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("sha256:def is truncated"));
  }

  @Test
  void malformedDataOutsideALayerIsStillBadInput() {
    ApplicationFailure failure = classify(new EOFException("archive ends early"));
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("truncated"), failure.getMessage());
    assertEquals(
        "not gzip-compressed, though its media type says it is",
        MalformedData.problem(new java.util.zip.ZipException("Not in GZIP format")));
  }

  @Test
  void aNameTooLongForLinuxIsBadInput() {
    String name = "/store/tmp/x/" + "n".repeat(4000);
    ApplicationFailure failure =
        classify(new LayerReadException(0, "sha256:abc", "could not be read",
            new FileSystemException(name, null, "File name too long")));
    assertEquals(Failures.BAD_INPUT, failure.getType());
    assertTrue(failure.getOriginalMessage().startsWith("layer sha256:abc is not extractable: an"
        + " entry's name is longer than a Linux file system takes (4013 characters)"),
        failure.getOriginalMessage());
  }

  @Test
  void layerThatCouldNotBeWrittenIsIoTroubleAndRetried() {
    LayerReadException full =
        new LayerReadException(
            0, "sha256:abc", "could not be read",
            new FileSystemException("/store/tmp/x/usr/bin/big", null, "No space left on device"));
    ApplicationFailure failure = classify(full);
    assertEquals(Failures.IO_FAILED, failure.getType());
    assertTrue(retried(failure));
  }

  @Test
  void ioTroubleIsRetriedAndSaidInWords() {
    ApplicationFailure missing = classify(new NoSuchFileException("/store/tmp/k.1/scratch"));
    assertEquals(Failures.IO_FAILED, missing.getType());
    assertTrue(retried(missing));
    assertEquals("stage extract: no such file: /store/tmp/k.1/scratch",
        missing.getOriginalMessage());
    ApplicationFailure full =
        classify(new UncheckedIOException(
            new FileSystemException("/store/objects", null, "No space left on device")));
    assertEquals(Failures.IO_FAILED, full.getType());
    assertTrue(full.getOriginalMessage().contains("Hint: free space"), full.getMessage());
  }

  @Test
  void toolFailureIsRetriedAndNamesTheStep() {
    ApplicationFailure failure =
        classify(new ToolException(ToolException.Kind.EXIT_CODE, List.of("skopeo", "copy"), 1,
            "connection reset"));
    assertEquals(Failures.TOOL_FAILED, failure.getType());
    assertTrue(retried(failure));
    assertTrue(failure.getOriginalMessage().startsWith("stage extract: skopeo failed"));
  }

  @Test
  void missingInputMovesTheBuildInsteadOfRetrying() {
    ApplicationFailure failure = classify(new InputMissingException("k1 is not in the store"));
    assertEquals(Failures.INPUT_MISSING, failure.getType());
    assertFalse(retried(failure));
  }

  @Test
  void bootStoppedByTheDiskIsNotRetriedButATimeoutIs() {
    ApplicationFailure panic =
        classify(new BootFailedException("the guest's kernel panicked", null, true));
    assertEquals(Failures.BOOT_FAILED, panic.getType());
    assertFalse(retried(panic));
    ApplicationFailure slow =
        classify(new BootFailedException("no login prompt within 300 s", null, false));
    assertEquals(Failures.TOOL_FAILED, slow.getType());
    assertTrue(retried(slow));
  }

  @Test
  void programmingErrorsAreBugsThatAreNeverRetried() {
    for (Throwable defect :
        List.of(
            new NullPointerException("Cannot invoke \"String.length()\" because \"s\" is null"),
            new IllegalStateException("not started"),
            new ClassCastException("A cannot be cast to B"),
            new IllegalArgumentException("activity x was sent step y"),
            new NoClassDefFoundError("dev/debforge/Gone"),
            new ArrayIndexOutOfBoundsException(3))) {
      ApplicationFailure failure = classify(defect);
      assertEquals(Failures.BUG, failure.getType(), defect.toString());
      assertFalse(retried(failure), defect.toString());
      String message = failure.getOriginalMessage();
      assertTrue(message.startsWith("debforge defect in stage extract: "
          + defect.getClass().getName()), message);
      assertTrue(message.contains("thrown at " + FailuresTest.class.getName()), message);
      assertTrue(message.contains("Hint: this is a bug in debforge"), message);
      assertTrue(message.contains("please report it"), message);
    }
  }

  @Test
  void temporalFailuresPassThroughUnchanged() {
    ApplicationFailure already = ApplicationFailure.newFailure("x", Failures.TOOL_FAILED);
    assertSame(already, Failures.toFailure("plan", already));
    CanceledFailure cancelled = new CanceledFailure("cancelled");
    assertSame(cancelled, Failures.toFailure("plan", cancelled));
  }

  @Test
  void interruptionIsRetried() {
    ApplicationFailure failure = classify(new InterruptedException());
    assertEquals(Failures.INTERRUPTED, failure.getType());
    assertTrue(retried(failure));
  }

  @Test
  void everyNonRetryableTypeIsAKindThisClassMakes() {
    assertEquals(
        List.of(Failures.BAD_INPUT, Failures.INPUT_MISSING, Failures.BOOT_FAILED, Failures.BUG,
            Failures.PLUGIN_FAILED),
        Failures.NON_RETRYABLE);
  }

  private static IOException readTruncatedGzip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      byte[] data = new byte[200_000];
      new java.util.Random(1).nextBytes(data);
      gzip.write(data);
    }
    byte[] truncated = Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(truncated))) {
      in.readAllBytes();
    } catch (IOException e) {
      return e;
    }
    throw new AssertionError("a truncated gzip stream was read whole");
  }

  private static IOException readTruncatedTar() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      byte[] data = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry("etc/big");
      entry.setSize(data.length);
      tar.putArchiveEntry(entry);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    byte[] truncated = Arrays.copyOf(bytes.toByteArray(), 512 + 1000);
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(truncated))) {
      while (in.getNextEntry() != null) {
        in.readAllBytes();
      }
    } catch (IOException e) {
      return e;
    }
    throw new AssertionError("a truncated tar was read whole");
  }
}
